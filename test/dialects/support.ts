import { Buffer } from 'node:buffer';
import * as fc from 'fast-check';
import * as v from 'valibot';
import { expect } from 'vitest';
import type { Frame } from '../../machines/frames.ts';
import type { ClientIntent, Dialect, ServerEvent } from '../../src/dialects/types.ts';
import { VoxError } from '../../src/errors.ts';

/** Node's Buffer is the independent oracle for base64 in tests (the codec must not use it). */
export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A minimal valid WAV file (44-byte header) around `samples` 16-bit samples. */
export function wav(samples = 4): Uint8Array {
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const put = (at: number, text: string) => bytes.set(Buffer.from(text, 'ascii'), at);
  put(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  put(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 16_000, true);
  view.setUint32(28, 32_000, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples * 2; i++) bytes[44 + i] = i & 255;
  return bytes;
}

/** An MP3 file as far as its signature goes: an ID3v2 tag header. */
export const mp3 = () => Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0xff, 0xfb]);

/** Every ServerEvent the session may receive, exactly as types.ts defines them. */
const replyId = v.optional(v.string());
const serverEvent = v.variant('type', [
  v.strictObject({
    type: v.literal('server.ready'),
    threadId: v.optional(v.string()),
    kbId: v.optional(v.string()),
    sessionId: v.optional(v.string()),
    sampleRate: v.optional(v.number()),
    maxMessageBytes: v.optional(v.number()),
  }),
  v.strictObject({
    type: v.literal('server.stage'),
    stage: v.picklist(['transcribing', 'thinking', 'synthesizing']),
    replyId,
  }),
  v.strictObject({ type: v.literal('server.transcript'), text: v.string(), final: v.boolean(), replyId }),
  v.strictObject({ type: v.literal('server.token'), text: v.string(), replyId }),
  v.strictObject({ type: v.literal('server.reply'), text: v.string(), replyId }),
  v.strictObject({
    type: v.literal('server.audio'),
    audio: v.instance(Uint8Array),
    mimeType: v.string(),
    sampleRate: v.optional(v.number()),
    whole: v.boolean(),
    replyId,
  }),
  v.strictObject({ type: v.literal('server.done'), durationMs: v.optional(v.number()), replyId }),
  v.strictObject({
    type: v.literal('server.error'),
    message: v.string(),
    code: v.optional(v.string()),
    replyId,
  }),
  v.strictObject({ type: v.literal('server.speech'), state: v.picklist(['started', 'ended']) }),
  v.strictObject({ type: v.literal('server.ack') }),
]);

export function events(result: ServerEvent[] | VoxError): ServerEvent[] {
  if (result instanceof VoxError) throw new Error(`expected events, got ${result.code}: ${result.message}`);
  for (const event of result) v.parse(serverEvent, event);
  return result;
}

/** The result is a dialect error with `code` whose message names the dialect and holds `fragments`. */
export function expectError(
  dialect: Dialect,
  result: ServerEvent[] | VoxError,
  code: string,
  ...fragments: string[]
): VoxError {
  expect(result).toBeInstanceOf(VoxError);
  const error = result as VoxError;
  expect({ source: error.source, code: error.code }).toEqual({ source: 'dialect', code });
  expect(error.message.startsWith(`${dialect.name}: `)).toBe(true);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  expect(error.details.dialect).toBe(dialect.name);
  return error;
}

/**
 * Every frame an intent encodes to is accepted by the exported client schema, and a JSON frame
 * survives parse -> schema -> stringify unchanged (the schema drops and alters nothing we send).
 */
export function expectClientRoundTrip(dialect: Dialect, intents: ClientIntent[]): void {
  for (const intent of intents) {
    for (const frame of dialect.encode(intent)) {
      if (typeof frame === 'string') {
        const parsed = v.parse(dialect.schemas.client, JSON.parse(frame));
        expect(JSON.stringify(parsed)).toBe(frame);
      } else {
        expect(v.parse(dialect.schemas.client, frame)).toBe(frame);
      }
    }
  }
}

const ERROR_CODES = [
  'dialect.json',
  'dialect.unknown',
  'dialect.invalid',
  'dialect.base64',
  'dialect.audio',
  'dialect.frame',
  'dialect.too_large',
];

function mutations(samples: Frame[]): fc.Arbitrary<Frame> {
  const text = samples.filter((s): s is string => typeof s === 'string');
  const objects = text.map((s) => JSON.parse(s) as Record<string, unknown>);
  const bytes = samples.filter((s): s is Uint8Array => typeof s !== 'string');
  const json = fc.oneof(fc.jsonValue(), fc.string(), fc.constant(null), fc.integer(), fc.boolean());
  const field = (o: Record<string, unknown>) => fc.constantFrom(...Object.keys(o), 'extra');
  const changed = fc
    .constantFrom(...objects)
    .chain((o) =>
      fc.oneof(
        field(o).map((k) => {
          const { [k]: _, ...rest } = o;
          return rest;
        }),
        fc.tuple(field(o), json).map(([k, value]) => ({ ...o, [k]: value })),
        fc.tuple(field(o), json).map(([k, value]) => ({ ...o, [k]: { nested: value } })),
      ),
    )
    .map((o) => JSON.stringify(o));
  const spliced = fc
    .tuple(fc.constantFrom(...text), fc.nat(), fc.nat(), fc.string({ maxLength: 4 }))
    .map(([s, at, cut, insert]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + insert + s.slice(i + (cut % 4));
    });
  const arbitraries: fc.Arbitrary<Frame>[] = [
    changed,
    changed,
    spliced,
    fc.string(),
    fc.jsonValue().map((j) => JSON.stringify(j) ?? 'null'),
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom(...samples),
  ];
  if (bytes.length > 0) {
    const sliced = fc
      .tuple(fc.constantFrom(...bytes), fc.nat())
      .map(([b, n]) => b.subarray(0, n % (b.length + 1)));
    arbitraries.push(sliced);
  }
  return fc.oneof(...arbitraries);
}

/**
 * 10,000 random and mutated frames: decode never throws, returns valid ServerEvents or a dialect
 * error with a known code, and agrees with the exported server schema about what is well-formed.
 * Returns how often each outcome occurred, so a test can check both paths were exercised.
 */
export function fuzz(dialect: Dialect, samples: Frame[], runs = 10_000): Map<string, number> {
  const outcomes = new Map<string, number>();
  const shapeErrors = ['dialect.invalid', 'dialect.unknown', 'dialect.too_large', 'dialect.frame'];
  // Plain checks, not expect(): this runs 10,000 times per dialect.
  const check = (ok: boolean, what: string, frame: Frame) => {
    if (!ok) throw new Error(`${what}: ${String(frame).slice(0, 200)}`);
  };
  fc.assert(
    fc.property(mutations(samples), (frame) => {
      const result = dialect.decode(frame);
      const outcome = result instanceof VoxError ? result.code : 'events';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (result instanceof VoxError) {
        check(ERROR_CODES.includes(result.code), `unexpected code ${result.code}`, frame);
        check(result.message.startsWith(`${dialect.name}: `), 'message without the dialect', frame);
      } else {
        check(Array.isArray(result), 'neither events nor an error', frame);
        for (const event of result) check(v.is(serverEvent, event), 'not a ServerEvent', frame);
      }
      const parsed = typeof frame === 'string' ? safeJson(frame) : frame;
      // Raw PCM without its rate passes the schema; only the decoder knows the format needs it.
      if (parsed === undefined || (result instanceof VoxError && result.details.field === 'sample_rate'))
        return;
      const refused = result instanceof VoxError && shapeErrors.includes(result.code);
      check(
        v.is(dialect.schemas.server, parsed) === !refused,
        'decode and the server schema disagree',
        frame,
      );
    }),
    { numRuns: runs, seed: 20_240_601 },
  );
  return outcomes;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
