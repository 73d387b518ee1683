import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { base64ToBytes } from '../../src/dialects/codec.ts';
import { clientMessage, messageType, serverMessage } from '../../src/dialects/messageType.ts';
import type { ServerEvent } from '../../src/dialects/types.ts';
import { b64, events, expectClientRoundTrip, expectError, fuzz, mp3, wav } from './support.ts';

const json = (message: object) => JSON.stringify(message);
const pcm = Uint8Array.from({ length: 32 }, (_, i) => i);
const file = wav(8);

describe("seed 000's message set", () => {
  test('ping/pong: the client pings, recognises the pong and answers a server ping', () => {
    const { ping, isPong, reply } = messageType.heartbeat;
    expect(ping?.()).toBe('{"message_type":"ping"}');
    expect(isPong?.('{"message_type":"pong"}')).toBe(true);
    expect(isPong?.('{"message_type":"ping"}')).toBe(false);
    expect(reply?.('{"message_type":"ping"}')).toBe('{"message_type":"pong"}');
    expect(reply?.('{"message_type":"pong"}')).toBeNull();
    expect(reply?.('{"message_type":"response_token","text":"ping"}')).toBeNull();
  });

  test('25 s ping interval and 10 s pong timeout, as the seed configures them', () => {
    expect(messageType.heartbeat).toMatchObject({ intervalMs: 25_000, timeoutMs: 10_000 });
  });

  test('barge-in sends {"message_type":"stop_audio"}', () => {
    expect(messageType.encode({ type: 'interrupt' })).toEqual(['{"message_type":"stop_audio"}']);
  });

  test('pings and pongs reaching decode mean nothing; the exported schema accepts them', () => {
    for (const frame of ['{"message_type":"ping"}', '{"message_type":"pong"}']) {
      expect(events(messageType.decode(frame))).toEqual([]);
      expect(v.is(serverMessage, JSON.parse(frame))).toBe(true);
    }
  });

  test('a message type the client does not know is reported, not dropped silently', () => {
    expectError(
      messageType,
      messageType.decode('{"message_type":"test","data":"hello"}'),
      'dialect.unknown',
      '"test"',
    );
  });
});

describe('extensions: client', () => {
  test('a live frame is a base64 PCM audio_chunk at 16 kHz', () => {
    expect(messageType.encode({ type: 'audio.frame', audio: pcm })).toEqual([
      `{"message_type":"audio_chunk","audio":"${b64(pcm)}","format":"pcm_s16le","sample_rate":16000}`,
    ]);
  });

  test('audio_end ends the turn', () => {
    expect(messageType.encode({ type: 'audio.end' })).toEqual(['{"message_type":"audio_end"}']);
  });

  test('stop_audio may name the reply it interrupts', () => {
    expect(messageType.encode({ type: 'interrupt', replyId: 'r2' })).toEqual([
      '{"message_type":"stop_audio","response_id":"r2"}',
    ]);
  });

  test('a whole clip is cut into audio_chunks of at most 24 KiB that join back into the clip', () => {
    const clip = wav(30_000);
    const frames = messageType.encode({ type: 'audio', audio: clip, mimeType: 'audio/wav' });
    expect(frames).toHaveLength(3);
    const messages = frames.map((f) => JSON.parse(f as string));
    for (const m of messages) expect(m).toMatchObject({ message_type: 'audio_chunk', format: 'wav' });
    expect(messages.some((m) => 'sample_rate' in m)).toBe(false);
    expect(b64(Buffer.concat(messages.map((m) => base64ToBytes(m.audio))))).toBe(b64(clip));
  });

  test('formats are named from MIME types; an unknown one is passed as given', () => {
    const format = (mimeType: string) =>
      JSON.parse(messageType.encode({ type: 'audio', audio: pcm, mimeType })[0] as string).format;
    expect(format('audio/webm;codecs=opus')).toBe('webm');
    expect(format('audio/ogg')).toBe('ogg');
    expect(format('audio/mpeg')).toBe('mp3');
    expect(format('audio/pcm')).toBe('pcm_s16le');
    expect(format('audio/flac')).toBe('audio/flac');
  });

  test('an empty clip sends no chunk', () => {
    expect(messageType.encode({ type: 'audio', audio: new Uint8Array(0), mimeType: 'audio/wav' })).toEqual(
      [],
    );
  });
});

describe('extensions: server', () => {
  const cases: [object, ServerEvent][] = [
    [
      { message_type: 'transcript', text: 'hel', is_final: false },
      { type: 'server.transcript', text: 'hel', final: false },
    ],
    [
      { message_type: 'transcript', text: 'hello' },
      { type: 'server.transcript', text: 'hello', final: true },
    ],
    [
      { message_type: 'response_token', text: 'Hi', response_id: 'r1' },
      { type: 'server.token', text: 'Hi', replyId: 'r1' },
    ],
    [
      {
        message_type: 'audio_chunk',
        audio: b64(pcm),
        format: 'pcm_s16le',
        sample_rate: 24_000,
        response_id: 'r1',
      },
      {
        type: 'server.audio',
        audio: pcm,
        mimeType: 'audio/pcm',
        sampleRate: 24_000,
        whole: false,
        replyId: 'r1',
      },
    ],
    [
      { message_type: 'audio_chunk', audio: b64(file), format: 'wav' },
      { type: 'server.audio', audio: file, mimeType: 'audio/wav', whole: false },
    ],
    [
      { message_type: 'audio_chunk', audio: b64(mp3()), format: 'mp3', sample_rate: null },
      { type: 'server.audio', audio: mp3(), mimeType: 'audio/mpeg', whole: false },
    ],
    [
      { message_type: 'response_done', response_id: 'r1', duration_ms: 812 },
      { type: 'server.done', durationMs: 812, replyId: 'r1' },
    ],
    [{ message_type: 'response_done' }, { type: 'server.done' }],
    [
      { message_type: 'error', message: 'TTS failed', code: 'tts' },
      { type: 'server.error', message: 'TTS failed', code: 'tts' },
    ],
  ];

  test.each(cases)('%j', (message, event) => {
    expect(events(messageType.decode(json(message)))).toEqual([event]);
    expect(v.is(serverMessage, message)).toBe(true);
  });
});

describe('bad input', () => {
  const cases: [string, string | Uint8Array, string, ...string[]][] = [
    ['malformed JSON', '{"message_type":', 'dialect.json'],
    ['no message_type', '{"text":"a"}', 'dialect.invalid', 'has no "message_type" field'],
    [
      'an unknown message_type',
      '{"message_type":"audio"}',
      'dialect.unknown',
      'unknown message_type "audio"',
    ],
    [
      'a missing field',
      '{"message_type":"response_token"}',
      'dialect.invalid',
      'response_token.text is missing',
    ],
    [
      'a mistyped flag',
      '{"message_type":"transcript","text":"a","is_final":"yes"}',
      'dialect.invalid',
      'is_final',
    ],
    [
      'PCM without its sample rate',
      json({ message_type: 'audio_chunk', audio: b64(pcm), format: 'pcm_s16le' }),
      'dialect.invalid',
      'audio_chunk.sample_rate is missing',
    ],
    [
      'PCM of an odd length',
      json({
        message_type: 'audio_chunk',
        audio: b64(pcm.subarray(0, 3)),
        format: 'pcm_s16le',
        sample_rate: 16000,
      }),
      'dialect.audio',
      'odd length (3 bytes)',
    ],
    [
      'a sample rate that is not a rate',
      json({ message_type: 'audio_chunk', audio: '', format: 'pcm_s16le', sample_rate: 16.5 }),
      'dialect.invalid',
      'audio_chunk.sample_rate',
    ],
    [
      'an unknown server format',
      '{"message_type":"audio_chunk","audio":"","format":"webm"}',
      'dialect.invalid',
    ],
    [
      'invalid base64',
      '{"message_type":"audio_chunk","audio":"AA AAAAA","format":"wav"}',
      'dialect.base64',
      'audio_chunk.audio',
      '" " at position 2',
    ],
    ['a binary frame', new Uint8Array(8), 'dialect.frame'],
    [
      'a 10 MB token',
      json({ message_type: 'response_token', text: 'x'.repeat(10_000_000) }),
      'dialect.too_large',
      'response_token.text',
    ],
  ];

  test.each(cases)('%s', (_name, frame, code, ...fragments) => {
    expectError(messageType, messageType.decode(frame), code, ...fragments);
  });
});

test('client frames round-trip through the exported client schema', () => {
  expectClientRoundTrip(messageType, [
    { type: 'audio.frame', audio: pcm },
    { type: 'audio', audio: wav(20_000), mimeType: 'audio/wav' },
    { type: 'audio.end' },
    { type: 'interrupt' },
    { type: 'interrupt', replyId: 'r9' },
  ]);
  for (const frame of [
    messageType.heartbeat.ping?.(),
    messageType.heartbeat.reply?.('{"message_type":"ping"}'),
  ]) {
    expect(v.is(clientMessage, JSON.parse(frame as string))).toBe(true);
  }
});

test('fuzz: 10,000 random and mutated frames never throw', () => {
  const samples = [
    ...cases().map((m) => json(m)),
    '{"message_type":"ping"}',
    json({ message_type: 'audio_chunk', audio: b64(pcm), format: 'pcm_s16le', sample_rate: 16000 }),
  ];
  const outcomes = fuzz(messageType, samples);
  for (const outcome of ['events', 'dialect.json', 'dialect.invalid', 'dialect.unknown', 'dialect.frame']) {
    expect(outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(50);
  }
});

function cases(): object[] {
  return [
    { message_type: 'transcript', text: 'hello', is_final: true },
    { message_type: 'response_token', text: 'Hi', response_id: 'r1' },
    { message_type: 'audio_chunk', audio: b64(file), format: 'wav', response_id: 'r1' },
    { message_type: 'response_done', duration_ms: 5 },
    { message_type: 'error', message: 'x', code: 'y' },
  ];
}
