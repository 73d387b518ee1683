import { fromCallback } from 'xstate';
import type { SocketCommand, SocketEvent, SocketInput } from '../../machines/connection.machine.ts';
import type { Frame } from '../../machines/frames.ts';

/** A handler slot checked bivariantly (method syntax), so the DOM's and `ws`'s event types both fit. */
type Handler<E> = { handle(event: E): void }['handle'];

/** The part of the WebSocket API the adapter uses: the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  binaryType: string;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onerror: Handler<unknown> | null;
  onclose: Handler<{ code: number; reason: string; wasClean: boolean }> | null;
  send(data: string | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drop the TCP connection without a closing handshake. */
  terminate?: () => void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

const OPEN = 1;
const CLOSED = 3;
const noop = () => {};

function toFrame(data: unknown): Frame {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return String(data);
}

/**
 * Binds one WebSocket to the connection machine's events. It translates and decides nothing: every
 * event carries the socket's id and a wall-clock timestamp, and the machine chooses what follows.
 */
export function webSocketAdapter(WebSocketImpl: WebSocketConstructor) {
  return fromCallback<SocketCommand, SocketInput>(({ input, sendBack, receive }) => {
    const { socketId } = input;
    const report = (event: SocketEvent) => sendBack(event);
    let ws: WebSocketLike;
    try {
      ws = new WebSocketImpl(input.url, input.protocols);
    } catch (error) {
      // An invalid URL or protocol throws synchronously; report it the way a failed handshake closes.
      queueMicrotask(() =>
        report({
          type: 'socket.close',
          socketId,
          code: 1006,
          reason: String(error),
          wasClean: false,
          at: Date.now(),
        }),
      );
      return;
    }
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => report({ type: 'socket.open', socketId, protocol: ws.protocol, at: Date.now() });
    ws.onmessage = (event) =>
      report({ type: 'socket.message', socketId, data: toFrame(event.data), at: Date.now() });
    ws.onerror = (event) =>
      report({
        type: 'socket.error',
        socketId,
        message: (event as { message?: string }).message ?? 'error',
        at: Date.now(),
      });
    ws.onclose = (event) =>
      report({
        type: 'socket.close',
        socketId,
        code: event.code,
        reason: event.reason,
        wasClean: event.wasClean,
        at: Date.now(),
      });

    receive((command) => {
      if (command.type === 'abort') {
        if (ws.terminate) ws.terminate();
        else ws.close(4000, 'dead connection');
        return;
      }
      if (ws.readyState !== OPEN) {
        report({ type: 'socket.unsent', socketId, items: command.items });
        return;
      }
      for (const item of command.items) ws.send(item.frame);
      if (command.ping) report({ type: 'socket.pinged', socketId, at: Date.now() });
    });

    return () => {
      // Keep an error listener: `ws` throws on an 'error' event nobody listens to.
      ws.onopen = noop;
      ws.onmessage = noop;
      ws.onerror = noop;
      ws.onclose = noop;
      if (ws.readyState !== CLOSED) ws.close(1000, 'client closed');
    };
  });
}
