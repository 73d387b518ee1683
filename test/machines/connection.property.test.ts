import fc from 'fast-check';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { fromPromise } from 'xstate';
import { delayBounds } from '../../machines/backoff.ts';
import type { ConnectionEmitted } from '../../machines/connection.machine.ts';
import type { ConnectionOptions, ReconnectOptions } from '../../machines/connection.options.ts';
import { type Harness, harness, settle } from '../helpers/connectionHarness.ts';

/*
 * Property tests: random sequences of socket events, owner commands and clock ticks, on random
 * settings. Whatever happens, the connection keeps its promises (see `check` and `ledger`).
 */

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const CLOSE_CODES = [1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1011, 1012, 1013, 3000, 4001, 4999];

const command = fc.oneof(
  // Mostly short ticks, so that sockets get to open and talk; some long ones for the timeouts.
  { weight: 4, arbitrary: fc.record({ do: fc.constant('tick' as const), ms: fc.nat(300) }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('tick' as const), ms: fc.nat(5000) }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('connect' as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      do: fc.constant('send' as const),
      kind: fc.constantFrom('app' as const, 'realtime' as const, 'control' as const),
      size: fc.integer({ min: 1, max: 12 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ do: fc.constant('open' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant('message' as const),
      data: fc.constantFrom('pong', 'srv-ping', 'hi'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant('close' as const),
      code: fc.oneof(fc.constantFrom(...CLOSE_CODES), fc.integer({ min: 1000, max: 4999 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      do: fc.constant('stale' as const),
      back: fc.integer({ min: 1, max: 3 }),
      event: fc.constantFrom('open' as const, 'message' as const, 'close' as const, 'error' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      do: fc.constant('visibility' as const),
      visible: fc.boolean(),
      gapMs: fc.nat(5000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      do: fc.constant('limits' as const),
      maxMessageBytes: fc.integer({ min: 1, max: 16 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      do: fc.constantFrom(
        'disconnect' as const,
        'reconnect' as const,
        'handshake.done' as const,
        'online' as const,
        'offline' as const,
        'discard' as const,
        'error' as const,
        'refuse' as const,
        'pinged' as const,
      ),
    }),
  },
);
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

const backoff: fc.Arbitrary<ReconnectOptions> = fc.oneof(
  fc
    .record({
      initialDelayMs: fc.nat(2000),
      factor: fc.double({ min: 1, max: 3, noNaN: true }),
      extra: fc.nat(5000),
    })
    .map(({ initialDelayMs, factor, extra }) => ({
      initialDelayMs,
      factor,
      maxDelayMs: initialDelayMs + extra,
    })),
  fc.record({ schedule: fc.array(fc.nat(5000), { minLength: 1, maxLength: 5 }) }),
);

const options = fc.record({
  reconnect: fc
    .tuple(
      backoff,
      fc.record({
        jitter: fc.double({ min: 0, max: 1, noNaN: true }),
        maxAttempts: fc.nat(4),
        minUptimeMs: fc.nat(3000),
        connectTimeoutMs: fc.integer({ min: 100, max: 5000 }),
      }),
    )
    .map(([b, common]) => ({ ...b, ...common }) as ReconnectOptions),
  heartbeat: fc.option(
    fc.record({
      intervalMs: fc.integer({ min: 1, max: 2000 }),
      timeoutMs: fc.integer({ min: 1, max: 2000 }),
    }),
    { nil: false as const },
  ),
  fetchToken: fc.boolean(),
  awaitHandshake: fc.boolean(),
  queue: fc.record({
    maxMessages: fc.integer({ min: 1, max: 6 }),
    maxBytes: fc.integer({ min: 8, max: 60 }),
    maxRealtimeAgeMs: fc.nat(3000),
  }),
  maxMessageBytes: fc.integer({ min: 4, max: 16 }),
});

/** Frames the owner sent (`f1`, `f2`, ...), and what became of them. */
function ledger(h: Harness) {
  let next = 0;
  let refused = 0;
  const isOurs = (frame: unknown): frame is string => typeof frame === 'string' && frame.startsWith('f');
  const errors = (code: string) => h.of('connection.error').filter((e) => e.error.code === code);
  return {
    /** `f<n><kind initial>`, padded to the size asked for. */
    frame: (kind: string, size: number) => `f${++next}${kind[0]}`.padEnd(size, '.'),
    refused: () => refused++,
    /** Every frame is written once, still queued, or reported dropped; none twice, none silently. */
    check() {
      const written = h.net.sockets.flatMap((s) => s.written).filter(isOurs);
      const queued = h
        .context()
        .outbox.items.map((i) => i.frame)
        .filter(isOurs);
      expect(new Set(written).size, 'a frame was written twice').toBe(written.length);
      // Control frames may go first; the others keep the order they were sent in.
      const order = written.filter((f) => !/^f\d+c/.test(f)).map((f) => Number.parseInt(f.slice(1), 10));
      expect(order, 'frames written out of order').toEqual([...order].sort((a, b) => a - b));
      expect(
        queued.filter((f) => written.includes(f)),
        'a written frame is still queued',
      ).toEqual([]);
      const reported =
        errors('queue.overflow').reduce((n, e) => n + Number(e.error.details.dropped), 0) +
        errors('queue.stale').reduce((n, e) => n + Number(e.error.details.dropped), 0) +
        errors('queue.discarded').reduce((n, e) => n + Number(e.error.details.dropped), 0);
      const gone = next - refused - written.length - new Set(queued).size;
      expect(gone, 'frames gone without a report (or reported but not gone)').toBe(reported);
      const lost = h.of('connection.lost').flatMap((l) => l.frames);
      expect(new Set(lost).size, 'a frame was reported lost twice').toBe(lost.length);
      expect(
        lost.filter((f) => !written.includes(f as string)),
        'reported lost but never written',
      ).toEqual([]);
    },
  };
}

/** Watches status events: retries between resets, the delay of each, and the wait before the next attempt. */
function watchRetries(h: Harness, maxAttempts: number, minUptimeMs: number) {
  let retries = 0;
  let openedAt: number | null = null;
  let waiting: { since: number; delayMs: number } | null = null;
  let cause: Command['do'] = 'tick';
  h.actor.on('connection.status', (status: Extract<ConnectionEmitted, { type: 'connection.status' }>) => {
    const now = Date.now();
    expect(h.net.alive().length, 'two live sockets').toBeLessThanOrEqual(1);
    if (openedAt !== null && now - openedAt >= minUptimeMs) retries = 0;
    openedAt = status.status === 'open' ? now : null;
    if (waiting && status.status === 'connecting' && cause === 'tick') {
      // A 0 ms timer may take 1 ms.
      const waited = now - waiting.since;
      expect(waited, 'the retry came before its delay').toBeGreaterThanOrEqual(waiting.delayMs);
      expect(waited, 'the retry came after its delay').toBeLessThanOrEqual(Math.max(1, waiting.delayMs));
    }
    waiting = null;
    if (status.status === 'closed') retries = 0;
    if (status.status !== 'reconnecting') return;
    retries++;
    expect(retries, 'more consecutive retries than maxAttempts').toBeLessThanOrEqual(maxAttempts);
    const [low, high] = delayBounds(h.settings.backoff, status.attempt);
    expect(status.delayMs, `delay of retry ${status.attempt}`).toBeGreaterThanOrEqual(low);
    expect(status.delayMs, `delay of retry ${status.attempt}`).toBeLessThanOrEqual(high);
    waiting = { since: now, delayMs: status.delayMs as number };
  });
  return {
    before(c: Command) {
      cause = c.do;
      if (c.do === 'reconnect') retries = 0;
    },
  };
}

async function run(
  settings: Partial<ConnectionOptions>,
  random: number[],
  tokens: boolean[],
  commands: Command[],
) {
  vi.clearAllTimers();
  let draw = 0;
  let asked = 0;
  const h = harness({
    ...settings,
    random: () => random[draw++ % random.length] as number,
    actors: {
      token: fromPromise(async () => {
        if (tokens[asked++ % tokens.length]) return `t${asked}`;
        throw new Error('no token');
      }),
    },
  });
  const { maxAttempts, minUptimeMs } = h.settings.backoff;
  const retries = watchRetries(h, maxAttempts, minUptimeMs);
  const frames = ledger(h);
  const current = () => h.net.alive()[0];
  const at = () => Date.now();

  for (const c of commands) {
    retries.before(c);
    const socket = current();
    switch (c.do) {
      case 'tick':
        vi.advanceTimersByTime(c.ms);
        break;
      case 'send': {
        const frame = frames.frame(c.kind, c.size);
        if (frame.length > h.context().settings.maxMessageBytes) frames.refused();
        h.actor.send({ type: 'send', frame, kind: c.kind, at: at() });
        break;
      }
      case 'discard':
        h.actor.send({ type: 'discard' });
        break;
      case 'open':
        socket?.emit({ type: 'socket.open', protocol: '', at: at() });
        break;
      case 'message':
        socket?.emit({ type: 'socket.message', data: c.data, at: at() });
        break;
      case 'close':
        socket?.emit({ type: 'socket.close', code: c.code, reason: '', wasClean: true, at: at() });
        break;
      case 'error':
        socket?.emit({ type: 'socket.error', message: 'boom', at: at() });
        break;
      case 'pinged':
        socket?.emit({ type: 'socket.pinged', at: at() });
        break;
      case 'refuse':
        if (socket) socket.refusing = true;
        break;
      case 'stale': {
        const socketId = h.context().socketId - c.back;
        const events = {
          open: { type: 'socket.open', socketId, protocol: '', at: at() },
          message: { type: 'socket.message', socketId, data: 'late', at: at() },
          close: { type: 'socket.close', socketId, code: 1006, reason: '', wasClean: false, at: at() },
          error: { type: 'socket.error', socketId, message: 'late', at: at() },
        } as const;
        const before = h.actor.getSnapshot().value;
        h.actor.send(events[c.event]);
        expect(h.actor.getSnapshot().value, 'a stale socket event moved the machine').toEqual(before);
        break;
      }
      case 'visibility':
        h.actor.send({ type: 'visibility', visible: c.visible, at: h.context().lastSeenAt + c.gapMs });
        break;
      case 'limits':
        h.actor.send({ type: 'limits', maxMessageBytes: c.maxMessageBytes });
        break;
      default:
        h.actor.send({ type: c.do });
    }
    await settle();
    expect(h.actor.getSnapshot().status, 'the actor failed').toBe('active');
    // One socket, the current one, alive exactly while the machine needs it.
    const snapshot = h.actor.getSnapshot();
    const needed = snapshot.matches({ connecting: 'opening' }) || snapshot.matches('open');
    const alive = h.net.alive().map((s) => s.input.socketId);
    expect(alive, 'live sockets').toEqual(needed ? [snapshot.context.socketId] : []);
    frames.check();
  }
  h.actor.stop();
}

test('random events never break the connection’s promises', async () => {
  await fc.assert(
    fc.asyncProperty(
      options,
      fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 8 }),
      // Whether each token request succeeds (mostly).
      fc.array(
        fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.array(command, { minLength: 1, maxLength: 80, size: 'max' }),
      run,
    ),
    { numRuns: 100 },
  );
});
