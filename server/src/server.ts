/**
 * The reference voice server: one HTTP server whose WebSocket paths speak the dialects, plus a small
 * control endpoint for faults. A development and test server, not a production backend.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { handleHttp } from './control.ts';
import { Conversation, type ConversationSettings } from './conversation.ts';
import type { FaultState, LogInput, ServerLogEvent } from './events.ts';
import { embeddedPipeline } from './pipeline/embedded.ts';
import type { Pipeline } from './pipeline/types.ts';
import { pickSubprotocol, protocolFor } from './protocols/index.ts';
import { Threads } from './threads.ts';

export interface ServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port (see `port` on the result). */
  port?: number;
  /** Default: the embedded pipeline, with `tokenMs`. */
  pipeline?: Pipeline;
  /** Pause before each token of the embedded responder (default 40 ms; 0 for tests). */
  tokenMs?: number;
  /** Streamed reply audio goes out at this multiple of real time (default 2; 0: as fast as it is made). */
  audioSpeed?: number;
  /** Length of a streamed PCM chunk (default 200 ms). */
  chunkMs?: number;
  /** Largest client message (default 1 MiB, the seeds' limit). */
  maxMessageBytes?: number;
  /** Quiet after speech that ends a turn on the `typed` dialect (default 800 ms). */
  endOfTurnMs?: number;
  /** Events kept in `events` (default 1000). */
  keepEvents?: number;
}

/** Faults on command, for tests and the demo; also at `POST /control/<name>`. */
export interface FaultControls {
  readonly state: Readonly<FaultState>;
  /** Drops every connection: like a crash without `code` (clients see 1006), else a close with it. */
  drop(code?: number, reason?: string): number;
  /** Stops (or resumes) answering heartbeat pings: clients see a half-open connection. */
  mutePings(muted?: boolean): void;
  /** Every reply waits `ms` before its first event (0 restores). */
  delay(ms: number): void;
  /** Sends every client a frame that is not JSON. */
  malformed(): number;
  /** Stops listening and drops every connection, then listens again on the same port after `downMs`. */
  restart(downMs?: number): Promise<void>;
  /** Clears mute-pings and delay. */
  reset(): void;
}

export interface VoiceServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  /** The WebSocket URL of a dialect's path (`/api/ws/voice`, ...). */
  wsUrl(path: string): string;
  readonly pipeline: Pipeline;
  readonly faults: FaultControls;
  /** The latest events, oldest first. */
  readonly events: readonly ServerLogEvent[];
  onEvent(listener: (event: ServerLogEvent) => void): () => void;
  /** Open WebSocket connections. */
  connections(): number;
  stop(): Promise<void>;
}

const MiB = 1024 * 1024;
/** Frames this many times over the limit are cut off by `ws` (close 1009) before they are read whole. */
const HARD_LIMIT_FACTOR = 4;
const MALFORMED = '{"this frame": is not JSON';

const toFrame = (data: RawData, isBinary: boolean) => {
  const buffer = data as Buffer;
  return isBinary
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : buffer.toString('utf8');
};

export async function startServer(options: ServerOptions = {}): Promise<VoiceServer> {
  const host = options.host ?? '127.0.0.1';
  const maxMessageBytes = options.maxMessageBytes ?? MiB;
  const pipeline = options.pipeline ?? embeddedPipeline({ tokenMs: options.tokenMs });
  const faults: FaultState = { mutePings: false, delayMs: 0 };
  const live = new Map<WebSocket, Conversation>();
  const events: ServerLogEvent[] = [];
  const listeners = new Set<(event: ServerLogEvent) => void>();
  const keepEvents = options.keepEvents ?? 1000;
  let stopped = false;

  function log(conversation: Conversation, input: LogInput) {
    const event = {
      at: Date.now(),
      conversation: conversation.id,
      dialect: conversation.dialect,
      ...input,
    } as ServerLogEvent;
    events.push(event);
    if (events.length > keepEvents) events.splice(0, events.length - keepEvents);
    for (const listener of listeners) listener(event);
  }

  const settings: ConversationSettings = {
    pipeline,
    threads: new Threads(),
    faults,
    maxMessageBytes,
    maxTurnBytes: 32 * MiB,
    chunkMs: options.chunkMs ?? 200,
    audioSpeed: options.audioSpeed ?? 2,
    endOfTurnMs: options.endOfTurnMs ?? 800,
    log,
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes * HARD_LIMIT_FACTOR,
    handleProtocols: (offered, request) => {
      const protocol = protocolFor(pathOf(request));
      return protocol ? pickSubprotocol(protocol, offered) : false;
    },
  });

  function accept(ws: WebSocket, request: IncomingMessage) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const protocol = protocolFor(url.pathname);
    if (!protocol) return;
    const conversation = new Conversation(ws, protocol, settings, url.searchParams.get('thread_id'));
    live.set(ws, conversation);
    log(conversation, { type: 'open', path: url.pathname });
    ws.on('message', (data, isBinary) =>
      conversation.receive(toFrame(data, isBinary), (data as Buffer).byteLength),
    );
    ws.on('close', (code) => {
      live.delete(ws);
      conversation.close();
      log(conversation, { type: 'close', code });
    });
    // Oversized frames (past the hard limit) and broken sockets end up here, then in 'close'.
    ws.on('error', () => {});
    conversation.start();
  }

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    if (!protocolFor(pathOf(request))) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request));
  }

  const faultControls: FaultControls = {
    state: faults,
    drop(code, reason) {
      const sockets = [...live.keys()];
      for (const ws of sockets) {
        if (code === undefined) ws.terminate();
        else ws.close(code, reason);
      }
      return sockets.length;
    },
    mutePings(muted = true) {
      faults.mutePings = muted;
    },
    delay(ms) {
      faults.delayMs = Math.max(0, ms);
    },
    malformed() {
      for (const conversation of live.values()) conversation.sendRaw(MALFORMED);
      return live.size;
    },
    async restart(downMs = 500) {
      await close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      if (!stopped) await listen(port);
    },
    reset() {
      faults.mutePings = false;
      faults.delayMs = 0;
    },
  };

  const http: Server = createServer((request, response) => handleHttp(request, response, server));
  http.on('upgrade', upgrade);

  function listen(at: number) {
    return new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(at, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  }

  async function close() {
    if (!http.listening) return;
    for (const ws of live.keys()) ws.terminate();
    const closed = new Promise((resolve) => http.close(resolve));
    http.closeAllConnections();
    await closed;
  }

  await listen(options.port ?? 0);
  const port = (http.address() as AddressInfo).port;
  const server: VoiceServer = {
    host,
    port,
    url: `http://${host}:${port}`,
    wsUrl: (path) => `ws://${host}:${port}${path}`,
    pipeline,
    faults: faultControls,
    events,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connections: () => live.size,
    async stop() {
      stopped = true;
      await close();
      wss.close();
    },
  };
  return server;
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').pathname;
}
