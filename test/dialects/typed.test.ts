import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../src/dialects/codec.ts';
import { clientMessage, serverMessage, typed } from '../../src/dialects/typed.ts';
import type { ServerEvent } from '../../src/dialects/types.ts';
import { b64, events, expectClientRoundTrip, expectError, fuzz, mp3, wav } from './support.ts';

const json = (message: object) => JSON.stringify(message);
const opus = Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 9, 8, 7]);
const pcm = Uint8Array.from({ length: 32 }, (_, i) => i);
const envelope = { timestamp: '2025-01-01T12:00:00.000Z', session_id: 's1' };
const seedFormat = { sample_rate: 16000, channels: 1, bit_depth: 16, codec: 'opus', duration_ms: 250 };

/** The client's JSON frames carry the seed's `timestamp`: an ISO date, taken when encoded. */
function stamp(frame: string, before: number): string {
  const { timestamp } = JSON.parse(frame) as { timestamp: string };
  const at = Date.parse(timestamp);
  expect(new Date(at).toISOString()).toBe(timestamp);
  expect(at).toBeGreaterThanOrEqual(before);
  expect(at).toBeLessThanOrEqual(Date.now());
  return timestamp;
}

/** Seed 002's message types from the server, in the seed's envelope. */
const seedMessages: [object, ServerEvent[]][] = [
  [{ type: 'heartbeat', ...envelope }, []],
  [{ type: 'speech_started', ...envelope }, [{ type: 'server.speech', state: 'started' }]],
  [{ type: 'speech_final', ...envelope }, [{ type: 'server.speech', state: 'ended' }]],
  [
    { type: 'stt_result', data: 'what is the capital of France', ...envelope },
    [{ type: 'server.transcript', text: 'what is the capital of France', final: true }],
  ],
  [{ type: 'error', data: 'VAD failed', ...envelope }, [{ type: 'server.error', message: 'VAD failed' }]],
  [
    {
      type: 'audio_chunk',
      data: b64(opus),
      is_final: false,
      chunk_index: 3,
      format: seedFormat,
      ...envelope,
    },
    [
      {
        type: 'server.audio',
        audio: opus,
        mimeType: 'audio/webm;codecs=opus',
        sampleRate: 16000,
        whole: false,
      },
    ],
  ],
];

describe('seeds 002/003', () => {
  test.each(seedMessages)('%j', (message, expected) => {
    expect(events(typed.decode(json(message)))).toEqual(expected);
    expect(v.is(serverMessage, message)).toBe(true);
  });

  test('offers both sub-protocols and streams 250 ms WebM/Opus at 16 kHz mono', () => {
    expect(typed.protocols).toEqual(['binary', 'stream-audio']);
    expect(typed.capture).toEqual({ mimeType: 'audio/webm;codecs=opus', sampleRate: 16_000, frameMs: 250 });
    expect(typed.transport).toBe('stream');
    expect(typed.handshake).toBe(false);
  });

  test('client audio goes as binary frames', () => {
    expect(typed.encode({ type: 'audio.frame', audio: opus })).toEqual([opus]);
    const clip = wav(20_000);
    const frames = typed.encode({ type: 'audio', audio: clip, mimeType: 'audio/wav' }) as Uint8Array[];
    expect(frames).toHaveLength(2);
    expect(b64(Buffer.concat(frames))).toBe(b64(clip));
  });

  test('heartbeat: {type:"heartbeat", timestamp} every 30 s, and the echo is the pong', () => {
    const before = Date.now();
    const ping = typed.heartbeat.ping?.() as string;
    expect(ping).toBe(json({ type: 'heartbeat', timestamp: stamp(ping, before) }));
    expect(typed.heartbeat.intervalMs).toBe(30_000);
    expect(typed.heartbeat.isPong?.(json({ type: 'heartbeat', ...envelope }))).toBe(true);
    expect(typed.heartbeat.isPong?.(json({ type: 'stt_result', data: 'heartbeat' }))).toBe(false);
    expect(typed.heartbeat.reply).toBeUndefined();
  });

  test('stt_result data may be {text, is_final}', () => {
    const interim = { type: 'stt_result', data: { text: 'what is', is_final: false } };
    expect(events(typed.decode(json(interim)))).toEqual([
      { type: 'server.transcript', text: 'what is', final: false },
    ]);
  });

  test('error data may be {message, code}', () => {
    const error = { type: 'error', data: { message: 'ffmpeg died', code: 'audio' } };
    expect(events(typed.decode(json(error)))).toEqual([
      { type: 'server.error', message: 'ffmpeg died', code: 'audio' },
    ]);
  });
});

describe('extensions', () => {
  test('audio_end ends the turn and interrupt stops the reply, with the seed timestamp', () => {
    const before = Date.now();
    const [end] = typed.encode({ type: 'audio.end' }) as string[];
    expect(end).toBe(json({ type: 'audio_end', timestamp: stamp(end as string, before) }));
    const [stop] = typed.encode({ type: 'interrupt', replyId: 'r4' }) as string[];
    expect(stop).toBe(json({ type: 'interrupt', timestamp: stamp(stop as string, before), reply_id: 'r4' }));
    const [bare] = typed.encode({ type: 'interrupt' }) as string[];
    expect(bare).toBe(json({ type: 'interrupt', timestamp: stamp(bare as string, before) }));
  });

  test('init has no frame', () => {
    expect(typed.encode({ type: 'init', threadId: 't' })).toEqual([]);
  });

  const replies: [object | Uint8Array, ServerEvent[]][] = [
    [pcm, [{ type: 'server.audio', audio: pcm, mimeType: 'audio/pcm', sampleRate: 16000, whole: false }]],
    [
      { type: 'reply_token', data: { text: 'Paris' }, reply_id: 'r4' },
      [{ type: 'server.token', text: 'Paris', replyId: 'r4' }],
    ],
    [{ type: 'reply_token', data: ' is' }, [{ type: 'server.token', text: ' is' }]],
    [{ type: 'reply_text', data: { text: 'Paris is.' } }, [{ type: 'server.reply', text: 'Paris is.' }]],
    [{ type: 'reply_done', data: { duration_ms: 1200 } }, [{ type: 'server.done', durationMs: 1200 }]],
    [{ type: 'reply_done', reply_id: 'r4' }, [{ type: 'server.done', replyId: 'r4' }]],
    [
      { type: 'audio_chunk', data: b64(pcm), format: { codec: 'pcm', sample_rate: 24000 }, reply_id: 'r4' },
      [
        {
          type: 'server.audio',
          audio: pcm,
          mimeType: 'audio/pcm',
          sampleRate: 24000,
          whole: false,
          replyId: 'r4',
        },
      ],
    ],
    [
      { type: 'audio_chunk', data: b64(mp3()), format: { codec: 'mp3' } },
      [{ type: 'server.audio', audio: mp3(), mimeType: 'audio/mpeg', whole: false }],
    ],
  ];

  test.each(replies)('%j', (message, expected) => {
    const frame = message instanceof Uint8Array ? message : json(message);
    expect(events(typed.decode(frame))).toEqual(expected);
    expect(v.is(serverMessage, message)).toBe(true);
  });
});

describe('bad input', () => {
  const cases: [string, string | Uint8Array, string, ...string[]][] = [
    ['malformed JSON', '{"type":"heartbeat",}', 'dialect.json'],
    ['no type', '{"data":"x"}', 'dialect.invalid', 'has no "type" field'],
    ['an unknown type', '{"type":"speech_ended"}', 'dialect.unknown', 'unknown type "speech_ended"'],
    ['stt_result without data', '{"type":"stt_result"}', 'dialect.invalid', 'stt_result.data is missing'],
    ['stt_result with numeric data', '{"type":"stt_result","data":42}', 'dialect.invalid', 'stt_result.data'],
    [
      'audio_chunk without format',
      json({ type: 'audio_chunk', data: b64(pcm) }),
      'dialect.invalid',
      'audio_chunk.format',
    ],
    [
      'audio_chunk with an unknown codec',
      json({ type: 'audio_chunk', data: '', format: { codec: 'aac' } }),
      'dialect.invalid',
      'audio_chunk.format.codec',
    ],
    [
      'PCM audio_chunk without its rate',
      json({ type: 'audio_chunk', data: b64(pcm), format: { codec: 'pcm' } }),
      'dialect.invalid',
      'audio_chunk.sample_rate is missing',
    ],
    [
      'invalid base64 in audio_chunk',
      json({ type: 'audio_chunk', data: 'AAAA=AAA', format: seedFormat }),
      'dialect.base64',
      'audio_chunk.data is not valid base64',
    ],
    [
      'MP3 announced, WAV sent',
      json({ type: 'audio_chunk', data: b64(wav()), format: { codec: 'mp3' } }),
      'dialect.audio',
      'audio_chunk.data announced as mp3',
    ],
    [
      'a binary frame of an odd length',
      new Uint8Array(5),
      'dialect.audio',
      'binary frame.audio',
      'odd length',
    ],
    [
      'a 10 MB token',
      json({ type: 'reply_token', data: { text: 'x'.repeat(10_000_000) } }),
      'dialect.too_large',
      'reply_token.data.text',
    ],
  ];

  test.each(cases)('%s', (_name, frame, code, ...fragments) => {
    expectError(typed, typed.decode(frame), code, ...fragments);
  });
});

test('client frames round-trip through the exported client schema', () => {
  expectClientRoundTrip(typed, [
    { type: 'audio.frame', audio: opus },
    { type: 'audio', audio: wav(20_000), mimeType: 'audio/wav' },
    { type: 'audio.end' },
    { type: 'interrupt' },
    { type: 'interrupt', replyId: 'r1' },
  ]);
  expect(v.is(clientMessage, JSON.parse(typed.heartbeat.ping?.() as string))).toBe(true);
  const seedChunk = {
    type: 'audio_chunk',
    data: b64(opus),
    is_final: true,
    chunk_index: 0,
    format: seedFormat,
    ...envelope,
  };
  expect(v.is(clientMessage, seedChunk)).toBe(true);
  expect(v.is(clientMessage, { type: 'heartbeat' })).toBe(false);
});

test('fuzz: 10,000 random and mutated frames never throw', () => {
  const samples = [...seedMessages.map(([m]) => json(m)), ...replies().map((m) => json(m)), pcm];
  const outcomes = fuzz(typed, samples);
  for (const outcome of ['events', 'dialect.json', 'dialect.invalid', 'dialect.unknown', 'dialect.audio']) {
    expect(outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(50);
  }
});

function replies(): object[] {
  return [
    { type: 'reply_token', data: { text: 'Paris' }, reply_id: 'r4' },
    { type: 'reply_text', data: 'Paris.' },
    { type: 'reply_done', data: { duration_ms: 1 } },
    { type: 'audio_chunk', data: b64(wav()), format: { codec: 'wav' } },
  ];
}
