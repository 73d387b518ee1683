import { afterEach, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { ConversationEmitted } from '../../machines/conversation.machine.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { type ConversationOptions, createVoiceConversation } from '../../src/conversation.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { tutorBackend, wavClip } from '../helpers/tutorBackend.ts';
import { waitFor } from '../helpers/waitFor.ts';
import type { WsServer } from '../helpers/wsServer.ts';

/*
 * `actor.stop()` leaves nothing behind: no socket, no timer, no running actor. Microphone tracks and
 * AudioContexts are the capture and playback adapters' part: the browser tests of the audio adapters
 * count those on teardown.
 */

let server: WsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The `ws` WebSocket, counted: every socket the conversation created. */
function countingWebSocket() {
  const sockets: WebSocket[] = [];
  class Counting extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  return {
    WebSocket: Counting as unknown as WebSocketConstructor,
    sockets,
    notClosed: () => sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length,
  };
}

function start(options: Omit<ConversationOptions, 'WebSocket'>) {
  const net = countingWebSocket();
  const actor = createVoiceConversation({ ...options, WebSocket: net.WebSocket, threadId: 'thread-1' });
  const emitted: ConversationEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  /** Every actor of the system, the conversation's children and theirs (stopped ones leave the system). */
  const actors = () =>
    ['session', 'connection', 'bargeIn', 'voice', 'playback']
      .map((id) => actor.system.get(id))
      .concat(Object.values(actor.system.get('connection').getSnapshot().children));
  /** Delayed events XState has scheduled and not yet delivered or cancelled: its running timers. */
  const timers = () => Object.keys(actor.system.getSnapshot()._scheduledEvents).length;
  return { actor, net, emitted, actors, timers };
}

test('stop in the middle of a reply, barge-in pending: the socket closes, timers and actors stop', async () => {
  // A reply that is still playing: audio arrived, `done` has not.
  server = await tutorBackend({
    reply: [{ event: 'tts_complete', audio: bytesToBase64(wavClip), format: 'wav' }],
  });
  const c = start({ url: server.url, heartbeat: { intervalMs: 60_000 }, bargeIn: { confirmMs: 60_000 } });
  c.actor.send({ type: 'connect' });
  const session = c.actor.system.get('session');
  await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });
  c.actor.send({ type: 'audio.send', audio: wavClip, mimeType: 'audio/wav' });
  await waitFor(() => session.getSnapshot().matches('speaking'), { what: 'the reply to play' });
  c.actor.send({ type: 'speech.start', at: 0 });
  expect(c.actor.system.get('bargeIn').getSnapshot().value).toBe('ducked');

  const actors = c.actors();
  // The heartbeat, the connection's uptime, the reply watchdog and the barge-in confirmation.
  expect(c.timers()).toBe(4);
  expect(actors.map((a) => a.getSnapshot().status)).toEqual(Array(actors.length).fill('active'));
  expect(actors.length).toBe(7);
  expect(c.net.notClosed()).toBe(1);

  c.actor.stop();
  const heard = c.emitted.length;
  expect(c.timers()).toBe(0);
  expect(actors.map((a) => a.getSnapshot().status)).toEqual(Array(actors.length).fill('stopped'));
  await waitFor(() => server?.last.closed !== null, { what: 'the server to see the close' });
  expect(server.last.closed).toEqual({ code: 1000, reason: 'client closed' });
  await waitFor(() => c.net.notClosed() === 0, { what: 'the client socket to close' });
  expect(c.net.sockets).toHaveLength(1);
  expect(c.emitted).toHaveLength(heard);
});

test('stop while reconnecting: the retry timer is cleared and no socket is opened again', async () => {
  server = await tutorBackend();
  const c = start({ url: server.url, heartbeat: false, reconnect: { schedule: [60_000] } });
  c.actor.send({ type: 'connect' });
  const connection = c.actor.system.get('connection');
  await waitFor(() => connection.getSnapshot().matches('open'), { what: 'the connection' });
  await server.stop();
  await waitFor(() => connection.getSnapshot().value === 'reconnecting', { what: 'the drop' });
  expect(c.timers()).toBe(1);
  const actors = c.actors();

  c.actor.stop();
  expect(c.timers()).toBe(0);
  expect(actors.every((a) => a.getSnapshot().status === 'stopped')).toBe(true);
  expect(c.net.sockets).toHaveLength(1);
  expect(c.net.notClosed()).toBe(0);
});

test('stop while the socket is still opening: the half-made socket is closed too', async () => {
  // The server accepts the TCP connection; the client's socket is still CONNECTING when stop comes.
  server = await tutorBackend();
  const c = start({ url: server.url });
  c.actor.send({ type: 'connect' });
  expect(c.net.sockets).toHaveLength(1);
  expect(c.actor.system.get('connection').getSnapshot().matches('connecting')).toBe(true);
  const actors = c.actors();
  c.actor.stop();
  expect(c.timers()).toBe(0);
  expect(actors.every((a) => a.getSnapshot().status === 'stopped')).toBe(true);
  await waitFor(() => c.net.notClosed() === 0, { what: 'the opening socket to close' });
  expect(c.net.sockets).toHaveLength(1);
  await waitFor(() => server?.connections.every((s) => s.closed !== null) === true, {
    what: 'the server to hold no connection',
  });
});
