import { type AnyActorRef, assign, createActor, fromCallback, sendTo, setup } from 'xstate';
import type { WebSocketConstructor, WebSocketLike } from '../../src/adapters/websocket.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { createVoiceConversation } from '../../src/conversation.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import type { Table } from '../benchmark.ts';
import { type CostVariant, costPerEventTable } from '../eventCost.ts';

/** The least a parent-child pair does with an event: the parent forwards it, the child counts it. */
const child = setup({ types: {} as { context: { n: number }; events: { type: 'tick' } } }).createMachine({
  context: { n: 0 },
  on: { tick: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
});
const parent = setup({
  types: {} as { events: { type: 'tick' } },
  actors: { child },
}).createMachine({
  invoke: { id: 'child', src: 'child' },
  on: { tick: { actions: sendTo('child', ({ event }) => event) } },
});

/**
 * The same hops as a frame from the socket, bare: a callback actor reports to a machine, which tells
 * its owner, which counts it.
 */
type Hop = { type: 'frame'; data: string };
let feed: ((event: Hop) => void) | undefined;
const owner = setup({ types: {} as { context: { n: number }; events: Hop } }).createMachine({
  context: { n: 0 },
  on: { frame: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
});
const middle = setup({
  types: {} as { context: { owner: AnyActorRef }; events: Hop; input: { owner: AnyActorRef } },
  actors: {
    socket: fromCallback<Hop>(({ sendBack }) => {
      feed = sendBack;
    }),
  },
}).createMachine({
  context: ({ input }) => ({ owner: input.owner }),
  invoke: { src: 'socket' },
  on: {
    frame: {
      actions: sendTo(
        ({ context }) => context.owner,
        ({ event }) => event,
      ),
    },
  },
});

const TOKEN = JSON.stringify({ event: 'rag_token', token: 'Hi' });
const wav = encodeWav({ sampleRate: 16_000, channels: 1, samples: new Int16Array(160) });

/** A WebSocket the benchmark plays the server of, synchronously: no network in the figures. */
function benchSocket() {
  let current: WebSocketLike | undefined;
  class BenchSocket implements WebSocketLike {
    readyState = 1;
    protocol = '';
    binaryType = 'arraybuffer';
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onerror: WebSocketLike['onerror'] = null;
    onclose: WebSocketLike['onclose'] = null;
    constructor() {
      current = this;
    }
    send() {}
    close() {}
  }
  return {
    WebSocket: BenchSocket as unknown as WebSocketConstructor,
    server: (frame: string) => current?.onmessage?.({ data: frame }),
    open: () => current?.onopen?.({}),
  };
}

/** A conversation mid-reply (`processing.thinking`), so each token frame is handled as in a real turn. */
function midReply(heartbeat: boolean) {
  const net = benchSocket();
  const actor = createVoiceConversation({
    url: 'ws://bench.invalid',
    WebSocket: net.WebSocket,
    threadId: 'bench',
    ...(heartbeat ? {} : { heartbeat: false as const }),
  });
  actor.start();
  actor.send({ type: 'connect' });
  net.open();
  net.server(JSON.stringify({ event: 'initialized', thread_id: 'bench', kb_id: 'kb' }));
  actor.send({ type: 'audio.send', audio: wav, mimeType: 'audio/wav' });
  net.server(TOKEN);
  const session = actor.system.get('session');
  if (!session.getSnapshot().matches({ processing: 'thinking' }))
    throw new Error('the conversation is not mid-reply');
  const message = { type: 'connection.message', data: TOKEN, at: 0 } as const;
  return { actor, token: () => net.server(TOKEN), toSession: () => session.send(message) };
}

interface Variant extends CostVariant {
  stop: () => void;
}

function variants(): Variant[] {
  const pair = createActor(parent).start();
  const ownerActor = createActor(owner).start();
  const chain = createActor(middle, { input: { owner: ownerActor } }).start();
  const idle = createVoiceConversation({
    url: 'ws://bench.invalid',
    WebSocket: benchSocket().WebSocket,
  }).start();
  const monitored = midReply(true);
  const unmonitored = midReply(false);
  const hop = feed;
  if (!hop) throw new Error('no bare socket');
  return [
    {
      label: 'bare pair: parent forwards to child, child assigns',
      send: () => pair.send({ type: 'tick' }),
      stop: () => pair.stop(),
    },
    {
      label: 'conversation: speech.end routed to bargeIn (idle, ignored)',
      send: () => idle.send({ type: 'speech.end', at: 0 }),
      stop: () => idle.stop(),
    },
    {
      label: 'conversation: interrupt, agent silent (bargeIn → session, reported back, emitted)',
      send: () => idle.send({ type: 'interrupt' }),
      stop: () => {},
    },
    {
      label: 'bare chain: callback → machine → owner assigns (the hops of a socket frame)',
      send: () => hop({ type: 'frame', data: TOKEN }),
      stop: () => {
        chain.stop();
        ownerActor.stop();
      },
    },
    {
      label: 'conversation: a streamed token frame from the socket, mid-reply (default heartbeat)',
      send: monitored.token,
      stop: () => monitored.actor.stop(),
    },
    {
      label: 'conversation: the same, heartbeat off (no ping timer to re-arm)',
      send: unmonitored.token,
      stop: () => unmonitored.actor.stop(),
    },
    {
      label: 'session alone: the frame as connection.message, straight to the session (heartbeat off)',
      send: unmonitored.toSession,
      stop: () => {},
    },
    {
      label: 'tutor.decode of the same frame alone (JSON.parse + valibot)',
      send: () => tutor.decode(TOKEN),
      stop: () => {},
    },
  ];
}

/** The conversation's event costs against the bare parent-child pair. */
export function eventCostTable(log: (line: string) => void): Table {
  const all = variants();
  try {
    return costPerEventTable(all, 'bare pair', log);
  } finally {
    for (const variant of all) variant.stop();
  }
}
