import { afterEach, expect, test } from 'vitest';
import { fromCallback } from 'xstate';
import type { ConversationEmitted } from '../../machines/conversation.machine.ts';
import { createVoiceConversation } from '../../src/conversation.ts';
import { VoxError } from '../../src/errors.ts';
import { NodeWebSocket, tutorBackend, wavClip } from '../helpers/tutorBackend.ts';
import { waitFor } from '../helpers/waitFor.ts';
import type { WsServer } from '../helpers/wsServer.ts';

let server: WsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test('a conversation registers connection, session and bargeIn in its system and holds a turn in Node', async () => {
  server = await tutorBackend();
  const actor = createVoiceConversation({
    url: server.url,
    WebSocket: NodeWebSocket,
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
  actor.send({ type: 'audio.send', audio: wavClip, mimeType: 'audio/wav' });
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

test('hands-free: a user who barges in by voice gets the floor at once (a recording starts)', async () => {
  server = await tutorBackend();
  const started: string[] = [];
  const actor = createVoiceConversation({
    url: server.url,
    WebSocket: NodeWebSocket,
    autoConnect: true,
    turnTaking: 'hands-free',
    adapters: { capture: fromCallback(() => void started.push('capture')) },
  });
  actor.start();
  const session = actor.system.get('session');
  await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });
  // What bargeIn reports to its owner when the user's voice stopped the agent.
  actor.send({ type: 'bargeIn.interrupted', onsetAt: 5, manual: false });
  expect(session.getSnapshot().value).toBe('recording');
  expect(started).toEqual(['capture']);
  actor.stop();
});

test('push-to-talk: a barge-in interrupts, and the floor waits for the user to press', async () => {
  server = await tutorBackend();
  const actor = createVoiceConversation({ url: server.url, WebSocket: NodeWebSocket, autoConnect: true });
  actor.start();
  const session = actor.system.get('session');
  await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });
  actor.send({ type: 'bargeIn.interrupted', onsetAt: 5, manual: false });
  expect(session.getSnapshot().value).toBe('ready');
  actor.stop();
});

test('a voice-activity adapter that cannot open the microphone is reported, not dropped', () => {
  const denied = new VoxError('capture', 'capture.denied', 'Microphone permission denied');
  const actor = createVoiceConversation({
    url: 'ws://127.0.0.1:9',
    WebSocket: NodeWebSocket,
    adapters: { voice: fromCallback(({ sendBack }) => sendBack({ type: 'voice.error', error: denied })) },
  });
  const errors: unknown[] = [];
  actor.on('voice.error', (event) => errors.push(event.error));
  actor.start();
  expect(errors).toEqual([denied]);
  actor.stop();
});

/** A voice adapter that records the commands it receives. */
function listeningVoice() {
  const commands: string[] = [];
  const logic = fromCallback<{ type: string }>(({ receive }) => receive((c) => commands.push(c.type)));
  return { logic, commands };
}

test('push-to-talk: the voice adapter is told to listen with the first turn, not before (no microphone prompt on load)', () => {
  const voice = listeningVoice();
  const actor = createVoiceConversation({
    url: 'ws://127.0.0.1:9',
    WebSocket: NodeWebSocket,
    adapters: { voice: voice.logic },
  });
  actor.start();
  actor.send({ type: 'connect' });
  expect(voice.commands).toEqual([]);
  actor.send({ type: 'audio.send', audio: wavClip, mimeType: 'audio/wav' });
  expect(voice.commands).toEqual(['voice.listen']);
  actor.send({ type: 'record.start' });
  expect(voice.commands).toEqual(['voice.listen', 'voice.listen']);
  actor.stop();
});

test('hands-free: the voice adapter is told to listen as soon as the conversation starts', () => {
  const voice = listeningVoice();
  const actor = createVoiceConversation({
    url: 'ws://127.0.0.1:9',
    WebSocket: NodeWebSocket,
    turnTaking: 'hands-free',
    adapters: { voice: voice.logic },
  });
  actor.start();
  expect(voice.commands).toEqual(['voice.listen']);
  actor.stop();
});
