import WebSocket from 'ws';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { startWsServer, type WsServer } from '../helpers/wsServer.ts';

/** The `ws` package's WebSocket, as the conversation options take it. */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** A user turn: 10 ms of silence as a 16 kHz mono WAV file. */
export const clip = encodeWav({ sampleRate: 16_000, channels: 1, samples: new Int16Array(160) });

const json = (event: object) => JSON.stringify(event);
export const token = (text: string) => json({ event: 'rag_token', token: text });

/** What a seed 004 server sends before the reply's tokens, and after them. */
export const replyStart = (heard: string) => [
  json({ event: 'stt_start' }),
  json({ event: 'stt_complete', text: heard }),
  json({ event: 'rag_start' }),
];
export const replyEnd = (reply: string) => [
  json({ event: 'rag_complete', text: reply }),
  json({ event: 'tts_start' }),
  json({ event: 'tts_complete', audio: bytesToBase64(clip), format: 'wav' }),
  json({ event: 'done', duration: 0.01 }),
];

/**
 * A seed 004 (`tutor`) backend on a real `ws` server: it answers `init` and pings, and, unless the
 * test streams the reply itself (`reply: null`), answers each audio turn with `heard` and `reply`.
 */
export async function tutorServer({ heard = 'hello', reply = 'Hi there' as string | null } = {}) {
  const server: WsServer = await startWsServer({
    pong: (frame) => {
      const message = JSON.parse(String(frame));
      if (message.action === 'init')
        return json({ event: 'initialized', thread_id: message.thread_id, kb_id: 'kb' });
      if (message.action === 'audio' && reply !== null) {
        queueMicrotask(() => {
          for (const f of [...replyStart(heard), token(reply), ...replyEnd(reply)]) server.last.send(f);
        });
      }
      return message.action === 'ping' ? json({ event: 'pong' }) : null;
    },
  });
  return server;
}

/** Frames of one `action` the server received. */
export const received = (server: WsServer, action: string) =>
  server.frames().filter((f) => typeof f === 'string' && JSON.parse(f).action === action);
