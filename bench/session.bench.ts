import WebSocket from 'ws';
import { type AnyActorRef, createActor, fromCallback } from 'xstate';
import {
  connectionMachine,
  type SocketCommand,
  type SocketEvent,
  type SocketInput,
} from '../machines/connection.machine.ts';
import { tutor } from '../src/dialects/tutor.ts';
import { createSessionMachine } from '../src/session.ts';
import type { Benchmark, Table } from './benchmark.ts';
import { num, ratio, SUMMARY_HEAD, summarize, summaryCells } from './stats.ts';

const TOKENS = 10_000;
const WARMUP_ROUNDS = 3;
const ROUNDS = 20;

/** Seed 004's `rag_token`, ~4 characters a token as an LLM streams them. */
const FRAMES = Array.from({ length: TOKENS }, (_, i) =>
  JSON.stringify({ event: 'rag_token', token: ` w${i % 100}` }),
);
const TEXT_LENGTH = FRAMES.reduce((n, f) => n + (JSON.parse(f) as { token: string }).token.length, 0);
const CLIP = new Uint8Array(3_200);

type Reader = 'none' | 'length' | 'append';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** A socket adapter that writes nothing and lets the benchmark play the server. */
function silentSocket() {
  let current: ((event: SocketEvent) => void) | null = null;
  let socketId = 0;
  const logic = fromCallback<SocketCommand, SocketInput>(({ input, sendBack }) => {
    socketId = input.socketId;
    current = sendBack;
  });
  const emit = (event: DistributiveOmit<SocketEvent, 'socketId'>) =>
    current?.({ ...event, socketId } as SocketEvent);
  return { logic, emit };
}

/**
 * A tutor session in `ready`, its turn fed either as `connection.message` events sent to the session
 * actor (`direct`) or as socket messages through its real connection child (`socket`).
 */
function readySession(path: 'direct' | 'socket', reader: Reader) {
  const socket = silentSocket();
  const { machine, input } = createSessionMachine({
    url: 'ws://bench.invalid/api/ws/voice',
    dialect: tutor,
    WebSocket: WebSocket as never,
    replyTimeoutMs: 600_000,
  });
  // The stub stands in for the connection child: the session only sends to it.
  const connection =
    path === 'socket'
      ? connectionMachine.provide({ actors: { socket: socket.logic } })
      : (fromCallback(() => {}) as unknown as typeof connectionMachine);
  const actor = createActor(machine.provide({ actors: { connection } }), { input });
  let seen = 0;
  let appended = 0;
  if (reader !== 'none') {
    actor.subscribe((snapshot) => {
      const text = snapshot.context.turn?.agent ?? '';
      if (reader === 'append') appended += text.slice(seen).length;
      seen = text.length;
    });
  }
  actor.start();
  const serverSends =
    path === 'socket'
      ? (data: string) => socket.emit({ type: 'socket.message', data, at: 0 })
      : (data: string) => actor.send({ type: 'connection.message', data, at: 0 });
  if (path === 'socket') {
    actor.send({ type: 'connect' });
    socket.emit({ type: 'socket.open', protocol: '', at: 0 });
  } else {
    actor.send({ type: 'connection.status', status: 'open', attempt: 0, delayMs: null, reason: null });
  }
  serverSends(JSON.stringify({ event: 'initialized', thread_id: input.threadId, kb_id: 'kb' }));
  if (actor.getSnapshot().value !== 'ready') throw new Error('the session did not get ready');

  /** One turn: ms to absorb every token; the reply then ends untimed. */
  function turn(): number {
    seen = 0;
    appended = 0;
    actor.send({ type: 'audio.send', audio: CLIP, mimeType: 'audio/wav' });
    serverSends('{"event":"stt_start"}');
    serverSends('{"event":"rag_start"}');
    const started = performance.now();
    for (const frame of FRAMES) serverSends(frame);
    const ms = performance.now() - started;
    const agent = actor.getSnapshot().context.turn?.agent ?? '';
    if (agent.length !== TEXT_LENGTH || (reader !== 'none' && seen !== TEXT_LENGTH)) {
      throw new Error(`the session absorbed ${agent.length} of ${TEXT_LENGTH} characters`);
    }
    if (reader === 'append' && appended !== TEXT_LENGTH) throw new Error('the reader missed text');
    serverSends('{"event":"done","duration":1}');
    return ms;
  }
  return { actor: actor as AnyActorRef, turn };
}

interface Variant {
  label: string;
  run: () => number;
  stop?: () => void;
}

function variants(): Variant[] {
  const session = (label: string, path: 'direct' | 'socket', reader: Reader): Variant => {
    const s = readySession(path, reader);
    return { label, run: s.turn, stop: () => s.actor.stop() };
  };
  return [
    {
      label: 'tutor.decode alone (no actor)',
      run: () => {
        const started = performance.now();
        for (const frame of FRAMES) tutor.decode(frame);
        return performance.now() - started;
      },
    },
    session('session: connection.message, no subscriber', 'direct', 'none'),
    session('session: connection.message, subscriber reads the text length', 'direct', 'length'),
    session('session: connection.message, subscriber appends the new text (slice)', 'direct', 'append'),
    session('socket → connection → session, subscriber reads the text length', 'socket', 'length'),
  ];
}

function tokenTable(log: (line: string) => void): Table {
  const all = variants();
  const samples = all.map(() => [] as number[]);
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    if (round % 10 === 0) globalThis.gc?.();
    all.forEach((variant, i) => {
      const us = (variant.run() * 1000) / TOKENS;
      if (round >= WARMUP_ROUNDS) samples[i]?.push(us);
    });
  }
  for (const variant of all) variant.stop?.();
  const summaries = samples.map(summarize);
  const [decode] = summaries;
  if (!decode) throw new Error('no baseline');
  summaries.forEach((s, i) => {
    log(`${all[i]?.label}: ${num(s.p50)} µs/token, ${num(1e6 / s.p50)} tokens/s`);
  });
  return {
    caption: `A turn of ${TOKENS.toLocaleString('en')} rag_token frames: µs per token (${ROUNDS} turns each)`,
    head: ['Path', ...SUMMARY_HEAD, 'tokens/s (p50 / p95)', '× decode alone (p50 / p95)'],
    rows: summaries.map((s, i) => [
      all[i]?.label ?? '',
      ...summaryCells(s),
      `${num(1e6 / s.p50)} / ${num(1e6 / s.p95)}`,
      `${ratio(s.p50 / decode.p50)} / ${ratio(s.p95 / decode.p95)}`,
    ]),
  };
}

const about = `A reply of ${TOKENS.toLocaleString('en')} seed-004 \`rag_token\` frames (~4 characters each) absorbed by a \`tutor\` session actor in \`processing.thinking\`, through the real decode path. The clock runs from the first token frame sent to the return of the last \`send\` (XState processes each event synchronously, subscribers included); \`stt_start\`, \`rag_start\` and \`done\` are outside it. Each round runs one turn of every path, so drift and GC pauses fall on all alike; ${WARMUP_ROUNDS} warm-up rounds, then ${ROUNDS}. About 30 s on an idle 2-core machine.

- **connection.message** events carry the frames straight to the session actor, whose connection child is a stub.
- **socket → connection → session**: \`socket.message\` events from a socket adapter that does nothing, through the real connection machine (heartbeat on: each message re-arms its timer) to the session.
- The **subscriber** is an \`actor.subscribe\` callback that reads \`context.turn.agent\` on every snapshot: only its length, or the new text since the last snapshot (\`slice\`), as a UI that appends the streamed words does.
- The baseline is \`tutor.decode\` on the same frames, with no actor.`;

export default {
  name: 'session',
  title: 'Session: a turn of 10,000 streamed tokens',
  about,
  async run(log) {
    const notes = [
      'Decoding is a small part of a token’s cost; the rest is the actor: two events per frame (the message, then the raised `server.token`), an assign that copies the turn, and the reply watchdog re-armed (a cancelled and rescheduled delayed event) on every token.',
      '`turn.agent` grows by concatenation; a subscriber that slices the new text out of it makes V8 flatten the whole string on every token (linear in the reply so far), which is why that row costs about twice as much.',
    ];
    return { tables: [tokenTable(log)], notes };
  },
} satisfies Benchmark;
