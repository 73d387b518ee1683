import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { CLIP_FRAME_BYTES } from '../../src/dialects/codec.ts';
import { clientMessage, serverMessage, status } from '../../src/dialects/status.ts';
import type { ServerEvent } from '../../src/dialects/types.ts';
import { b64, events, expectClientRoundTrip, expectError, fuzz, mp3, wav } from './support.ts';

const json = (message: object) => JSON.stringify(message);
const webm = Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4]);
const pcm = Uint8Array.from({ length: 32 }, (_, i) => i);

/** Seed 001's server messages, verbatim. */
const seedMessages: [string, object, ServerEvent][] = [
  [
    'connection confirmation',
    {
      status: 'connected',
      session_id: 'uuid-string',
      config: { sample_rate: 44100, channels: 1, sample_width: 2, max_message_size: 1048576 },
    },
    { type: 'server.ready', sessionId: 'uuid-string', sampleRate: 44100, maxMessageBytes: 1048576 },
  ],
  ['chunk acknowledgment', { status: 'chunk_received' }, { type: 'server.ack' }],
  [
    'error message',
    { status: 'error', message: 'error description' },
    { type: 'server.error', message: 'error description' },
  ],
];

describe('seed 001', () => {
  test.each(seedMessages)('%s', (_name, message, event) => {
    expect(events(status.decode(json(message)))).toEqual([event]);
    expect(v.is(serverMessage, message)).toBe(true);
  });

  test('the server speaks first: a handshake with no init frame', () => {
    expect(status.handshake).toBe(true);
    expect(status.encode({ type: 'init', threadId: 't' })).toEqual([]);
  });

  test('audio goes as binary WebM frames, sent as they are', () => {
    expect(status.encode({ type: 'audio.frame', audio: webm })).toEqual([webm]);
    expect(status.encode({ type: 'audio.frame', audio: new Uint8Array(0) })).toEqual([]);
    expect(status.capture).toEqual({ mimeType: 'audio/webm;codecs=opus', sampleRate: 44_100, frameMs: 100 });
  });

  test('a whole clip goes as binary frames well under the 1 MiB message limit, in order', () => {
    const clip = wav(40_000);
    const frames = status.encode({ type: 'audio', audio: clip, mimeType: 'audio/wav' }) as Uint8Array[];
    expect(frames.map((f) => f.byteLength)).toEqual([
      CLIP_FRAME_BYTES,
      CLIP_FRAME_BYTES,
      clip.byteLength - 2 * CLIP_FRAME_BYTES,
    ]);
    expect(b64(Buffer.concat(frames))).toBe(b64(clip));
  });

  test('no ping in the protocol: the heartbeat has none', () => {
    expect(status.heartbeat.ping).toBeUndefined();
  });

  test('max_message_size and sample_rate are required; channels and sample_width are not', () => {
    const ready = {
      status: 'connected',
      session_id: 's',
      config: { sample_rate: 16000, max_message_size: 65536 },
    };
    expect(events(status.decode(json(ready)))).toEqual([
      { type: 'server.ready', sessionId: 's', sampleRate: 16000, maxMessageBytes: 65536 },
    ]);
  });
});

describe('extensions', () => {
  test('end_of_audio ends the turn; interrupt stops the reply', () => {
    expect(status.encode({ type: 'audio.end' })).toEqual(['{"type":"end_of_audio"}']);
    expect(status.encode({ type: 'interrupt' })).toEqual(['{"type":"interrupt"}']);
    expect(status.encode({ type: 'interrupt', replyId: 'r3' })).toEqual([
      '{"type":"interrupt","reply_id":"r3"}',
    ]);
  });

  const replies: [object, ServerEvent][] = [
    [
      { status: 'transcript', text: 'hello', is_final: false },
      { type: 'server.transcript', text: 'hello', final: false },
    ],
    [
      { status: 'transcript', text: 'hello' },
      { type: 'server.transcript', text: 'hello', final: true },
    ],
    [
      { status: 'token', text: 'Hi', reply_id: 'r3' },
      { type: 'server.token', text: 'Hi', replyId: 'r3' },
    ],
    [
      { status: 'audio', audio: b64(pcm), format: 'pcm_s16le', sample_rate: 22050 },
      { type: 'server.audio', audio: pcm, mimeType: 'audio/pcm', sampleRate: 22050, whole: false },
    ],
    [
      { status: 'audio', audio: b64(mp3()), format: 'mp3', reply_id: 'r3' },
      { type: 'server.audio', audio: mp3(), mimeType: 'audio/mpeg', whole: false, replyId: 'r3' },
    ],
    [
      { status: 'done', duration_ms: 950 },
      { type: 'server.done', durationMs: 950 },
    ],
    [
      { status: 'error', message: 'busy', reply_id: 'r3' },
      { type: 'server.error', message: 'busy', replyId: 'r3' },
    ],
  ];

  test.each(replies)('%j', (message, event) => {
    expect(events(status.decode(json(message)))).toEqual([event]);
    expect(v.is(serverMessage, message)).toBe(true);
  });
});

describe('bad input', () => {
  const cases: [string, string | Uint8Array, string, ...string[]][] = [
    ['a binary frame from the server', new Uint8Array([1, 2]), 'dialect.frame', 'binary frame (2 bytes)'],
    ['malformed JSON', '{"status":"connected"', 'dialect.json'],
    ['no status', '{"message":"x"}', 'dialect.invalid', 'has no "status" field'],
    ['an unknown status', '{"status":"chunk_recieved"}', 'dialect.unknown', '"chunk_recieved"'],
    [
      'connected without config',
      '{"status":"connected","session_id":"s"}',
      'dialect.invalid',
      'connected.config is missing',
    ],
    [
      'a max_message_size that is not a number',
      json({ status: 'connected', session_id: 's', config: { sample_rate: 44100, max_message_size: '1MB' } }),
      'dialect.invalid',
      'connected.config.max_message_size',
    ],
    [
      'a zero sample rate',
      json({ status: 'connected', session_id: 's', config: { sample_rate: 0, max_message_size: 1 } }),
      'dialect.invalid',
      'connected.config.sample_rate',
    ],
    ['an error without message', '{"status":"error"}', 'dialect.invalid', 'error.message is missing'],
    ['invalid base64', '{"status":"audio","audio":"%%%%","format":"wav"}', 'dialect.base64', 'audio.audio'],
    [
      'WAV announced but not WAV',
      json({ status: 'audio', audio: b64(webm), format: 'wav' }),
      'dialect.audio',
      'not a WAV file',
    ],
    [
      'a 10 MB token',
      json({ status: 'token', text: 'x'.repeat(10_000_000) }),
      'dialect.too_large',
      'token.text',
    ],
  ];

  test.each(cases)('%s', (_name, frame, code, ...fragments) => {
    expectError(status, status.decode(frame), code, ...fragments);
  });
});

test('client frames round-trip through the exported client schema', () => {
  expectClientRoundTrip(status, [
    { type: 'audio.frame', audio: webm },
    { type: 'audio', audio: wav(20_000), mimeType: 'audio/wav' },
    { type: 'audio.end' },
    { type: 'interrupt', replyId: 'r1' },
  ]);
  expect(v.is(clientMessage, new Uint8Array(0))).toBe(false);
  expect(v.is(clientMessage, { type: 'end' })).toBe(false);
});

test('fuzz: 10,000 random and mutated frames never throw', () => {
  const samples = [
    ...seedMessages.map(([, m]) => json(m)),
    json({ status: 'transcript', text: 'hello', is_final: true }),
    json({ status: 'audio', audio: b64(wav()), format: 'wav', reply_id: 'r' }),
    json({ status: 'done', duration_ms: 1 }),
  ];
  const outcomes = fuzz(status, samples);
  for (const outcome of ['events', 'dialect.json', 'dialect.invalid', 'dialect.unknown', 'dialect.frame']) {
    expect(outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(50);
  }
});
