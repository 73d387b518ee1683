import WebSocket from 'ws';
import type { ConnectionEmitted } from '../../machines/connection.machine.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { type CreateConnectionOptions, createConnection } from '../../src/connection.ts';

export type Connection = ReturnType<typeof createConnection>;
type Emitted<T extends ConnectionEmitted['type']> = Extract<ConnectionEmitted, { type: T }>;

/** A started connection actor on the `ws` package's WebSocket. */
export function connectionTo(url: string, options: Omit<CreateConnectionOptions, 'url' | 'WebSocket'> = {}) {
  // `ws` types its constructor's `address` more loosely than the WebSocketLike the adapter names.
  const connection = createConnection({
    url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    ...options,
  });
  connection.start();
  return connection;
}

/**
 * The next emitted event of `type` that `match` accepts, with the `performance.now()` at which the
 * actor emitted it. Rejects after `timeoutMs`: a figure that never comes is a broken benchmark.
 */
export function nextEmitted<T extends ConnectionEmitted['type']>(
  connection: Connection,
  type: T,
  match: (event: Emitted<T>) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<{ at: number; event: Emitted<T> }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = connection.on(type, (event) => {
      if (!match(event as Emitted<T>)) return;
      const at = performance.now();
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve({ at, event: event as Emitted<T> });
    });
  });
}

export const status = (connection: Connection, wanted: string) =>
  nextEmitted(connection, 'connection.status', (e) => e.status === wanted);
