import * as fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  cut,
  isJsonTagged,
  jsonDecoder,
  LIMITS,
  on,
  readClientFrame,
  readJsonObject,
  validate,
} from '../../src/dialects/codec.ts';
import { status } from '../../src/dialects/status.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { VoxError } from '../../src/errors.ts';
import { b64 } from './support.ts';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

describe('base64', () => {
  test('encodes like Node for every length and content (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => bytesToBase64(bytes) === b64(bytes)),
      { numRuns: 2_000, seed: 7 },
    );
  });

  test('decodes what Node encodes, with or without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const padded = b64(bytes);
        return same(base64ToBytes(padded), bytes) && same(base64ToBytes(padded.replace(/=+$/, '')), bytes);
      }),
      { numRuns: 2_000, seed: 8 },
    );
  });

  test('known vectors (RFC 4648 section 10)', () => {
    const vectors = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    const encoded = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
    vectors.forEach((text, i) => {
      const bytes = new TextEncoder().encode(text);
      expect(bytesToBase64(bytes)).toBe(encoded[i]);
      expect(new TextDecoder().decode(base64ToBytes(encoded[i] as string))).toBe(text);
    });
  });

  test('round-trips 16 MiB, the largest frame a dialect accepts, byte for byte', () => {
    const bytes = new Uint8Array(LIMITS.frame);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const text = bytesToBase64(bytes);
    expect(text.length).toBe(Math.ceil(LIMITS.frame / 3) * 4);
    expect(text).toBe(b64(bytes));
    expect(same(base64ToBytes(text), bytes)).toBe(true);
  });

  test('round-trips a view into a larger buffer, not the whole buffer', () => {
    const buffer = Uint8Array.from({ length: 64 }, (_, i) => i);
    const view = buffer.subarray(10, 17);
    expect(bytesToBase64(view)).toBe(b64(Uint8Array.from(view)));
  });

  test('does not need Node’s Buffer', () => {
    const saved = globalThis.Buffer;
    try {
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      expect(Array.from(base64ToBytes(bytesToBase64(Uint8Array.of(0, 255, 128))))).toEqual([0, 255, 128]);
    } finally {
      globalThis.Buffer = saved;
    }
  });

  const invalid: [string, string][] = [
    ['Zm9v!mFy', 'unexpected character "!" at position 4'],
    ['Zm9v YmFy', 'length of 9'],
    ['Zm9v\nYmFy', 'length of 9'],
    ['Zm9vYm\nF', 'unexpected character "\\n" at position 6'],
    ['Zm=vYmFy', 'unexpected character "=" at position 2'],
    ['Zg==Zg==', 'unexpected character "=" at position 2'],
    ['Z===', 'unexpected character "=" at position 1'],
    ['====', 'unexpected character "=" at position 0'],
    ['Zm9vY', 'length of 5'],
    ['Zm9-YmFy', 'unexpected character "-" at position 3'],
    ['Zm9_YmFy', 'unexpected character "_" at position 3'],
    ['Zm9véFy', 'unexpected character "é" at position 4'],
    ['Zm9v😀', 'unexpected character "\\ud83d" at position 4'],
  ];

  test.each(invalid)('refuses %j: %s', (text, message) => {
    expect(() => base64ToBytes(text)).toThrow(RangeError);
    expect(() => base64ToBytes(text)).toThrow(message);
  });

  test('finds a bad character deep inside a large input', () => {
    const text = b64(new Uint8Array(3 * 100_000));
    const broken = `${text.slice(0, 299_997)}*${text.slice(299_998)}`;
    expect(() => base64ToBytes(broken)).toThrow('unexpected character "*" at position 299997');
  });
});

describe('frames', () => {
  test('readJsonObject: objects pass; other JSON, non-JSON and binary frames are errors', () => {
    expect(readJsonObject('d', '{"a":1}')).toEqual({ a: 1 });
    const codes = ['[]', '"x"', '1', 'null', '{', new Uint8Array(1)].map(
      (f) => (readJsonObject('d', f) as VoxError).code,
    );
    expect(codes).toEqual([
      'dialect.invalid',
      'dialect.invalid',
      'dialect.invalid',
      'dialect.invalid',
      'dialect.json',
      'dialect.frame',
    ]);
  });

  test('validate returns the output, or an error that names message and field', () => {
    const schema = v.object({ a: v.object({ b: v.number() }) });
    expect(validate('d', 'm', schema, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
    const error = validate('d', 'm', schema, { a: { b: 'x' } }) as VoxError;
    expect(error.message).toBe('d: m.a.b: expected number, received "x"');
    expect(error.details).toEqual({ dialect: 'd', message: 'm', field: 'a.b' });
  });

  test('isJsonTagged only looks at small JSON frames', () => {
    expect(isJsonTagged('{"t":"pong"}', 't', 'pong')).toBe(true);
    expect(isJsonTagged('{"t":"pong"', 't', 'pong')).toBe(false);
    expect(isJsonTagged('{"u":"pong"}', 't', 'pong')).toBe(false);
    expect(isJsonTagged(`{"t":"pong","pad":"${' '.repeat(1100)}"}`, 't', 'pong')).toBe(false);
    expect(isJsonTagged('null', 't', 'null')).toBe(false);
  });

  test('cut gives views of at most the given size that cover the input', () => {
    const bytes = Uint8Array.from({ length: 10 }, (_, i) => i);
    const parts = cut(bytes, 4);
    expect(parts.map((p) => Array.from(p))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(parts[0]?.buffer).toBe(bytes.buffer);
    expect(cut(new Uint8Array(0))).toEqual([]);
  });

  test('jsonDecoder never throws: a failing handler comes back as dialect.internal', () => {
    const decode = jsonDecoder('d', 't', [
      on(v.object({ t: v.literal('boom') }), () => {
        throw new TypeError('bug');
      }),
    ]);
    const error = decode('{"t":"boom"}') as VoxError;
    expect([error.code, error.message]).toEqual(['dialect.internal', 'd: decoding failed: TypeError: bug']);
  });
});

describe('readClientFrame (for servers)', () => {
  test('gives the client message, or the error a client would get', () => {
    expect(readClientFrame(tutor, '{"action":"ping"}')).toEqual({ action: 'ping' });
    const audio = Uint8Array.of(1, 2);
    expect(readClientFrame(status, audio)).toBe(audio);
    const cases: [Parameters<typeof readClientFrame>[0], string | Uint8Array, string, string][] = [
      [tutor, '{"action":"audio"}', 'dialect.invalid', 'tutor: client frame.data is missing'],
      [tutor, '{"action":"speak"}', 'dialect.invalid', 'tutor: client frame.action: expected ('],
      [tutor, 'hello', 'dialect.json', 'tutor: a frame that is not JSON'],
      [tutor, audio, 'dialect.frame', 'tutor: a binary frame (2 bytes) where a JSON text frame was expected'],
      [
        status,
        new Uint8Array(0),
        'dialect.invalid',
        'status: client frame: an audio frame must not be empty',
      ],
    ];
    for (const [dialect, frame, code, message] of cases) {
      const error = readClientFrame(dialect, frame) as VoxError;
      expect(error.code).toBe(code);
      expect(error.message.startsWith(message), error.message).toBe(true);
    }
  });
});
