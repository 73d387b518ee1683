import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, expect, test } from 'vitest';
import { createVoiceConversation } from '../../src/conversation.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { VoxError } from '../../src/errors.ts';
import { createEventLog, createStatelyInspector, sanitize } from '../../src/inspect.ts';
import { NodeWebSocket, tutorBackend, tutorReply, wavClip } from '../helpers/tutorBackend.ts';
import { waitFor } from '../helpers/waitFor.ts';
import type { WsServer } from '../helpers/wsServer.ts';

let server: WsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const MAX_CHARS = 120;

/**
 * A stand-in for the page: `window.open` returns the inspector tab, which records what is posted to
 * it, and the tab announces itself as the hosted Stately UI does once it has loaded.
 */
function fakeInspectorWindow() {
  const posted: StatelyInspectionEvent[] = [];
  const listeners: ((event: { data: unknown }) => void)[] = [];
  const tab = { postMessage: (message: StatelyInspectionEvent) => posted.push(message) };
  const window = {
    open: () => tab,
    addEventListener: (_type: string, listener: (event: { data: unknown }) => void) =>
      listeners.push(listener),
  };
  const connect = () => {
    for (const listener of listeners) listener({ data: { type: '@statelyai.connected' } });
  };
  return { window: window as unknown as Window, posted, connect };
}

/** Every value in `value` that would leak audio or a long text: typed arrays as JSON has them, long strings. */
function leaks(value: unknown, path = ''): string[] {
  if (typeof value === 'string')
    return value.length > MAX_CHARS ? [`${path}: string of ${value.length}`] : [];
  if (typeof value !== 'object' || value === null) return [];
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return [`${path}: ${value.constructor.name}`];
  const keys = Object.keys(value);
  // A Uint8Array through JSON.stringify: {"0":82,"1":73,...}
  if (!Array.isArray(value) && keys.length > 16 && keys.every((k) => /^\d+$/.test(k)))
    return [`${path}: serialized bytes`];
  return keys.flatMap((k) => leaks((value as Record<string, unknown>)[k], `${path}.${k}`));
}

const valuesOf = (posted: StatelyInspectionEvent[], name: string) => {
  const actor = posted.find((e) => e.type === '@xstate.actor' && e.name === name);
  return posted
    .filter((e) => e.type === '@xstate.snapshot' && e.sessionId === actor?.sessionId)
    .map((e) => JSON.stringify((e as { snapshot: { value: unknown } }).snapshot.value));
};

test('the Stately inspector sees conversation, session, connection and bargeIn, their transitions, and no audio or long text', async () => {
  // A long token and a 100 kB base64 reply: what the sanitizer must keep out of the inspector.
  const longToken = 'Hello world, '.repeat(800);
  server = await tutorBackend({ reply: tutorReply(['Hi', longToken]) });
  const page = fakeInspectorWindow();
  const inspector = createStatelyInspector({ window: page.window, maxStringChars: MAX_CHARS });
  page.connect();
  const log = createEventLog();
  const actor = createVoiceConversation({
    url: server.url,
    WebSocket: NodeWebSocket,
    threadId: 'thread-1',
    inspect: inspector,
  });
  actor.system.inspect(log);
  actor.start();
  actor.send({ type: 'connect' });
  const session = actor.system.get('session');
  await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });
  actor.send({ type: 'audio.send', audio: wavClip, mimeType: 'audio/wav' });
  await waitFor(() => session.getSnapshot().context.transcript.length === 1, { what: 'the turn' });
  expect(session.getSnapshot().context.transcript[0]?.agent).toBe(`Hi${longToken}`);
  // The inspector converts events when the page is idle (a timer in Node).
  const isTurnSnapshot = (e: StatelyInspectionEvent) =>
    e.type === '@xstate.snapshot' && e.event.type === 'session.turn';
  await waitFor(() => page.posted.some(isTurnSnapshot), { what: 'the inspector to catch up' });
  actor.stop();
  inspector.stop();

  const actors = page.posted.filter((e) => e.type === '@xstate.actor');
  const byName = (name: string) => actors.find((e) => e.name === name);
  const [root, session_, connection, bargeIn] = ['conversation', 'session', 'connection', 'bargeIn'].map(
    byName,
  );
  expect(root?.parentId).toBeUndefined();
  expect(session_?.parentId).toBe(root?.sessionId);
  expect(bargeIn?.parentId).toBe(root?.sessionId);
  expect(connection?.parentId).toBe(session_?.sessionId);

  const states = (name: string) => [...new Set(valuesOf(page.posted, name))];
  expect(states('connection')).toEqual(
    expect.arrayContaining(['"closed"', '{"connecting":"opening"}', '{"open":"healthy"}']),
  );
  expect(states('session')).toEqual(
    expect.arrayContaining([
      '{"idle":"offline"}',
      '{"idle":"handshaking"}',
      '"ready"',
      '{"processing":"transcribing"}',
      '{"processing":"thinking"}',
      '{"speaking":"streaming"}',
      '{"speaking":"finishing"}',
    ]),
  );
  expect(states('bargeIn')).toEqual(['"idle"', '"armed"']);

  // Nothing posted to the inspector tab carries audio bytes or a long text; the summaries are there.
  // (An actor's `definition` is its machine's JSON, not data.)
  const payloads = page.posted.map((e) => ({ ...e, definition: undefined }));
  expect(payloads.flatMap((p) => leaks(p))).toEqual([]);
  const text = JSON.stringify(payloads);
  expect(text).toContain(`<Uint8Array ${wavClip.byteLength} bytes>`);
  expect(text).toContain('<string 10402 chars: \\"HiHello world, Hello wor…\\">');

  // The offline log holds the same story in readable lines.
  const lines = log.lines();
  const line = (...columns: string[]) =>
    lines.find(
      (l) =>
        JSON.stringify(
          l
            .trim()
            .split(/\s{2,}/)
            .slice(1),
        ) === JSON.stringify(columns),
    );
  expect(line('connection', 'connect', 'closed → connecting.opening')).toBeDefined();
  expect(line('session', 'connection.message', 'idle.handshaking → ready')).toBeDefined();
  expect(line('session', 'audio.send', 'ready → processing.transcribing')).toBeDefined();
  expect(line('bargeIn', 'agent.start', 'idle → armed')).toBeDefined();
  expect(line('bargeIn', 'agent.stop', 'armed → idle')).toBeDefined();
  expect(line('conversation', 'session.turn')).toBeDefined();
  expect(line('session', 'connection.status', 'idle.offline → idle.handshaking')).toBeDefined();
});

test('the event log keeps its last `limit` lines, filters actors and tells listeners', async () => {
  server = await tutorBackend();
  const log = createEventLog({ limit: 5, actors: ['bargeIn'] });
  const seen: string[] = [];
  const unsubscribe = log.subscribe((entry) => seen.push(entry.event));
  const actor = createVoiceConversation({ url: server.url, WebSocket: NodeWebSocket, inspect: log });
  actor.start();
  for (let i = 0; i < 4; i++) {
    actor.send({ type: 'interrupt' });
    actor.send({ type: 'speech.start', at: i });
  }
  unsubscribe();
  actor.send({ type: 'interrupt' });
  actor.stop();
  expect(seen).toEqual(['xstate.init', ...Array(4).fill(['interrupt', 'speech.start']).flat()]);
  expect(log.entries().map((e) => e.event)).toEqual([
    'speech.start',
    'interrupt',
    'speech.start',
    'interrupt',
    'xstate.stop',
  ]);
  expect(new Set(log.entries().map((e) => e.actor))).toEqual(new Set(['bargeIn']));
  log.clear();
  expect(log.toString()).toBe('');
});

test('sanitize summarises bytes, long strings, long arrays, deep objects, actors, dialects and errors', () => {
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  const limits = { maxStringChars: 20, maxArrayItems: 3, maxDepth: 2 };
  expect(
    sanitize(
      {
        audio: new Uint8Array(32_000),
        buffer: new ArrayBuffer(8),
        pcm: new Int16Array(4),
        text: 'a'.repeat(10_000),
        short: 'ok',
        list: [1, 2, 3, 4, 5],
        deep: { a: { b: { c: 1 } } },
        fn: function ping() {},
        dialect: tutor,
        error: new VoxError('session', 'reply.timeout', 'late', { details: { turn: 1 } }),
        circular,
        when: new Date(0),
        map: new Map([[1, 2]]),
      },
      limits,
    ),
  ).toEqual({
    audio: '<Uint8Array 32000 bytes>',
    buffer: '<ArrayBuffer 8 bytes>',
    pcm: '<Int16Array 8 bytes>',
    text: '<string 10000 chars: "aaaaaaaaaaaaaaaaaaaaaaaa…">',
    short: 'ok',
    list: [1, 2, 3, '<… 2 more>'],
    deep: { a: '<object 1 keys>' },
    fn: '<function ping>',
    dialect: '<dialect tutor>',
    error: {
      name: 'VoxError',
      source: 'session',
      code: 'reply.timeout',
      message: 'late',
      details: '<object 1 keys>',
    },
    circular: { name: 'loop', self: '<circular>' },
    when: '1970-01-01T00:00:00.000Z',
    map: '<Map>',
  });
});

test('without a window (server-side rendering) the Stately inspector is a no-op', () => {
  const inspector = createStatelyInspector();
  expect(inspector.inspector).toBeNull();
  const actor = createVoiceConversation({
    url: 'ws://127.0.0.1:1',
    WebSocket: NodeWebSocket,
    inspect: inspector,
  });
  actor.start();
  actor.stop();
  inspector.stop();
});
