import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A real `ws` server on 127.0.0.1 for browser tests, which cannot start one themselves: a page opens
 * `/control` to play the server's part. Every text frame a client on another path sends reaches the
 * control socket as it arrived at the server; every frame the control socket sends goes to the client.
 */
export async function startWsBroker() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  let control: WebSocket | undefined;
  let client: WebSocket | undefined;
  server.on('connection', (ws, request) => {
    if (request.url === '/control') {
      control = ws;
      ws.on('message', (data) => client?.send(data.toString()));
    } else {
      client = ws;
      ws.on('message', (data, binary) => {
        if (!binary) control?.send(data.toString());
      });
    }
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of server.clients) ws.terminate();
        server.close(() => resolve());
      }),
  };
}
