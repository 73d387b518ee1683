import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import type { ConnectionEmitted, ConnectionStatus } from '../../machines/connection.machine.ts';
import type { Frame } from '../../machines/frames.ts';
import { type CreateConnectionOptions, createConnection } from '../../src/connection.ts';
import type { VoxError } from '../../src/errors.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { startWsServer, type WsServerOptions } from '../helpers/wsServer.ts';

/** Short retries keep the suite fast; no jitter; attempts unlimited unless a test is about them. */
export const FAST_RECONNECT = {
  initialDelayMs: 20,
  maxDelayMs: 100,
  jitter: 0,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/** A JSON heartbeat like seed 000's: the client pings, the server answers with a pong event. */
export const PING = JSON.stringify({ action: 'ping' });
export const PONG = JSON.stringify({ event: 'pong' });
export const jsonHeartbeat = {
  intervalMs: 100,
  timeoutMs: 100,
  ping: () => PING,
  isPong: (frame: Frame) => frame === PONG,
};
export const answerPing = (frame: Frame) => (frame === PING ? PONG : null);

/** A test server on 127.0.0.1, stopped when the test ends. */
export async function serve(options?: WsServerOptions) {
  const server = await startWsServer(options);
  onTestFinished(() => server.stop());
  return server;
}

/** A started (not yet connected) connection actor whose emitted events are recorded; stopped at the end. */
export function connection(url: string, options: Partial<CreateConnectionOptions> = {}) {
  const actor = createConnection({ url, WebSocket, reconnect: FAST_RECONNECT, ...options });
  const events: ConnectionEmitted[] = [];
  actor.on('*', (event) => events.push(event));
  onTestFinished(() => {
    actor.stop();
  });
  actor.start();
  const statuses = () =>
    events.flatMap((e): ConnectionStatus[] => (e.type === 'connection.status' ? [e.status] : []));
  const errors = () => events.flatMap((e): VoxError[] => (e.type === 'connection.error' ? [e.error] : []));
  return {
    actor,
    events,
    /** Every status announced so far, in order. */
    statuses,
    /** The statuses as one line, e.g. `closed connecting open reconnecting connecting open`. */
    history: () => statuses().join(' '),
    errors,
    /** Waits until `status` has been announced more than `count` times in all (e.g. open again). */
    reached: (status: ConnectionStatus, count = 0) =>
      waitFor(() => statuses().filter((s) => s === status).length > count, { what: `status ${status}` }),
    /** Connects and waits for `open`. */
    open: async () => {
      actor.send({ type: 'connect' });
      await waitFor(() => actor.getSnapshot().matches('open'), { what: 'the first open' });
    },
  };
}
