import { type AnyActorRef, createActor, fromPromise } from 'xstate';
import { connectionMachine } from '../machines/connection.machine.ts';
import { type ConnectionOptions, connectionSettings } from '../machines/connection.options.ts';
import { browserSignals } from './adapters/browserSignals.ts';
import { type WebSocketConstructor, webSocketAdapter } from './adapters/websocket.ts';
import { VoxError } from './errors.ts';

export interface CreateConnectionOptions extends Omit<ConnectionOptions, 'fetchToken'> {
  /** Defaults to the global WebSocket; in Node pass the `ws` package's. */
  WebSocket?: WebSocketConstructor;
  /** Asked for a token before the first connect and once after the server refuses one. */
  getToken?: () => Promise<string>;
  owner?: AnyActorRef;
}

/**
 * The global WebSocket, looked up when a socket opens rather than at creation, so that creating a
 * connection during server-side rendering reads no browser global. Where there is none, opening
 * fails (the adapter reports it as a close) with a message that says what to pass.
 */
const GlobalWebSocket = function GlobalWebSocket(url: string, protocols?: string | string[]) {
  const Impl = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Impl)
    throw new VoxError(
      'options',
      'option.invalid',
      'WebSocket: no global WebSocket here; pass one (the ws package)',
    );
  return new Impl(url, protocols);
} as unknown as WebSocketConstructor;

/** The connection machine with its adapters provided; options are validated here, at creation. */
export function createConnectionMachine(options: CreateConnectionOptions) {
  const WebSocketImpl = options.WebSocket ?? GlobalWebSocket;
  const settings = connectionSettings({ ...options, fetchToken: options.getToken !== undefined });
  const getToken = options.getToken;
  const machine = connectionMachine.provide({
    actors: {
      socket: webSocketAdapter(WebSocketImpl),
      signals: browserSignals,
      ...(getToken ? { token: fromPromise(() => getToken()) } : {}),
    },
  });
  return { machine, settings };
}

/** A connection actor, not yet started; starting does not connect, a `connect` event does. */
export function createConnection(options: CreateConnectionOptions) {
  const { machine, settings } = createConnectionMachine(options);
  return createActor(machine, { input: { settings, owner: options.owner } });
}
