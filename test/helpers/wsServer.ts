import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { Frame } from '../../machines/frames.ts';

/** One client connection as the server sees it. */
export interface ServerConnection {
  /** Request path and query, e.g. `/?token=abc`. */
  readonly url: string;
  /** Sub-protocols the client offered, in its order, and the one the server chose ('' for none). */
  readonly offered: string[];
  readonly protocol: string;
  /** Every frame received, in order: text as a string, binary as a Uint8Array. */
  readonly frames: Frame[];
  /** Set once the connection has ended (1006 when it dropped without a closing handshake). */
  readonly closed: { code: number; reason: string } | null;
  /** Whether heartbeat pings are answered (see `pong`); false makes the connection half-open. */
  answering: boolean;
  /** A query parameter of the request URL. */
  query(name: string): string | null;
  send(frame: Frame): void;
  close(code: number, reason?: string): void;
  /** Drops the TCP connection without a closing handshake: the client sees 1006. */
  terminate(): void;
}

export interface WsServerOptions {
  /** The answer to a client's heartbeat ping, or null when the frame is not one. */
  pong?: (frame: Frame) => Frame | null;
  /** Frames larger than this make the server close with 1009. */
  maxPayload?: number;
  /** Picks the sub-protocol among those offered (default: the first). */
  handleProtocols?: (offered: Set<string>) => string | false;
  /** Called for each new connection, e.g. to close it at once. */
  onConnection?: (connection: ServerConnection) => void;
}

export interface WsServer {
  /** Fixed by the first start: a restart listens on the same port. */
  readonly port: number;
  readonly url: string;
  /** Every connection since the server was created, across restarts, oldest first. */
  readonly connections: ServerConnection[];
  /** The newest connection. */
  readonly last: ServerConnection;
  /** Frames received over all connections, in connection order. */
  frames(): Frame[];
  /** Listens again on the same port after `stop`. */
  start(): Promise<void>;
  /** Like a crashed server: drops every connection (1006 for clients) and stops listening. */
  stop(): Promise<void>;
}

const toFrame = (data: RawData, isBinary: boolean): Frame =>
  isBinary ? Uint8Array.from(data as Buffer) : data.toString();

function track(ws: WebSocket, url: string, offered: string[], options: WsServerOptions) {
  const connection = {
    url,
    offered,
    protocol: ws.protocol,
    frames: [] as Frame[],
    closed: null as ServerConnection['closed'],
    answering: true,
    query: (name: string) => new URL(url, 'ws://localhost').searchParams.get(name),
    send: (frame: Frame) => ws.send(frame),
    close: (code: number, reason?: string) => ws.close(code, reason),
    terminate: () => ws.terminate(),
  };
  ws.on('message', (data, isBinary) => {
    const frame = toFrame(data, isBinary);
    connection.frames.push(frame);
    const reply = connection.answering ? (options.pong?.(frame) ?? null) : null;
    if (reply !== null) ws.send(reply);
  });
  ws.on('close', (code, reason) => {
    connection.closed = { code, reason: reason.toString() };
  });
  // A client that vanishes mid-frame raises an error before 'close'; the close is what tests check.
  ws.on('error', () => {});
  return connection satisfies ServerConnection;
}

/** A real `ws` server on 127.0.0.1 for integration tests; stop it after each test. */
export async function startWsServer(options: WsServerOptions = {}): Promise<WsServer> {
  const connections: ServerConnection[] = [];
  const live = new Set<WebSocket>();
  let port = 0;
  let running: { http: Server; wss: WebSocketServer } | null = null;

  async function start() {
    if (running) throw new Error('the test server is already running');
    const server = createServer();
    const wss = new WebSocketServer({
      server,
      maxPayload: options.maxPayload,
      handleProtocols: options.handleProtocols,
    });
    wss.on('connection', (ws, request) => {
      live.add(ws);
      ws.on('close', () => live.delete(ws));
      const offered = (request.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const connection = track(ws, request.url ?? '/', offered, options);
      connections.push(connection);
      options.onConnection?.(connection);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    running = { http: server, wss };
  }

  async function stop() {
    if (!running) return;
    const { http, wss } = running;
    running = null;
    for (const ws of live) ws.terminate();
    wss.close();
    const closed = new Promise((resolve) => http.close(resolve));
    // Handshakes still in progress are dropped too.
    http.closeAllConnections();
    await closed;
  }

  await start();
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    connections,
    get last() {
      const connection = connections.at(-1);
      if (!connection) throw new Error('no client has connected');
      return connection;
    },
    frames: () => connections.flatMap((c) => c.frames),
    start,
    stop,
  };
}
