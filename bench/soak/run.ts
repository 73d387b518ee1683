/**
 * The soak, in a process of its own (bench/soak.bench.ts starts it with `--expose-gc` and the
 * `source` condition the reference server needs): a clean heap and event loop, shared with nothing
 * but the reference server. Prints progress lines, then `RESULT <json>` (a `SoakResult`).
 */

import type { ConversationEmitted } from '../../machines/conversation.machine.ts';
import {
  cachedSynthesizer,
  energyTranscriber,
  espeakSynthesizer,
  type Pipeline,
  scriptedResponder,
  startServer,
} from '../../server/src/index.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { createVoiceConversation } from '../../src/conversation.ts';
import { sessionOf } from '../../src/selectors.ts';
import { CountingWebSocket, type Counts, count, inspect } from './probes.ts';
import { nextEmitted, until, untilServer } from './wait.ts';

/** `run.ts [cycles turns lifecycles]`: shorter soaks for trying changes. */
const [CYCLES = 10_000, TURNS = 1_000, LIFECYCLES = 1_000] = process.argv.slice(2).map(Number);
/** Warm-up before the first count: the JIT, espeak-ng's first synthesis, the server's bounded logs. */
const WARM_UP = { cycles: 300, turns: 20, lifecycles: 50 };
/** Heap samples per phase. */
const CHECKPOINTS = 10;
/** The thread every conversation of the soak joins, so the server keeps one thread, not one per conversation. */
const THREAD = 'soak';

export interface PhaseResult {
  name: string;
  count: number;
  /** Milliseconds per cycle, turn or lifecycle. */
  times: number[];
  seconds: number;
  /** Heap after a forced GC at each tenth of the phase. */
  heap: number[];
  /** Turns that failed or came back without a reply. */
  failures: number;
}

export interface SoakResult {
  /** Before the soak's conversations: the server listening, warmed up. */
  start: Counts;
  /** The first conversation connected and ready, before its cycles. */
  connected: Counts;
  /** The same conversation after its cycles and turns, still connected. */
  afterUse: Counts;
  /** Every conversation stopped and out of reach, the server still listening. */
  end: Counts;
  phases: PhaseResult[];
}

type TurnEvent = Extract<ConversationEmitted, { type: 'session.turn' }>;

const print = (line: string) => console.log(line);

/** A phase's figures, in arrays allocated before the first count so recording them grows no heap. */
class Phase {
  readonly times: Float64Array;
  readonly heap = new Float64Array(CHECKPOINTS);
  seconds = 0;
  failures = 0;

  constructor(
    readonly name: string,
    readonly count: number,
  ) {
    this.times = new Float64Array(count);
  }

  result(): PhaseResult {
    const { name, count, seconds, failures } = this;
    return { name, count, seconds, failures, times: [...this.times], heap: [...this.heap] };
  }
}

/** 1 s of 16 kHz audio: 0.3 s of a 220 Hz tone between silences, so the transcriber finds one stretch. */
function clip(): Uint8Array {
  const rate = 16_000;
  const samples = new Int16Array(rate);
  for (let i = 0.3 * rate; i < 0.6 * rate; i++)
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate));
  return encodeWav({ sampleRate: rate, channels: 1, samples });
}

/**
 * The reference server's embedded pipeline, unpaced, with the synthesis cache. Its responder numbers
 * the turns of a thread; the number is held at 2 so every reply is the same text and the cache, not
 * espeak-ng, answers (the soak measures the client, not synthesis).
 */
function pipeline(): Pipeline {
  const responder = scriptedResponder({ tokenMs: 0 });
  return {
    name: 'embedded, unpaced, cached',
    transcriber: energyTranscriber,
    responder: { respond: (input) => responder.respond({ ...input, turn: 2 }) },
    synthesizer: cachedSynthesizer(espeakSynthesizer()),
  };
}

async function main() {
  const server = await startServer({ pipeline: pipeline(), audioSpeed: 0, keepEvents: 100 });
  const url = server.wsUrl('/api/ws/voice');
  const audio = clip();

  const conversation = () =>
    createVoiceConversation({
      url,
      WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
      threadId: THREAD,
      reconnect: { schedule: [0], maxAttempts: Number.POSITIVE_INFINITY },
      autoConnect: true,
      inspect,
    });
  type Conversation = ReturnType<typeof conversation>;
  const serverIdle = () =>
    untilServer(server, () => server.connections() === 0, 'the server to see the close');
  const ready = (actor: Conversation) => until(sessionOf(actor), (s) => s.value === 'ready', 'session ready');

  /** The server drops the connection; the conversation reconnects (0 ms retry) and is ready again. */
  async function cycle(actor: Conversation) {
    server.faults.drop();
    await until(sessionOf(actor), (s) => s.value !== 'ready', 'the drop noticed');
    await ready(actor);
  }

  /** A clip sent, its reply (transcript, tokens, text, WAV) received, the turn complete. Counts failures. */
  async function turn(actor: Conversation, phase?: Phase) {
    const done = nextEmitted<TurnEvent>(actor, 'session.turn');
    actor.send({ type: 'audio.send', audio, mimeType: 'audio/wav' });
    const { turn } = await done;
    if (phase && (turn.failed !== null || turn.agent === '')) phase.failures++;
  }

  async function lifecycle() {
    const actor = conversation().start();
    await ready(actor);
    actor.stop();
    await serverIdle();
  }

  /** `work` `n` times; with a phase, each one timed and the heap sampled at each checkpoint. */
  async function repeat(n: number, work: () => Promise<void>, phase?: Phase) {
    const every = Math.max(1, Math.floor(n / CHECKPOINTS));
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await work();
      if (!phase) continue;
      phase.times[i] = performance.now() - t;
      if ((i + 1) % every === 0 && (i + 1) / every <= CHECKPOINTS) {
        phase.heap[(i + 1) / every - 1] = (await count()).heapUsed;
        print(`${phase.name}: ${i + 1}/${n}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    }
    if (phase) phase.seconds = (performance.now() - started) / 1000;
  }

  /** One conversation through its cycles and turns; it is out of reach once this returns. */
  async function useOne(cycles: Phase, turns: Phase) {
    const actor = conversation().start();
    await ready(actor);
    const connected = await count(actor);
    await repeat(cycles.count, () => cycle(actor), cycles);
    await repeat(turns.count, () => turn(actor, turns), turns);
    const afterUse = await count(actor);
    actor.stop();
    await serverIdle();
    return { connected, afterUse };
  }

  print('warming up');
  await useOne(new Phase('warm-up cycles', WARM_UP.cycles), new Phase('warm-up turns', WARM_UP.turns));
  await repeat(WARM_UP.lifecycles, lifecycle);

  const phases = [
    new Phase('drop and reconnect', CYCLES),
    new Phase('full turn', TURNS),
    new Phase('create, connect, stop', LIFECYCLES),
  ] as const;
  const start = await count();
  const { connected, afterUse } = await useOne(phases[0], phases[1]);
  await repeat(phases[2].count, lifecycle, phases[2]);
  const end = await count();
  await server.stop();
  const result: SoakResult = { start, connected, afterUse, end, phases: phases.map((p) => p.result()) };
  print(`RESULT ${JSON.stringify(result)}`);
}

await main();
