import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { status } from '../../src/dialects/status.ts';
import { typed } from '../../src/dialects/typed.ts';
import { sessionHarness } from './harness.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('session handshake', () => {
  test('init carries the thread id; ready only after `initialized`', () => {
    const s = sessionHarness({ threadId: 'thread-42' });
    expect(s.state()).toBe('idle.offline');
    s.connect();
    expect(s.state()).toBe('idle.handshaking');
    expect(s.sent()).toEqual([{ action: 'init', thread_id: 'thread-42', audio_format: 'wav' }]);
    // A turn is refused until the server answered: the clip is not sent.
    s.sendAudio();
    expect(s.state()).toBe('idle.handshaking');
    s.server({ event: 'stt_start' });
    expect(s.state()).toBe('idle.handshaking');
    s.server(s.script.ready as string);
    expect(s.state()).toBe('ready');
    expect(s.context().initialised).toBe(true);
    expect(s.written()).toHaveLength(1);
  });

  test('application frames queued during the handshake are flushed only after `initialized`', () => {
    const s = sessionHarness();
    s.connect();
    const connection = s.actor.getSnapshot().children.connection;
    connection?.send({ type: 'send', frame: 'queued-app-frame', kind: 'app' });
    expect(s.written()).toHaveLength(1);
    s.server(s.script.ready as string);
    expect(s.written().slice(1)).toEqual(['queued-app-frame']);
  });

  test('a dialect without a handshake is ready as soon as the socket opens', () => {
    const s = sessionHarness({ dialect: typed });
    s.connect();
    expect(s.state()).toBe('ready');
    expect(s.written()).toEqual([]);
  });

  test('a server-first handshake (status) waits for `connected` and honours its limits', () => {
    const s = sessionHarness({ dialect: status });
    s.connect();
    expect(s.state()).toBe('idle.handshaking');
    expect(s.written()).toEqual([]);
    s.server({
      status: 'connected',
      session_id: 'abc',
      config: { sample_rate: 48_000, channels: 1, sample_width: 2, max_message_size: 4096 },
    });
    expect(s.state()).toBe('ready');
    expect(s.context()).toMatchObject({ sampleRate: 48_000, maxMessageBytes: 4096 });
    const connection = s.actor.getSnapshot().children.connection?.getSnapshot();
    expect(connection?.context.settings.maxMessageBytes).toBe(4096);
  });

  test('every reconnect re-initialises with the same thread id before anything else', () => {
    const s = sessionHarness({ threadId: 'kept' });
    s.ready();
    s.drop();
    expect(s.state()).toBe('idle.offline');
    vi.advanceTimersByTime(100);
    s.open();
    expect(s.state()).toBe('idle.handshaking');
    s.server(s.script.ready as string);
    expect(s.state()).toBe('ready');
    const inits = s.net.sockets.map((socket) => socket.written[0]);
    expect(inits.map((f) => JSON.parse(f as string).thread_id)).toEqual(['kept', 'kept']);
  });

  test('a drop during the handshake goes back to offline, then handshakes again', () => {
    const s = sessionHarness();
    s.connect();
    s.drop();
    expect(s.state()).toBe('idle.offline');
    vi.advanceTimersByTime(100);
    s.open();
    expect(s.state()).toBe('idle.handshaking');
    expect(s.net.last.written).toHaveLength(1);
  });
});
