import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ConversationEmitted } from '../../machines/conversation.machine.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import {
  type ConversationOptions,
  createConversationMachine,
  createVoiceConversation,
} from '../../src/conversation.ts';
import { status } from '../../src/dialects/status.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { isVoxError, type VoxError } from '../../src/errors.ts';
import { NodeWebSocket, tutorBackend, wavClip } from '../helpers/tutorBackend.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { startWsServer, type WsServer } from '../helpers/wsServer.ts';

let server: WsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const URL_ = 'ws://127.0.0.1:1/api/ws/voice';

/** The VoxError `create` throws. */
function thrown(create: () => unknown): VoxError {
  try {
    create();
  } catch (error) {
    if (isVoxError(error)) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

/** The `ws` WebSocket, counted. */
function countingWebSocket() {
  let created = 0;
  const Counting = function Counting(url: string, protocols?: string | string[]) {
    created++;
    return new NodeWebSocket(url, protocols);
  } as unknown as WebSocketConstructor;
  return { WebSocket: Counting, created: () => created };
}

function conversation(options: Partial<ConversationOptions> & { url: string }) {
  const net = countingWebSocket();
  const actor = createVoiceConversation({ WebSocket: net.WebSocket, threadId: 'thread-1', ...options });
  const emitted: ConversationEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  const errors = () => emitted.flatMap((e) => (e.type === 'session.error' ? [e.error] : []));
  return { actor, net, emitted, errors };
}

describe('options that contradict each other are refused at creation, naming both', () => {
  const cases: [
    what: string,
    options: Partial<ConversationOptions>,
    option: string,
    other: string,
    says: RegExp,
  ][] = [
    [
      'a reconnect schedule with exponential backoff settings',
      {
        reconnect: {
          schedule: [100, 1000],
          initialDelayMs: 50,
          factor: 3,
        } as ConversationOptions['reconnect'],
      },
      'reconnect.schedule',
      'reconnect.initialDelayMs',
      /either a schedule or reconnect\.initialDelayMs, reconnect\.factor, not both/,
    ],
    [
      'heartbeat timings for a dialect without a ping',
      { dialect: status, heartbeat: { timeoutMs: 5_000 } },
      'heartbeat.timeoutMs',
      'heartbeat.ping',
      /the status dialect has no ping/,
    ],
    [
      'pong recognition without a ping',
      { dialect: status, heartbeat: { isPong: () => true } },
      'heartbeat.isPong',
      'heartbeat.ping',
      /pass heartbeat\.ping/i,
    ],
    [
      'a recording limit longer than one message of a turn-based dialect carries',
      { dialect: tutor, maxRecordingMs: 60_000 },
      'maxRecordingMs',
      'maxMessageBytes',
      /60000 is longer than the 24568 ms of 16 kHz WAV that fit in one tutor message of 1048576 bytes/,
    ],
  ];
  test.each(cases)('%s', (_, options, option, other, says) => {
    for (const create of [createConversationMachine, createVoiceConversation]) {
      const error = thrown(() => create({ url: URL_, WebSocket: NodeWebSocket, ...options }));
      expect(error).toMatchObject({
        source: 'options',
        code: 'option.conflict',
        details: { option, with: other },
      });
      expect(error.message).toMatch(says);
    }
  });

  test('the same options without the contradiction are accepted', () => {
    const ok: Partial<ConversationOptions>[] = [
      { reconnect: { schedule: [100, 1000], maxAttempts: 3 } },
      { reconnect: { initialDelayMs: 50, factor: 3 } },
      { dialect: status, heartbeat: { timeoutMs: 5_000, ping: () => 'ping', isPong: (f) => f === 'pong' } },
      { dialect: tutor, heartbeat: { timeoutMs: 5_000 } },
      { dialect: tutor, maxRecordingMs: 20_000 },
      { dialect: tutor, maxRecordingMs: 60_000, maxMessageBytes: 4 * 1024 * 1024 },
      { dialect: status, maxRecordingMs: 60_000 },
    ];
    for (const options of ok) createConversationMachine({ url: URL_, WebSocket: NodeWebSocket, ...options });
  });
});

describe('audio the dialect cannot carry is refused with a session.error, and nothing is sent', () => {
  test('WAV to the binary streaming `status` dialect (WebM)', async () => {
    // Seed 001: the server speaks first, with its limits.
    server = await startWsServer({
      onConnection: (c) =>
        c.send(
          JSON.stringify({
            status: 'connected',
            session_id: 's1',
            config: { sample_rate: 44_100, max_message_size: 1_048_576 },
          }),
        ),
    });
    const c = conversation({ url: server.url, dialect: status });
    c.actor.send({ type: 'connect' });
    const session = c.actor.system.get('session');
    await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });

    c.actor.send({ type: 'audio.send', audio: wavClip, mimeType: 'audio/wav' });
    expect(c.errors()).toEqual([
      expect.objectContaining({
        source: 'conversation',
        code: 'audio.unsupported',
        message: expect.stringMatching(
          /status dialect carries audio\/webm;codecs=opus audio; a audio\/wav clip was not sent/,
        ),
      }),
    ]);
    expect(session.getSnapshot().value).toBe('ready');

    // The same bytes announced as WebM go out: a run of binary frames, then the end of the turn.
    c.actor.send({ type: 'audio.send', audio: wavClip, mimeType: 'audio/webm' });
    await waitFor(() => server?.last.frames.includes('{"type":"end_of_audio"}') === true, {
      what: 'the turn',
    });
    expect(server.last.frames.filter((f) => f instanceof Uint8Array).length).toBeGreaterThan(0);
    c.actor.stop();
  });

  test('WebM to the turn-based `tutor` dialect (WAV)', async () => {
    server = await tutorBackend();
    const c = conversation({ url: server.url });
    c.actor.send({ type: 'connect' });
    const session = c.actor.system.get('session');
    await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });
    c.actor.send({
      type: 'audio.send',
      audio: new Uint8Array([1, 2, 3]),
      mimeType: 'audio/webm;codecs=opus',
    });
    expect(c.errors().map((e) => e.code)).toEqual(['audio.unsupported']);
    expect(session.getSnapshot().value).toBe('ready');
    // `audio/x-wav` is WAV by another name.
    c.actor.send({ type: 'audio.send', audio: wavClip, mimeType: 'audio/x-wav' });
    await waitFor(() => session.getSnapshot().context.transcript.length === 1, { what: 'the turn' });
    expect(server.last.frames.filter((f) => String(f).includes('"action":"audio"'))).toHaveLength(1);
    c.actor.stop();
  });
});

describe('events at the wrong time', () => {
  test('a second connect while connecting opens no second socket', async () => {
    server = await tutorBackend();
    const c = conversation({ url: server.url });
    c.actor.send({ type: 'connect' });
    expect(c.actor.system.get('connection').getSnapshot().matches('connecting')).toBe(true);
    c.actor.send({ type: 'connect' });
    const session = c.actor.system.get('session');
    await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });
    // And once open: still the one socket.
    c.actor.send({ type: 'connect' });
    expect(c.net.created()).toBe(1);
    expect(server.connections).toHaveLength(1);
    expect(c.emitted.filter((e) => e.type === 'connection.error')).toEqual([]);
    c.actor.stop();
  });

  test('events sent to a stopped conversation are dropped: nothing opens, nothing is emitted, nothing throws', async () => {
    server = await tutorBackend();
    const c = conversation({ url: server.url });
    c.actor.stop();
    const heard = c.emitted.length;
    // XState's development build warns on the console about each one; that is all that happens.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const event of [
      { type: 'connect' },
      { type: 'audio.send', audio: wavClip, mimeType: 'audio/wav' },
      { type: 'record.start' },
      { type: 'interrupt' },
    ] as const)
      c.actor.send(event);
    warn.mockRestore();
    expect(c.actor.getSnapshot().status).toBe('stopped');
    expect(c.net.created()).toBe(0);
    expect(c.emitted).toHaveLength(heard);
    expect(server.connections).toHaveLength(0);
  });
});

test('in Node without a global WebSocket and none passed, connect fails with a VoxError that says what to pass', async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
  Object.defineProperty(globalThis, 'WebSocket', { value: undefined, configurable: true, writable: true });
  try {
    const emitted: ConversationEmitted[] = [];
    const actor = createVoiceConversation({ url: URL_, reconnect: { maxAttempts: 0 } });
    actor.on('*', (e) => emitted.push(e));
    actor.start();
    actor.send({ type: 'connect' });
    const connection = actor.system.get('connection');
    await waitFor(() => connection.getSnapshot().value === 'closed', { what: 'the connection to give up' });
    const errors = emitted.flatMap((e) => (e.type === 'connection.error' ? [e.error] : []));
    expect(errors.map((e) => e.code)).toEqual(['socket.closed']);
    expect(errors[0]?.message).toMatch(/no global WebSocket here; pass one \(the ws package\)/);
    actor.stop();
  } finally {
    if (saved) Object.defineProperty(globalThis, 'WebSocket', saved);
    else delete (globalThis as { WebSocket?: unknown }).WebSocket;
  }
});
