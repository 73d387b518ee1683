import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fromPromise } from 'xstate';
import { delayBounds } from '../../machines/backoff.ts';
import { redactToken, type SocketEvent } from '../../machines/connection.machine.ts';
import { type ConnectionOptions, connectionSettings } from '../../machines/connection.options.ts';
import type { Outgoing } from '../../machines/frames.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { createConnection } from '../../src/connection.ts';
import { VoxError } from '../../src/errors.ts';
import { type Harness, type HarnessOptions, harness, settle } from '../helpers/connectionHarness.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const tick = (ms: number) => vi.advanceTimersByTime(ms);

/** Connects and opens the first socket. */
function connected(options: HarnessOptions = {}) {
  const h = harness(options);
  h.actor.send({ type: 'connect' });
  h.open();
  return h;
}

/** Fails `times` attempts in a row (1006 before open), waiting out each retry delay. */
function failAttempts(h: Harness, times: number) {
  for (let i = 0; i < times; i++) {
    h.close(1006);
    if (h.value() === 'reconnecting') tick(h.context().retryDelayMs);
  }
}

describe('lifecycle', () => {
  test('starting the actor does not connect', () => {
    const h = harness();
    tick(60_000);
    expect(h.value()).toBe('closed');
    expect(h.net.sockets).toHaveLength(0);
    expect(h.statuses()).toEqual([
      { type: 'connection.status', status: 'closed', attempt: 0, delayMs: null, reason: 'initial' },
    ]);
  });

  test('connect opens a socket with the URL and sub-protocols', () => {
    const h = harness({ protocols: ['binary', 'stream-audio'] });
    h.actor.send({ type: 'connect' });
    expect(h.value()).toEqual({ connecting: 'opening' });
    expect(h.net.sockets).toHaveLength(1);
    expect(h.net.last.input).toEqual({
      socketId: 1,
      url: 'ws://voice.test/ws',
      protocols: ['binary', 'stream-audio'],
    });
    h.open();
    expect(h.value()).toEqual({ open: 'healthy' });
    expect(h.lastStatus()).toBe('open');
  });

  test('disconnect rests in closed with reason manual and stops the socket', () => {
    const h = connected();
    h.actor.send({ type: 'disconnect' });
    expect(h.value()).toBe('closed');
    expect(h.statuses().at(-1)).toMatchObject({ status: 'closed', reason: 'manual' });
    expect(h.net.last.stopped).toBe(true);
    tick(60_000);
    expect(h.net.sockets).toHaveLength(1);
  });

  test('a manual reconnect while open replaces the socket', () => {
    const h = connected();
    h.actor.send({ type: 'reconnect' });
    expect(h.net.sockets).toHaveLength(2);
    expect(h.net.alive()).toEqual([h.net.last]);
    expect(h.value()).toEqual({ connecting: 'opening' });
  });
});

describe('backoff', () => {
  test('exponential delays double per attempt up to maxDelayMs', () => {
    const h = harness({ reconnect: { maxAttempts: 6 } });
    h.actor.send({ type: 'connect' });
    failAttempts(h, 6);
    expect(h.delays()).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  test('the machine waits out each delay before the next attempt', () => {
    const h = harness();
    h.actor.send({ type: 'connect' });
    h.close(1006);
    tick(99);
    expect(h.value()).toBe('reconnecting');
    expect(h.net.sockets).toHaveLength(1);
    tick(1);
    expect(h.value()).toEqual({ connecting: 'opening' });
    expect(h.net.sockets).toHaveLength(2);
  });

  test('a schedule gives the delays in order, its last entry repeating', () => {
    const h = harness({ reconnect: { schedule: [3000, 5000, 8000], maxAttempts: 5 } });
    h.actor.send({ type: 'connect' });
    failAttempts(h, 5);
    expect(h.delays()).toEqual([3000, 5000, 8000, 8000, 8000]);
  });

  test('jitter spreads a delay within base × (1 ± jitter), clamped to the cap', () => {
    const samples = [0, 0.5, 0.999_999];
    const h = harness({
      reconnect: { initialDelayMs: 1000, maxDelayMs: 1200, jitter: 0.5, maxAttempts: 3 },
      random: () => samples.shift() ?? 0,
    });
    h.actor.send({ type: 'connect' });
    failAttempts(h, 3);
    // Retry 1: base 1000 → 500 (u = 0); retry 2: base 1200 (capped) at u = 0.5; retry 3: cap 1200.
    expect(h.delays()).toEqual([500, 1200, 1200]);
    expect(delayBounds(h.settings.backoff, 1)).toEqual([500, 1200]);
  });

  test('a rounded delay stays within its bounds when they fall between whole milliseconds', () => {
    const h = harness({ reconnect: { initialDelayMs: 1000, jitter: 0.1236 }, random: () => 0 });
    h.actor.send({ type: 'connect' });
    h.close(1006);
    const [low] = delayBounds(h.settings.backoff, 1);
    expect(h.delays()).toEqual([876]);
    expect(low).toBeLessThanOrEqual(876);
  });

  test('a flapping server keeps growing the delay; minUptimeMs of uptime resets it', () => {
    const h = harness({ reconnect: { maxAttempts: 10 }, heartbeat: false });
    h.actor.send({ type: 'connect' });
    for (let i = 0; i < 3; i++) {
      h.open();
      tick(1999);
      h.close(1006);
      tick(h.context().retryDelayMs);
    }
    expect(h.delays()).toEqual([100, 200, 400]);
    h.open();
    tick(2000);
    expect(h.context().attempt).toBe(0);
    h.close(1006);
    expect(h.delays().at(-1)).toBe(100);
    expect(h.statuses().at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1 });
  });

  test('after maxAttempts it rests in closed (exhausted); reconnect starts over with a fresh counter', () => {
    const h = harness({ reconnect: { maxAttempts: 2 } });
    h.actor.send({ type: 'connect' });
    failAttempts(h, 3);
    expect(h.value()).toBe('closed');
    expect(h.statuses().at(-1)).toMatchObject({ status: 'closed', reason: 'exhausted', attempt: 2 });
    expect(h.net.sockets).toHaveLength(3);
    expect(h.net.alive()).toHaveLength(0);
    tick(60_000);
    expect(h.net.sockets).toHaveLength(3);

    h.actor.send({ type: 'reconnect' });
    expect(h.value()).toEqual({ connecting: 'opening' });
    h.close(1006);
    expect(h.statuses().at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 100 });
  });

  test('connect after resting in closed starts over with a fresh counter too', () => {
    const h = harness({ reconnect: { maxAttempts: 2 } });
    h.actor.send({ type: 'connect' });
    failAttempts(h, 2);
    h.actor.send({ type: 'disconnect' });
    h.actor.send({ type: 'connect' });
    h.close(1006);
    expect(h.statuses().at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 100 });
  });

  test('maxAttempts 0 never retries', () => {
    const h = harness({ reconnect: { maxAttempts: 0 } });
    h.actor.send({ type: 'connect' });
    h.close(1006);
    expect(h.statuses().at(-1)).toMatchObject({ status: 'closed', reason: 'exhausted' });
  });

  test('a socket that never opens is abandoned after connectTimeoutMs, as a failed attempt', () => {
    const h = harness();
    h.actor.send({ type: 'connect' });
    tick(2999);
    expect(h.value()).toEqual({ connecting: 'opening' });
    tick(1);
    expect(h.value()).toBe('reconnecting');
    expect(h.errorCodes()).toEqual(['connect.timeout']);
    expect(h.net.last.stopped).toBe(true);
    expect(h.statuses().at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 100 });
    tick(100);
    expect(h.net.sockets).toHaveLength(2);
  });

  test('online while reconnecting connects at once', () => {
    const h = harness({ reconnect: { initialDelayMs: 900 } });
    h.actor.send({ type: 'connect' });
    h.close(1006);
    h.actor.send({ type: 'online' });
    expect(h.value()).toEqual({ connecting: 'opening' });
    expect(h.net.sockets).toHaveLength(2);
  });

  test('connect while reconnecting connects at once', () => {
    const h = harness({ reconnect: { initialDelayMs: 900 } });
    h.actor.send({ type: 'connect' });
    h.close(1006);
    h.actor.send({ type: 'connect' });
    expect(h.net.sockets).toHaveLength(2);
  });
});

describe('heartbeat', () => {
  test('pings after intervalMs', () => {
    const h = connected();
    tick(999);
    expect(h.net.last.pings).toBe(0);
    tick(1);
    expect(h.net.last.written).toEqual(['ping']);
    expect(h.net.last.pings).toBe(1);
    expect(h.value()).toEqual({ open: 'awaitingPong' });
  });

  test('no pong within timeoutMs: the socket is aborted and the machine reconnects', () => {
    const h = connected();
    tick(1499);
    expect(h.value()).toEqual({ open: 'awaitingPong' });
    tick(1);
    expect(h.value()).toBe('reconnecting');
    expect(h.net.sockets[0]?.aborted).toBe(true);
    expect(h.net.sockets[0]?.stopped).toBe(true);
    expect(h.errorCodes()).toEqual(['heartbeat.timeout']);
  });

  test('a pong makes it healthy again, and the next ping comes intervalMs later', () => {
    const h = connected();
    tick(1000);
    h.message('pong');
    expect(h.value()).toEqual({ open: 'healthy' });
    tick(999);
    expect(h.net.last.pings).toBe(1);
    tick(1);
    expect(h.net.last.pings).toBe(2);
    expect(h.of('connection.message')).toEqual([]);
  });

  test('any inbound message is proof of life: it postpones the ping and ends the wait for a pong', () => {
    const h = connected();
    tick(800);
    h.message('hello');
    tick(999);
    expect(h.net.last.pings).toBe(0);
    tick(1);
    expect(h.value()).toEqual({ open: 'awaitingPong' });
    tick(400);
    h.message('still here');
    expect(h.value()).toEqual({ open: 'healthy' });
    tick(999);
    expect(h.value()).toEqual({ open: 'healthy' });
    expect(h.of('connection.message').map((m) => m.data)).toEqual(['hello', 'still here']);
  });

  test('the round-trip time is the pong timestamp minus the ping timestamp', () => {
    const h = connected();
    tick(1000);
    h.net.last.emit({ type: 'socket.pinged', at: 5000 });
    h.message('pong', 5042);
    expect(h.of('connection.rtt')).toEqual([{ type: 'connection.rtt', rttMs: 42 }]);
    expect(h.context().rttMs).toBe(42);
  });

  test('a server ping is answered and not forwarded', () => {
    const h = connected();
    h.message('srv-ping');
    expect(h.net.last.written).toEqual(['srv-pong']);
    expect(h.of('connection.message')).toEqual([]);
  });

  test('without a ping frame the connection is open.unmonitored and never pings', () => {
    const h = connected({ heartbeat: { ping: undefined } });
    expect(h.value()).toEqual({ open: 'unmonitored' });
    tick(60_000);
    expect(h.net.last.written).toEqual([]);
    expect(h.value()).toEqual({ open: 'unmonitored' });
  });

  test('heartbeat: false also means unmonitored', () => {
    const h = connected({ heartbeat: false });
    expect(h.value()).toEqual({ open: 'unmonitored' });
  });

  test('offline while open pings at once', () => {
    const h = connected();
    h.actor.send({ type: 'offline' });
    expect(h.net.last.pings).toBe(1);
    expect(h.value()).toEqual({ open: 'awaitingPong' });
  });

  describe('visibility (timers of hidden tabs are throttled)', () => {
    // The tab was hidden: no timer fired, only the wall clock moved.
    const visibleAfter = (h: Harness, gapMs: number) =>
      h.actor.send({ type: 'visibility', visible: true, at: h.context().lastSeenAt + gapMs });

    test('silent for more than interval + timeout: presumed dead', () => {
      const h = connected();
      visibleAfter(h, 1501);
      expect(h.value()).toBe('reconnecting');
      expect(h.net.sockets[0]?.aborted).toBe(true);
      expect(h.errorCodes()).toEqual(['heartbeat.stale']);
    });

    test('silent for more than interval: ping at once', () => {
      const h = connected();
      visibleAfter(h, 1500);
      expect(h.value()).toEqual({ open: 'awaitingPong' });
      expect(h.net.last.pings).toBe(1);
    });

    test('a short gap, or becoming hidden, changes nothing', () => {
      const h = connected();
      visibleAfter(h, 999);
      h.actor.send({ type: 'visibility', visible: false, at: h.context().lastSeenAt + 5000 });
      expect(h.value()).toEqual({ open: 'healthy' });
      expect(h.net.last.pings).toBe(0);
    });

    test('silent too long while already waiting for a pong: presumed dead', () => {
      const h = connected();
      h.actor.send({ type: 'offline' });
      visibleAfter(h, 1501);
      expect(h.value()).toBe('reconnecting');
      expect(h.errorCodes()).toEqual(['heartbeat.stale']);
    });
  });
});

describe('close policy', () => {
  test.each([1001, 1005, 1006, 1011, 1012, 1013])('%i reconnects', (code) => {
    const h = connected();
    h.close(code, 'bye');
    expect(h.value()).toBe('reconnecting');
    const error = h.of('connection.error')[0]?.error;
    expect(error?.code).toBe('socket.closed');
    expect(error?.details).toMatchObject({ closeCode: code, reason: 'bye', attempt: 1, delayMs: 100 });
  });

  test.each([
    [1000, 'server', 'server.closed'],
    [1002, 'protocol', 'protocol.rejected'],
    [1008, 'auth', 'auth.rejected'],
  ])('%i rests in closed with reason %s', (code, reason, errorCode) => {
    const h = connected();
    h.close(code);
    expect(h.value()).toBe('closed');
    expect(h.statuses().at(-1)).toMatchObject({ status: 'closed', reason });
    expect(h.errorCodes()).toEqual([errorCode]);
    tick(60_000);
    expect(h.net.sockets).toHaveLength(1);
  });

  test('1008 with a token source: one fresh token, then a second refusal rests in closed (auth)', async () => {
    const tokens = ['first', 'second', 'third'];
    const getToken = vi.fn(async () => tokens.shift() as string);
    const h = harness({ fetchToken: true, actors: { token: fromPromise(getToken) } });
    h.actor.send({ type: 'connect' });
    expect(h.value()).toEqual({ connecting: 'authorizing' });
    await settle();
    expect(h.net.last.input.url).toBe('ws://voice.test/ws?token=first');
    h.open();
    h.close(1008);
    expect(h.value()).toEqual({ connecting: 'authorizing' });
    await settle();
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(h.net.last.input.url).toBe('ws://voice.test/ws?token=second');
    h.open();
    h.close(1008);
    expect(h.value()).toBe('closed');
    expect(h.statuses().at(-1)).toMatchObject({ status: 'closed', reason: 'auth' });
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  test('a token refresh is allowed again once a connection stayed up for minUptimeMs', async () => {
    const h = harness({
      fetchToken: true,
      heartbeat: false,
      actors: { token: fromPromise(async () => 'tok') },
    });
    h.actor.send({ type: 'connect' });
    await settle();
    h.open();
    h.close(1008);
    await settle();
    h.open();
    tick(1999);
    h.close(1008);
    expect(h.value()).toBe('closed');
    h.actor.send({ type: 'reconnect' });
    await settle();
    h.open();
    h.close(1008);
    await settle();
    h.open();
    tick(2000);
    h.close(1008);
    expect(h.value()).toEqual({ connecting: 'authorizing' });
  });

  test('a failing token source counts as a failed attempt', async () => {
    const h = harness({
      fetchToken: true,
      actors: { token: fromPromise(() => Promise.reject(new Error('nope'))) },
    });
    h.actor.send({ type: 'connect' });
    await settle();
    expect(h.value()).toBe('reconnecting');
    expect(h.errorCodes()).toEqual(['token.failed']);
    expect(h.net.sockets).toHaveLength(0);
  });

  test('1008 without a token source rests in closed (auth) without asking', () => {
    const h = connected({ token: 'static' });
    h.close(1008);
    expect(h.statuses().at(-1)).toMatchObject({ status: 'closed', reason: 'auth' });
    expect(h.net.sockets).toHaveLength(1);
  });

  test('a custom close policy is honoured', () => {
    const h = connected({ closePolicy: ({ code }) => (code === 1000 ? 'reconnect' : 'protocol') });
    h.close(1000);
    expect(h.value()).toBe('reconnecting');
    tick(100);
    h.open();
    h.close(1006);
    expect(h.statuses().at(-1)).toMatchObject({ status: 'closed', reason: 'protocol' });
  });
});

describe('outgoing queue', () => {
  test('frames sent while down are flushed in order on open', () => {
    const h = harness();
    h.send('a');
    h.actor.send({ type: 'connect' });
    h.send('b');
    h.send('c', 'control');
    expect(h.net.last.written).toEqual([]);
    h.open();
    expect(h.net.last.written).toEqual(['a', 'b', 'c']);
    h.send('d');
    expect(h.net.last.written).toEqual(['a', 'b', 'c', 'd']);
  });

  test('with awaitHandshake, control frames go first and app frames wait for handshake.done', () => {
    const h = harness({ awaitHandshake: true });
    h.actor.send({ type: 'connect' });
    h.send('a1');
    h.send('hello', 'control');
    h.send('r1', 'realtime');
    h.open();
    expect(h.net.last.written).toEqual(['hello']);
    h.send('a2');
    h.send('more-handshake', 'control');
    expect(h.net.last.written).toEqual(['hello', 'more-handshake']);
    h.actor.send({ type: 'handshake.done' });
    expect(h.net.last.written).toEqual(['hello', 'more-handshake', 'a1', 'r1', 'a2']);
    h.send('a3');
    expect(h.net.last.written.at(-1)).toBe('a3');
  });

  test('the handshake is awaited again after each reconnect', () => {
    const h = connected({ awaitHandshake: true });
    h.actor.send({ type: 'handshake.done' });
    h.close(1006);
    tick(100);
    h.open();
    h.send('a');
    expect(h.net.last.written).toEqual([]);
  });

  const overflow = (h: Harness) => h.of('connection.error').map((e) => e.error);

  test('overflow by count: a realtime frame evicts the oldest realtime frame and says so', () => {
    const h = harness({ queue: { maxMessages: 3 } });
    h.send('r1', 'realtime');
    h.send('a1');
    h.send('r2', 'realtime');
    h.send('r3', 'realtime');
    const [error] = overflow(h);
    expect(error).toBeInstanceOf(VoxError);
    expect(error).toMatchObject({
      source: 'queue',
      code: 'queue.overflow',
      details: { dropped: 1, bytes: 2, kind: 'realtime' },
    });
    h.actor.send({ type: 'connect' });
    h.open();
    expect(h.net.last.written).toEqual(['a1', 'r2', 'r3']);
  });

  test('overflow by count: an app frame is refused, what was accepted keeps its place', () => {
    const h = harness({ queue: { maxMessages: 2 } });
    h.send('a1');
    h.send('a2');
    h.send('a3');
    expect(overflow(h)).toMatchObject([{ code: 'queue.overflow', details: { dropped: 1, kind: 'app' } }]);
    expect(overflow(h)[0]?.message).toContain('dropped 1 app frame(s) of 2 bytes');
    h.actor.send({ type: 'connect' });
    h.open();
    expect(h.net.last.written).toEqual(['a1', 'a2']);
  });

  test('overflow by bytes', () => {
    const h = harness({ queue: { maxBytes: 10 } });
    h.send('12345');
    h.send('1234');
    h.send('12');
    expect(overflow(h)).toMatchObject([{ code: 'queue.overflow', details: { dropped: 1, bytes: 2 } }]);
    h.send('r-123', 'realtime');
    h.send('r-456', 'realtime');
    // No realtime frame to evict for the first; the second evicts the first.
    expect(overflow(h).map((e) => e.details)).toEqual([
      { dropped: 1, bytes: 2, kind: 'app' },
      { dropped: 1, bytes: 5, kind: 'realtime' },
      { dropped: 1, bytes: 5, kind: 'realtime' },
    ]);
    expect(h.context().outbox.bytes).toBe(9);
  });

  test('realtime frames older than maxRealtimeAgeMs are dropped at flush, with queue.stale', () => {
    const h = harness({ queue: { maxRealtimeAgeMs: 2000 } });
    h.actor.send({ type: 'connect' });
    h.send('old', 'realtime', 1000);
    h.send('app', 'app', 1000);
    h.send('ctl', 'control', 1000);
    h.send('fresh', 'realtime', 1001);
    h.open(3001);
    expect(h.net.last.written).toEqual(['app', 'ctl', 'fresh']);
    expect(h.of('connection.error').map((e) => e.error)).toMatchObject([
      { code: 'queue.stale', details: { dropped: 1, bytes: 3, maxRealtimeAgeMs: 2000 } },
    ]);
  });

  test('a frame over maxMessageBytes is refused with frame.tooLarge, open or not', () => {
    const h = harness({ maxMessageBytes: 4 });
    h.send('12345');
    h.actor.send({ type: 'connect' });
    h.open();
    h.send('67890');
    h.send('1234');
    expect(h.net.last.written).toEqual(['1234']);
    expect(h.of('connection.error').map((e) => e.error)).toMatchObject([
      { source: 'queue', code: 'frame.tooLarge', details: { bytes: 5, maxMessageBytes: 4 } },
      { code: 'frame.tooLarge' },
    ]);
  });

  test('a limits event changes the size limit', () => {
    const h = connected({ maxMessageBytes: 4 });
    h.actor.send({ type: 'limits', maxMessageBytes: 5 });
    h.send('12345');
    h.actor.send({ type: 'limits', maxMessageBytes: 3 });
    h.send('1234');
    expect(h.net.last.written).toEqual(['12345']);
    expect(h.errorCodes()).toEqual(['frame.tooLarge']);
  });

  describe('frames in flight', () => {
    test('written frames not yet confirmed by a pong are reported lost when the socket dies', () => {
      const h = connected();
      h.send('a');
      tick(1000);
      h.message('pong');
      h.send('b');
      h.send('c');
      h.close(1006);
      expect(h.of('connection.lost')).toEqual([{ type: 'connection.lost', frames: ['b', 'c'], bytes: 2 }]);
    });

    test('a frame written after the ping is not confirmed by its pong', () => {
      const h = connected();
      h.send('a');
      tick(1000);
      h.send('b');
      h.message('pong');
      h.close(1006);
      expect(h.of('connection.lost').map((l) => l.frames)).toEqual([['b']]);
    });

    test('a heartbeat timeout reports the frames in flight, and they are not resent', () => {
      const h = connected();
      h.send('a');
      tick(1500);
      expect(h.of('connection.lost').map((l) => l.frames)).toEqual([['a']]);
      tick(100);
      h.open();
      expect(h.net.last.written).toEqual([]);
    });

    test('the record of frames in flight is bounded by the queue limits, in bytes as in count', () => {
      const h = connected({ queue: { maxMessages: 10, maxBytes: 6 } });
      for (const frame of ['aa', 'bb', 'cc', 'dd']) h.send(frame);
      h.close(1006);
      expect(h.of('connection.lost')).toEqual([
        { type: 'connection.lost', frames: ['bb', 'cc', 'dd'], bytes: 6 },
      ]);
    });

    test('nothing in flight, nothing reported', () => {
      const h = connected();
      h.close(1006);
      expect(h.of('connection.lost')).toEqual([]);
    });

    test('frames left behind by a manual disconnect are reported then, not with a later socket', () => {
      const h = connected();
      h.send('a');
      h.actor.send({ type: 'disconnect' });
      expect(h.of('connection.lost').map((l) => l.frames)).toEqual([['a']]);
      h.actor.send({ type: 'connect' });
      h.open();
      h.send('b');
      h.close(1006);
      expect(h.of('connection.lost').map((l) => l.frames)).toEqual([['a'], ['b']]);
    });
  });

  describe('socket.unsent', () => {
    const unsent = (h: Harness, ...items: Outgoing[]) => h.net.last.emit({ type: 'socket.unsent', items });
    const item = (frame: string, seq: number): Outgoing => ({
      frame,
      kind: 'app',
      bytes: frame.length,
      at: undefined,
      seq,
    });

    test('frames a closing socket refused go back to the head of the queue and are not reported lost', () => {
      const h = connected();
      h.send('a');
      h.send('b');
      expect(h.net.last.written).toEqual(['a', 'b']);
      unsent(h, item('a', 1), item('b', 2));
      h.close(1006);
      h.send('c');
      tick(100);
      h.open();
      expect(h.net.last.written).toEqual(['a', 'b', 'c']);
      expect(h.of('connection.lost')).toEqual([]);
    });

    test('frames refused in several batches keep their send order', () => {
      const h = connected();
      h.send('a');
      unsent(h, item('a', 1));
      h.send('b');
      unsent(h, item('b', 2));
      h.close(1006);
      tick(100);
      h.open();
      expect(h.net.last.written).toEqual(['a', 'b']);
      expect(h.of('connection.lost')).toEqual([]);
    });

    test('refused control frames stay with their socket: not resent on the next one, and reported', () => {
      const h = connected();
      h.actor.send({ type: 'send', frame: 'init', kind: 'control' });
      unsent(h, { frame: 'init', kind: 'control', bytes: 4, at: undefined });
      unsent(h, { frame: 'ping', kind: 'control', bytes: 4, at: undefined, heartbeat: true });
      h.close(1006);
      tick(100);
      h.open();
      expect(h.net.last.written).toEqual([]);
      const discarded = h.of('connection.error').filter((e) => e.error.code === 'queue.discarded');
      expect(discarded.map((e) => e.error.details.dropped)).toEqual([1]);
    });
  });
});

describe('events of a socket the machine has left', () => {
  const stale = (h: Harness, event: SocketEvent) => {
    const before = h.actor.getSnapshot();
    h.actor.send(event);
    expect(h.actor.getSnapshot().value).toEqual(before.value);
    expect(h.actor.getSnapshot().context.attempt).toBe(before.context.attempt);
  };
  const at = 0;

  test('an old socket id never moves the machine', () => {
    const h = connected();
    h.actor.send({ type: 'reconnect' });
    stale(h, { type: 'socket.open', socketId: 1, protocol: '', at });
    expect(h.value()).toEqual({ connecting: 'opening' });
    stale(h, { type: 'socket.close', socketId: 1, code: 1006, reason: '', wasClean: false, at });
    h.open();
    stale(h, { type: 'socket.close', socketId: 1, code: 1000, reason: '', wasClean: true, at });
    stale(h, { type: 'socket.message', socketId: 1, data: 'x', at });
    stale(h, { type: 'socket.error', socketId: 1, message: 'x', at });
    stale(h, { type: 'socket.pinged', socketId: 1, at });
    expect(h.of('connection.message')).toEqual([]);
    expect(h.errorCodes()).toEqual([]);
  });

  test('a second close, or messages after close, change nothing', () => {
    const h = connected();
    h.close(1006);
    const statuses = h.statuses().length;
    // The adapter is stopped, but its events may already sit in the mailbox.
    const socketId = h.net.last.input.socketId;
    stale(h, { type: 'socket.close', socketId, code: 1008, reason: '', wasClean: true, at });
    stale(h, { type: 'socket.close', socketId, code: 1000, reason: '', wasClean: true, at });
    stale(h, { type: 'socket.message', socketId, data: 'late', at });
    expect(h.value()).toBe('reconnecting');
    expect(h.statuses()).toHaveLength(statuses);
    expect(h.of('connection.message')).toEqual([]);
  });

  test('a second close while a fresh token is fetched changes nothing', async () => {
    const h = harness({ fetchToken: true, actors: { token: fromPromise(async () => 'tok') } });
    h.actor.send({ type: 'connect' });
    await settle();
    h.open();
    const first = h.net.last;
    first.emit({ type: 'socket.close', code: 1008, reason: '', wasClean: true, at: 0 });
    expect(h.value()).toEqual({ connecting: 'authorizing' });
    // The adapter was stopped, but the event may already sit in the mailbox.
    h.actor.send({ type: 'socket.close', socketId: 1, code: 1008, reason: '', wasClean: true, at: 0 });
    expect(h.value()).toEqual({ connecting: 'authorizing' });
    await settle();
    expect(h.value()).toEqual({ connecting: 'opening' });
  });
});

describe('secrets', () => {
  test('the token travels in the URL and is redacted for logs', () => {
    const h = harness({ token: 'sk-secret/with+chars' });
    h.actor.send({ type: 'connect' });
    const url = h.net.last.input.url;
    expect(url).toBe('ws://voice.test/ws?token=sk-secret%2Fwith%2Bchars');
    expect(redactToken(url, 'sk-secret/with+chars')).toBe('ws://voice.test/ws?token=sk-s…');
    expect(redactToken(url, undefined)).toBe(url);
  });

  test('the token parameter name is configurable and appended to an existing query', () => {
    const h = harness({ url: 'wss://voice.test/ws?v=2', token: 't', tokenParam: 'access_token' });
    h.actor.send({ type: 'connect' });
    expect(h.net.last.input.url).toBe('wss://voice.test/ws?v=2&access_token=t');
  });
});

describe('invalid options fail at creation with a VoxError naming the option', () => {
  class NoSocket {
    constructor() {
      throw new Error('not used');
    }
  }
  const WebSocket = NoSocket as unknown as WebSocketConstructor;
  const cases: [string, Partial<ConnectionOptions>][] = [
    ['url', { url: 'http://voice.test' }],
    ['url', { url: 'not a url' }],
    ['reconnect.initialDelayMs', { reconnect: { initialDelayMs: -1 } }],
    ['reconnect.maxDelayMs', { reconnect: { initialDelayMs: 500, maxDelayMs: 400 } }],
    ['reconnect.factor', { reconnect: { factor: 0.5 } }],
    ['reconnect.jitter', { reconnect: { jitter: 1.5 } }],
    ['reconnect.jitter', { reconnect: { jitter: -0.1 } }],
    ['reconnect.schedule', { reconnect: { schedule: [] } }],
    ['reconnect.schedule[1]', { reconnect: { schedule: [100, -1] } }],
    ['reconnect.maxAttempts', { reconnect: { maxAttempts: 2.5 } }],
    ['reconnect.maxAttempts', { reconnect: { maxAttempts: -1 } }],
    ['reconnect.minUptimeMs', { reconnect: { minUptimeMs: -1 } }],
    ['reconnect.connectTimeoutMs', { reconnect: { connectTimeoutMs: 0 } }],
    ['heartbeat.intervalMs', { heartbeat: { intervalMs: -5 } }],
    ['heartbeat.timeoutMs', { heartbeat: { timeoutMs: Number.NaN } }],
    ['queue.maxMessages', { queue: { maxMessages: 0 } }],
    ['queue.maxRealtimeAgeMs', { queue: { maxRealtimeAgeMs: -1 } }],
    ['maxMessageBytes', { maxMessageBytes: 0 }],
  ];

  const thrown = (create: () => unknown) => {
    try {
      create();
    } catch (error) {
      return error;
    }
    throw new Error('no error thrown');
  };

  test.each(cases)('%s', (option, options) => {
    const all = { url: 'ws://voice.test', ...options } as ConnectionOptions;
    for (const error of [
      thrown(() => connectionSettings(all)),
      thrown(() => createConnection({ ...all, WebSocket })),
    ]) {
      expect(error).toBeInstanceOf(VoxError);
      expect(error).toMatchObject({ source: 'options', code: 'option.invalid', details: { option } });
    }
  });

  test('valid options pass, and Infinity is a valid maxAttempts', () => {
    expect(() => connectionSettings({ url: 'wss://x', reconnect: { maxAttempts: Infinity } })).not.toThrow();
    expect(() => createConnection({ url: 'ws://x', WebSocket })).not.toThrow();
  });

  test('defaults: a half-open connection is noticed within 15 s, the first retry within 300 ms', () => {
    const { heartbeat, backoff } = connectionSettings({ url: 'ws://x' });
    expect(heartbeat.intervalMs + heartbeat.timeoutMs).toBeLessThanOrEqual(15_000);
    expect(delayBounds(backoff, 1)[1]).toBeLessThanOrEqual(300);
  });
});
