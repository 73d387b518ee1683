import type { WebSocketConstructor, WebSocketLike } from '../../src/adapters/websocket.ts';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

type Delivery = () => void;

/**
 * A seed 004 server and the network to it, played synchronously: what the real `ws` server of the
 * model test does, without a socket, so the model can run the whole conversation in a loop. Sockets
 * open, and `init` is answered, on `flush()`; everything else the server says is the test's to send.
 */
export function fakeTutorNetwork() {
  const sockets: FakeWebSocket[] = [];
  const queue: Delivery[] = [];

  class FakeWebSocket implements WebSocketLike {
    readyState = CONNECTING;
    protocol = '';
    binaryType = 'blob';
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onerror: WebSocketLike['onerror'] = null;
    onclose: WebSocketLike['onclose'] = null;
    readonly received: string[] = [];

    constructor(readonly url: string) {
      sockets.push(this);
      queue.push(() => {
        if (this.readyState !== CONNECTING) return;
        this.readyState = OPEN;
        this.onopen?.({});
      });
    }

    send(data: string | ArrayBufferView) {
      const message = JSON.parse(String(data));
      this.received.push(message.action);
      if (message.action === 'init') {
        const reply = { event: 'initialized', thread_id: message.thread_id, kb_id: 'kb' };
        queue.push(() => this.deliver(JSON.stringify(reply)));
      }
    }

    close(code = 1000, reason = '') {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      queue.push(() => this.onclose?.({ code, reason, wasClean: true }));
    }

    deliver(frame: string) {
      if (this.readyState === OPEN) this.onmessage?.({ data: frame });
    }

    /** The server vanishes without a closing handshake. */
    drop() {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.onclose?.({ code: 1006, reason: '', wasClean: false });
    }
  }

  const open = () => sockets.filter((s) => s.readyState === OPEN);
  return {
    /** Forgets every socket and delivery: a fresh network for the next conversation. */
    reset() {
      sockets.length = 0;
      queue.length = 0;
    },
    WebSocket: FakeWebSocket as unknown as WebSocketConstructor,
    sockets,
    /** Sockets open on the server side now. */
    open,
    /** Delivers everything in flight until the network is quiet. */
    flush() {
      for (let next = queue.shift(); next; next = queue.shift()) next();
    },
    /** The server sends `frame` on its open socket. */
    send(frame: string) {
      for (const socket of open()) socket.deliver(frame);
    },
    drop() {
      for (const socket of open()) socket.drop();
    },
  };
}
