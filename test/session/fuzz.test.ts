/**
 * Fuzz: per dialect, 10,000 random and mutated server frames fed to a session after its handshake, at
 * random points of a turn (after a random prefix of a clean reply), mixed with clean frames in random
 * order. The session must never throw or fail, and must always end where a new turn works: once the
 * turn in progress ends (reply timeout, or the user's interrupt), a clean turn reaches `ready` with
 * its text in the transcript.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Frame } from '../../machines/frames.ts';
import { type SessionRig, sessionRig, startSession } from './harness.ts';
import { type DialectScript, parse, SCRIPTS } from './scripts.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const RUNS = 200;
const FRAMES_PER_RUN = 50;
const REPLY_TIMEOUT_MS = 1_000;
const SEED = 20_251_122;

const TAG_KEYS: Record<string, string> = {
  tutor: 'event',
  messageType: 'message_type',
  status: 'status',
  typed: 'type',
};

/** Every frame a clean conversation of this dialect contains: the samples and a reply with ids. */
function cleanFrames(script: DialectScript): Frame[] {
  return [
    ...Object.values(script.samples),
    ...script.reply({ user: 'hi', words: ['a', 'b'], replyId: 'r1' }),
    script.error('boom'),
  ];
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

/** A JSON message of the dialect changed one way: a field removed, retyped, added, or the tag swapped. */
function mutatedMessage(messages: Record<string, unknown>[], tagKey: string) {
  const tags = [...new Set(messages.map((m) => m[tagKey]))];
  return fc
    .record({
      message: fc.constantFrom(...messages),
      pick: fc.nat(),
      value: anyJson,
      tag: fc.constantFrom(...tags),
      op: fc.constantFrom('delete', 'set', 'add', 'retag', 'replyId'),
    })
    .map(({ message, pick, value, tag, op }) => {
      const copy: Record<string, unknown> = { ...message };
      const keys = Object.keys(copy);
      const key = keys[pick % keys.length] as string;
      if (op === 'delete') delete copy[key];
      else if (op === 'set') copy[key] = value;
      else if (op === 'add') copy[`x${pick % 5}`] = value;
      else if (op === 'retag') copy[tagKey] = tag;
      else copy[pick % 2 ? 'reply_id' : 'response_id'] = ['r1', 'r2', null, 7][pick % 4];
      return JSON.stringify(copy);
    });
}

/** A text frame cut short, or with a few characters replaced: mostly not JSON any more. */
function splicedText(texts: string[]) {
  return fc
    .record({
      text: fc.constantFrom(...texts),
      at: fc.nat(),
      insert: fc.string({ maxLength: 4 }),
      cut: fc.boolean(),
    })
    .map(({ text, at, insert, cut }) => {
      const i = at % (text.length + 1);
      return cut ? text.slice(0, i) : `${text.slice(0, i)}${insert}${text.slice(i + insert.length)}`;
    });
}

function frameArbitrary(script: DialectScript): fc.Arbitrary<Frame> {
  const clean = cleanFrames(script);
  const texts = clean.filter((f): f is string => typeof f === 'string');
  const messages = texts.map((t) => parse(t) as Record<string, unknown>);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...clean), weight: 3 },
    { arbitrary: mutatedMessage(messages, TAG_KEYS[script.dialect.name] as string), weight: 4 },
    { arbitrary: splicedText(texts), weight: 2 },
    {
      arbitrary: fc.oneof(
        fc.string({ maxLength: 64 }),
        anyJson.map((v) => JSON.stringify(v)),
      ),
      weight: 1,
    },
    { arbitrary: fc.uint8Array({ maxLength: 256 }), weight: 1 },
  );
}

interface Run {
  /** How much of a clean reply the server sent before the fuzz frames. */
  prefix: number;
  frames: Frame[];
  recover: 'timeout' | 'interrupt';
}

/** One run on a fresh session; counts what the session emitted by code into `seen`. */
function fuzzRun(rig: SessionRig, run: Run, index: number, seen: Map<string, number>) {
  const failures: unknown[] = [];
  const h = startSession(rig);
  h.actor.subscribe({ error: (error) => failures.push(error) });
  try {
    h.ready();
    h.sendAudio();
    h.server(...rig.script.reply({ user: 'first', words: ['x', 'y'] }).slice(0, run.prefix));
    for (const frame of run.frames) {
      try {
        h.server(frame);
      } catch (error) {
        failures.push(error);
      }
    }
    // An action that threw would have stopped the actor for good: checking once at the end suffices.
    expect(h.actor.getSnapshot().status).toBe('active');
    expect(failures).toEqual([]);
    // The turn in progress ends: by the watchdog, or by the user.
    if (run.recover === 'timeout') vi.advanceTimersByTime(REPLY_TIMEOUT_MS);
    else if (h.state() !== 'ready') h.send({ type: 'interrupt' });
    expect(h.state()).toBe('ready');
    // A new turn works.
    const user = `question ${index}`;
    h.sendAudio();
    expect(h.state()).toMatch(/^processing/);
    h.server(...rig.script.reply({ user, words: ['fin', 'al'] }));
    expect(h.state()).toBe('ready');
    expect(h.turns().at(-1)).toMatchObject({ user, agent: 'final', failed: null, interrupted: false });
    expect(failures).toEqual([]);
    for (const e of h.emitted) {
      const key = 'error' in e ? e.error.code : e.type;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  } finally {
    h.actor.stop();
    vi.clearAllTimers();
  }
}

describe('fuzz: random and mutated server frames', () => {
  test.each(SCRIPTS.map((s) => [s.dialect.name, s] as const))('%s: 10,000 frames', (_, script) => {
    const rig = sessionRig({ dialect: script.dialect, replyTimeoutMs: REPLY_TIMEOUT_MS, maxTurns: 4 });
    const replyLength = script.reply({ user: 'first', words: ['x', 'y'] }).length;
    const runs = fc.sample(
      fc.record({
        prefix: fc.nat({ max: replyLength }),
        frames: fc.array(frameArbitrary(script), { minLength: FRAMES_PER_RUN, maxLength: FRAMES_PER_RUN }),
        recover: fc.constantFrom('timeout', 'interrupt'),
      }),
      { seed: SEED, numRuns: RUNS },
    ) as Run[];
    const seen = new Map<string, number>();
    runs.forEach((run, i) => {
      fuzzRun(rig, run, i, seen);
    });
    expect(runs.reduce((n, r) => n + r.frames.length, 0)).toBe(10_000);
    const counts = [...seen].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`);
    console.log(`${script.dialect.name}: ${counts.join(', ')}`);
  });
});
