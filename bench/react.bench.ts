import { setImmediate as tick } from 'node:timers/promises';
import type { WebSocket as ServerSocket } from 'ws';
import type { WebSocketConstructor } from '../src/adapters/websocket.ts';
import { encodeWav } from '../src/audio/wav.ts';
import { bytesToBase64 } from '../src/dialects/codec.ts';
import type { Benchmark, Table } from './benchmark.ts';
import { ratio, SUMMARY_HEAD, summarize, summaryCells } from './stats.ts';
import { drop, listen, portOf } from './wsServer.ts';

const TOKENS = 1_000;
const TURNS = 5;
type Mode = 'burst' | 'paced';

const about = `Three components under one \`VoiceConversationProvider\` (\`voxstate/react\`, React 19 production build, happy-dom as the DOM) while a \`ws\` server on 127.0.0.1 answers each turn in the default (\`tutor\`) dialect with ${TOKENS.toLocaleString('en')} \`rag_token\` frames: one reads \`useConnectionStatus()\`, one \`useReplyText()\`, one \`useVoiceChat()\`. Each counts its renders over the whole turn (audio sent, transcript, stages, every token, audio, done), divided by the number of tokens; ${TURNS} turns per mode on one conversation. **burst**: the server writes every frame in one loop, so many arrive in one socket read and React batches them; **paced**: one token per server event-loop turn, as a model streams. The heartbeat pings every 50 ms, so the connection actor changes all through. Goal: 0 renders per token for the status component. A few seconds.`;

/** A seed 004 server that streams TOKENS tokens for every turn. */
function tutorReply(socket: ServerSocket, mode: Mode, wav: Uint8Array) {
  const send = (event: object) => socket.send(JSON.stringify(event));
  socket.on('message', async (data) => {
    const message = JSON.parse(String(data));
    if (message.action === 'init') send({ event: 'initialized', thread_id: message.thread_id, kb_id: 'kb' });
    if (message.action === 'ping') send({ event: 'pong' });
    if (message.action !== 'audio') return;
    send({ event: 'stt_start' });
    send({ event: 'stt_complete', text: 'hello' });
    send({ event: 'rag_start' });
    for (let i = 0; i < TOKENS; i++) {
      send({ event: 'rag_token', token: 'x' });
      if (mode === 'paced') await tick();
    }
    send({ event: 'rag_complete', text: 'x'.repeat(TOKENS) });
    send({ event: 'tts_start' });
    send({ event: 'tts_complete', audio: bytesToBase64(wav), format: 'wav' });
    send({ event: 'done', duration: 0.01 });
  });
}

/** A DOM for react-dom in plain Node; returns the cleanup. */
async function installDom() {
  const { Window } = await import('happy-dom');
  const window = new Window();
  const names = ['window', 'document'] as const;
  Object.assign(globalThis, { window, document: window.document });
  return async () => {
    await window.happyDOM.close();
    for (const name of names) Reflect.deleteProperty(globalThis, name);
  };
}

async function until(predicate: () => boolean) {
  const deadline = Date.now() + 30_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('the turn did not complete within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

type Counts = { status: number; reply: number; chat: number };

async function measure(mode: Mode, log: (line: string) => void): Promise<Counts[]> {
  const [{ createElement: h }, { createRoot }, { flushSync }, bindings, { createVoiceConversation }, ws] =
    await Promise.all([
      import('react'),
      import('react-dom/client'),
      import('react-dom'),
      import('../src/react/index.ts'),
      import('../src/conversation.ts'),
      import('ws'),
    ]);
  const wav = encodeWav({ sampleRate: 16_000, channels: 1, samples: new Int16Array(160) });
  const server = await listen(0, (socket) => tutorReply(socket, mode, wav));
  const counts: Counts = { status: 0, reply: 0, chat: 0 };
  const Status = () => (counts.status++, h('p', null, bindings.useConnectionStatus()));
  const Reply = () => (counts.reply++, h('p', { id: 'reply' }, bindings.useReplyText()));
  const Chat = () => (counts.chat++, h('p', null, bindings.useVoiceChat().state));
  const actor = createVoiceConversation({
    url: `ws://127.0.0.1:${portOf(server)}`,
    WebSocket: ws.default as unknown as WebSocketConstructor,
    autoConnect: true,
    heartbeat: { intervalMs: 50 },
    replyTimeoutMs: 30_000,
  });
  const container = document.createElement('div');
  const root = createRoot(container);
  flushSync(() =>
    root.render(h(bindings.VoiceConversationProvider, { actor }, h(Status), h(Reply), h(Chat))),
  );
  const session = actor.system.get('session');
  await until(() => session.getSnapshot().value === 'ready');
  const turns: Counts[] = [];
  const full = 'x'.repeat(TOKENS);
  for (let turn = 1; turn <= TURNS; turn++) {
    const before = { ...counts };
    const done = session.getSnapshot().context.transcript.length + 1;
    actor.send({ type: 'audio.send', audio: wav, mimeType: 'audio/wav' });
    await until(
      () =>
        session.getSnapshot().context.transcript.length === done &&
        session.getSnapshot().value === 'ready' &&
        container.querySelector('#reply')?.textContent === full,
    );
    await tick();
    turns.push({
      status: counts.status - before.status,
      reply: counts.reply - before.reply,
      chat: counts.chat - before.chat,
    });
    log(`${mode} turn ${turn}: renders ${JSON.stringify(turns.at(-1))}`);
  }
  flushSync(() => root.unmount());
  actor.stop();
  await drop(server);
  return turns;
}

function table(results: Record<Mode, Counts[]>): Table {
  const rows: string[][] = [];
  for (const mode of ['burst', 'paced'] as const) {
    const per = (key: keyof Counts) => results[mode].map((c) => c[key] / TOKENS);
    const reply = summarize(per('reply'));
    for (const [label, key] of [
      ['useConnectionStatus()', 'status'],
      ['useReplyText()', 'reply'],
      ['useVoiceChat()', 'chat'],
    ] as const) {
      const summary = summarize(per(key));
      rows.push([label, mode, ...summaryCells(summary), ratio(summary.p50 / reply.p50)]);
    }
  }
  return {
    caption: `Renders per streamed token (${TOKENS.toLocaleString('en')} tokens a turn, the whole turn counted)`,
    head: ['component reads', 'mode', ...SUMMARY_HEAD, 'p50 vs useReplyText()'],
    rows,
  };
}

export default {
  name: 'react',
  title: 'React: renders per streamed token',
  about,
  async run(log) {
    const nodeEnv = process.env.NODE_ENV;
    // The build apps ship; set before React is first imported.
    process.env.NODE_ENV = 'production';
    const removeDom = await installDom();
    try {
      const results = { burst: await measure('burst', log), paced: await measure('paced', log) };
      const status = [...results.burst, ...results.paced].map((c) => c.status);
      return {
        tables: [table(results)],
        notes: [
          `The connection-status component rendered ${status.reduce((a, b) => a + b, 0)} times in ${2 * TURNS} turns of ${TOKENS.toLocaleString('en')} tokens each (goal: 0 per token).`,
        ],
      };
    } finally {
      await removeDom();
      process.env.NODE_ENV = nodeEnv;
    }
  },
} satisfies Benchmark;
