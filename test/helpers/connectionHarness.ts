import { type ActorOptions, type AnyActorLogic, createActor } from 'xstate';
import {
  type ConnectionEmitted,
  type ConnectionStatus,
  connectionMachine,
} from '../../machines/connection.machine.ts';
import {
  type ConnectionOptions,
  connectionSettings,
  type ReconnectOptions,
} from '../../machines/connection.options.ts';
import type { Frame } from '../../machines/frames.ts';
import { fakeSockets } from './fakeSocket.ts';

/** Short, round timings so tests read as arithmetic: ping at 1000, dead at 1500, retries 100, 200, ... */
export const TEST_HEARTBEAT = {
  intervalMs: 1000,
  timeoutMs: 500,
  ping: (): Frame => 'ping',
  isPong: (frame: Frame) => frame === 'pong',
  reply: (frame: Frame): Frame | null => (frame === 'srv-ping' ? 'srv-pong' : null),
};

export const TEST_RECONNECT = {
  initialDelayMs: 100,
  factor: 2,
  maxDelayMs: 1000,
  jitter: 0,
  maxAttempts: 3,
  minUptimeMs: 2000,
  connectTimeoutMs: 3000,
};

export interface HarnessOptions extends Partial<ConnectionOptions> {
  /** Actors other than the socket to provide (e.g. `token`). */
  actors?: Record<string, AnyActorLogic>;
  /** Passed on to `createActor`: a clock the test drives, an inspector. */
  actorOptions?: Pick<ActorOptions<AnyActorLogic>, 'clock' | 'inspect'>;
}

/** Test settings: the test timings above, overridden field by field. */
export function testSettings({ actors: _, actorOptions: __, ...options }: HarnessOptions = {}) {
  const { heartbeat, reconnect, ...rest } = options;
  return connectionSettings({
    url: 'ws://voice.test/ws',
    heartbeat: heartbeat === false ? false : { ...TEST_HEARTBEAT, ...heartbeat },
    reconnect: { ...TEST_RECONNECT, ...reconnect } as ReconnectOptions,
    ...rest,
  });
}

/** A started connection actor on fake sockets, recording everything it emits. */
export function harness(options: HarnessOptions = {}) {
  const net = fakeSockets();
  const settings = testSettings(options);
  const machine = connectionMachine.provide({ actors: { socket: net.logic, ...options.actors } });
  const actor = createActor(machine, { input: { settings }, ...options.actorOptions });
  const emitted: ConnectionEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();

  const of = <T extends ConnectionEmitted['type']>(type: T) =>
    emitted.filter((e): e is Extract<ConnectionEmitted, { type: T }> => e.type === type);
  const now = () => Date.now();
  /** The socket the network speaks through; a stopped one could not (its events would be dropped). */
  const live = () => {
    if (net.last.stopped) throw new Error('the last socket is stopped: send late events with actor.send');
    return net.last;
  };

  return {
    actor,
    net,
    settings,
    emitted,
    of,
    value: () => actor.getSnapshot().value,
    context: () => actor.getSnapshot().context,
    statuses: () => of('connection.status'),
    lastStatus: (): ConnectionStatus | undefined => of('connection.status').at(-1)?.status,
    errorCodes: () => of('connection.error').map((e) => e.error.code),
    /** Delays announced on entering `reconnecting`, in order. */
    delays: () =>
      of('connection.status')
        .filter((s) => s.status === 'reconnecting')
        .map((s) => s.delayMs),
    open: (at = now()) => live().emit({ type: 'socket.open', protocol: '', at }),
    message: (data: Frame, at = now()) => live().emit({ type: 'socket.message', data, at }),
    close: (code: number, reason = '') =>
      live().emit({ type: 'socket.close', code, reason, wasClean: code !== 1006, at: now() }),
    send: (frame: Frame, kind: 'control' | 'app' | 'realtime' = 'app', at = now()) =>
      actor.send({ type: 'send', frame, kind, at }),
  };
}

export type Harness = ReturnType<typeof harness>;

/** Lets a promise-based actor (the token source) settle and report back. */
export async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
