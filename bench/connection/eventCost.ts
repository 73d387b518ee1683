import { type AnyActorRef, assign, createActor, createMachine, fromCallback } from 'xstate';
import {
  type ConnectionEvent,
  connectionMachine,
  type SocketCommand,
  type SocketInput,
} from '../../machines/connection.machine.ts';
import {
  type ConnectionOptions,
  connectionSettings,
  DEFAULT_QUEUE,
} from '../../machines/connection.options.ts';
import type { Table } from '../benchmark.ts';
import { costPerEventTable } from '../eventCost.ts';

/** One self-transition with an assign: the least an XState actor can do with an event. */
const bareMachine = createMachine({
  types: {} as { context: { n: number }; events: { type: 'tick' } },
  context: { n: 0 },
  on: { tick: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
});

const noSocket = fromCallback<SocketCommand, SocketInput>(() => {});
const heartbeat = { ping: () => 'ping', isPong: (f: unknown) => f === 'pong' };

/** A connection actor in `open`, on a socket adapter that does nothing. */
function openConnection(options: Partial<ConnectionOptions>) {
  const settings = connectionSettings({ url: 'ws://bench.invalid', ...options });
  const actor = createActor(connectionMachine.provide({ actors: { socket: noSocket } }), {
    input: { settings },
  });
  actor.start();
  actor.send({ type: 'connect' });
  const { socketId } = actor.getSnapshot().context;
  actor.send({ type: 'socket.open', socketId, protocol: '', at: Date.now() });
  return { actor, socketId };
}

interface Variant {
  label: string;
  actor: AnyActorRef;
  event: { type: string };
}

const FRAME = '{"type":"response.audio.delta","delta":"AAAA"}';

function variants(): Variant[] {
  const monitored = openConnection({ heartbeat });
  const unmonitored = openConnection({ heartbeat: false });
  const sending = openConnection({ heartbeat });
  const sendingSmall = openConnection({ heartbeat, queue: { maxMessages: 10 } });
  const send: ConnectionEvent = { type: 'send', frame: FRAME };
  const message = (socketId: number): ConnectionEvent => ({
    type: 'socket.message',
    socketId,
    data: FRAME,
    at: 0,
  });
  return [
    {
      label: 'bare XState actor: self-transition with assign',
      actor: createActor(bareMachine).start(),
      event: { type: 'tick' },
    },
    {
      label: 'connection: socket.message in open, heartbeat on (re-arms the ping timer)',
      actor: monitored.actor,
      event: message(monitored.socketId),
    },
    {
      label: 'connection: socket.message in open, no heartbeat (open.unmonitored)',
      actor: unmonitored.actor,
      event: message(unmonitored.socketId),
    },
    {
      label: `connection: send in open, ${DEFAULT_QUEUE.maxMessages} frames awaiting a pong (default bound)`,
      actor: sending.actor,
      event: send,
    },
    {
      label: 'connection: send in open, 10 frames awaiting a pong (queue.maxMessages 10)',
      actor: sendingSmall.actor,
      event: send,
    },
  ];
}

/** The connection's event costs against a bare actor. */
export function eventCostTable(log: (line: string) => void): Table {
  const all = variants();
  try {
    const sending = all.map(({ label, actor, event }) => ({ label, send: () => actor.send(event) }));
    return costPerEventTable(sending, 'bare actor', log);
  } finally {
    for (const { actor } of all) actor.stop();
  }
}
