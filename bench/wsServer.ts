import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A `ws` server on 127.0.0.1; port 0 picks a free port. */
export function listen(port: number, onConnection: (socket: WebSocket) => void): Promise<WebSocketServer> {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    server.on('connection', onConnection);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

export const portOf = (server: WebSocketServer) => (server.address() as AddressInfo).port;

/** Stops the server the way a crashed process would: every TCP connection cut, no closing handshake. */
export function drop(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}
