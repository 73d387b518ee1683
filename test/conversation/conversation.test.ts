import { afterEach, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { ConversationEmitted } from '../../machines/conversation.machine.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { createVoiceConversation } from '../../src/conversation.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { startWsServer, type WsServer } from '../helpers/wsServer.ts';

let server: WsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const wav = encodeWav({ sampleRate: 16_000, channels: 1, samples: new Int16Array(160) });

/** A seed 004 backend that answers every turn with a fixed reply. */
async function tutorBackend() {
  const reply = [
    { event: 'stt_start' },
    { event: 'stt_complete', text: 'hello' },
    { event: 'rag_start' },
    { event: 'rag_token', token: 'Hi' },
    { event: 'rag_token', token: ' there' },
    { event: 'rag_complete', text: 'Hi there' },
    { event: 'tts_start' },
    { event: 'tts_complete', audio: bytesToBase64(wav), format: 'wav' },
    { event: 'done', duration: 0.1 },
  ];
  return startWsServer({
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
}

test('a conversation registers connection, session and bargeIn in its system and holds a turn in Node', async () => {
  server = await tutorBackend();
  const actor = createVoiceConversation({
    url: server.url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    threadId: 'thread-1',
    autoConnect: true,
  });
  const emitted: ConversationEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  for (const id of ['connection', 'session', 'bargeIn', 'voice'])
    expect(actor.system.get(id), id).toBeDefined();
  const session = actor.system.get('session');
  await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });
  actor.send({ type: 'audio.send', audio: wav, mimeType: 'audio/wav' });
  await waitFor(() => session.getSnapshot().context.transcript.length === 1, { what: 'the turn' });
  expect(session.getSnapshot().context.transcript[0]).toMatchObject({
    user: 'hello',
    agent: 'Hi there',
    failed: null,
  });
  expect(session.getSnapshot().value).toBe('ready');
  const types = emitted.map((e) => e.type);
  expect(types).toContain('connection.status');
  expect(types).toContain('session.turn');
  expect(types.filter((t) => t === 'session.speaking')).toHaveLength(2);
  expect(actor.system.get('bargeIn').getSnapshot().value).toBe('idle');
  actor.stop();
  await waitFor(() => server?.last.closed !== null, { what: 'the socket to close on stop' });
});
