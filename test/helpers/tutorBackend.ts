import WebSocket from 'ws';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { startWsServer, type WsServer } from './wsServer.ts';

/** The `ws` package's WebSocket, typed as the adapter wants it. */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** A 10 ms WAV clip (16 kHz mono), what `audio.send` carries in Node. */
export const wavClip = encodeWav({ sampleRate: 16_000, channels: 1, samples: new Int16Array(160) });

/** Seed 004's events for one whole reply to "hello"; `tokens` are the streamed reply text. */
export function tutorReply(tokens: string[] = ['Hi', ' there']): object[] {
  return [
    { event: 'stt_start' },
    { event: 'stt_complete', text: 'hello' },
    { event: 'rag_start' },
    ...tokens.map((token) => ({ event: 'rag_token', token })),
    { event: 'rag_complete', text: tokens.join('') },
    { event: 'tts_start' },
    { event: 'tts_complete', audio: bytesToBase64(wavClip), format: 'wav' },
    { event: 'done', duration: 0.1 },
  ];
}

export interface TutorBackendOptions {
  /** What the server sends for each `audio` message (default: `tutorReply()`); none for a silent server. */
  reply?: object[];
}

/** A seed 004 backend on a real `ws` server: answers `init`, pings, and each turn with `reply`. */
export function tutorBackend(options: TutorBackendOptions = {}): Promise<WsServer> {
  const reply = options.reply ?? tutorReply();
  let server: WsServer | undefined;
  const started = startWsServer({
    pong: (frame) => {
      const message = JSON.parse(String(frame));
      if (message.action === 'init')
        return JSON.stringify({ event: 'initialized', thread_id: message.thread_id, kb_id: 'kb' });
      if (message.action === 'audio') {
        queueMicrotask(() => {
          for (const event of reply) server?.last.send(JSON.stringify(event));
        });
      }
      return message.action === 'ping' ? JSON.stringify({ event: 'pong' }) : null;
    },
  });
  return started.then((s) => {
    server = s;
    return s;
  });
}
