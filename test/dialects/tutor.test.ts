import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../src/dialects/codec.ts';
import { clientMessage, serverMessage, tutor } from '../../src/dialects/tutor.ts';
import type { ServerEvent } from '../../src/dialects/types.ts';
import { b64, events, expectClientRoundTrip, expectError, fuzz, mp3, wav } from './support.ts';

const json = (message: object) => JSON.stringify(message);
const speech = wav(8);
const reply = wav(16);

/** Seed 004 section 3.3, normal flow: each server message and the event it becomes. */
const normalFlow: [object, ServerEvent][] = [
  [
    { event: 'initialized', thread_id: 'xxx', kb_id: 'yyy' },
    { type: 'server.ready', threadId: 'xxx', kbId: 'yyy' },
  ],
  [{ event: 'stt_start' }, { type: 'server.stage', stage: 'transcribing' }],
  [
    { event: 'stt_complete', text: 'transcribed text' },
    { type: 'server.transcript', text: 'transcribed text', final: true },
  ],
  [{ event: 'rag_start' }, { type: 'server.stage', stage: 'thinking' }],
  [
    { event: 'rag_token', token: 'Hello' },
    { type: 'server.token', text: 'Hello' },
  ],
  [
    { event: 'rag_token', token: ' world' },
    { type: 'server.token', text: ' world' },
  ],
  [
    { event: 'rag_complete', text: 'Hello world' },
    { type: 'server.reply', text: 'Hello world' },
  ],
  [{ event: 'tts_start' }, { type: 'server.stage', stage: 'synthesizing' }],
  [
    { event: 'tts_complete', audio: b64(reply), format: 'wav' },
    { type: 'server.audio', audio: reply, mimeType: 'audio/wav', whole: true },
  ],
  [
    { event: 'done', duration: 5.23 },
    { type: 'server.done', durationMs: 5230 },
  ],
];

describe('seed 004 section 3.3', () => {
  test('normal flow: the client messages are the exact wire JSON', () => {
    expect(tutor.encode({ type: 'init', threadId: 'xxx' })).toEqual([
      '{"action":"init","thread_id":"xxx","audio_format":"wav"}',
    ]);
    expect(tutor.encode({ type: 'audio', audio: speech, mimeType: 'audio/wav' })).toEqual([
      `{"action":"audio","data":"${b64(speech)}"}`,
    ]);
  });

  test('normal flow: every server message decodes to its event, and the exported schema accepts it', () => {
    for (const [message, event] of normalFlow) {
      expect(events(tutor.decode(json(message)))).toEqual([event]);
      expect(v.is(serverMessage, message)).toBe(true);
    }
  });

  test('error flow: the server error becomes server.error', () => {
    expect(events(tutor.decode('{"event":"error","message":"Invalid audio format"}'))).toEqual([
      { type: 'server.error', message: 'Invalid audio format' },
    ]);
  });

  test('tts_complete in MP3 (OpenAI/Google TTS) is audio/mpeg', () => {
    const audio = mp3();
    expect(events(tutor.decode(json({ event: 'tts_complete', audio: b64(audio), format: 'mp3' })))).toEqual([
      { type: 'server.audio', audio, mimeType: 'audio/mpeg', whole: true },
    ]);
  });

  test('an empty transcript is valid: the session decides what it means', () => {
    expect(events(tutor.decode('{"event":"stt_complete","text":""}'))).toEqual([
      { type: 'server.transcript', text: '', final: true },
    ]);
  });

  test('a stray pong decodes to nothing (the connection machine takes pongs)', () => {
    expect(events(tutor.decode('{"event":"pong"}'))).toEqual([]);
  });

  test('unknown fields are ignored, so a server may add some', () => {
    expect(events(tutor.decode('{"event":"rag_token","token":"a","model":"x"}'))).toEqual([
      { type: 'server.token', text: 'a' },
    ]);
  });
});

describe('heartbeat', () => {
  test('pings with {"action":"ping"} and recognises pongs, however they are spaced', () => {
    const { ping, isPong, reply: answer } = tutor.heartbeat;
    expect(ping?.()).toBe('{"action":"ping"}');
    expect(isPong?.('{"event":"pong"}')).toBe(true);
    expect(isPong?.('{"event": "pong"}')).toBe(true);
    expect(isPong?.('{"event":"rag_token","token":"pong"}')).toBe(false);
    expect(isPong?.(new TextEncoder().encode('{"event":"pong"}'))).toBe(false);
    expect(answer).toBeUndefined();
  });
});

describe('extensions', () => {
  test('interrupt, with and without the reply it stops', () => {
    expect(tutor.encode({ type: 'interrupt' })).toEqual(['{"action":"interrupt"}']);
    expect(tutor.encode({ type: 'interrupt', replyId: 'r7' })).toEqual([
      '{"action":"interrupt","reply_id":"r7"}',
    ]);
  });

  test('reply_id on any server event becomes replyId; null means none', () => {
    expect(events(tutor.decode('{"event":"rag_token","token":"a","reply_id":"r7"}'))).toEqual([
      { type: 'server.token', text: 'a', replyId: 'r7' },
    ]);
    expect(events(tutor.decode('{"event":"rag_start","reply_id":"r7"}'))).toEqual([
      { type: 'server.stage', stage: 'thinking', replyId: 'r7' },
    ]);
    expect(events(tutor.decode('{"event":"done","duration":1,"reply_id":null}'))).toEqual([
      { type: 'server.done', durationMs: 1000 },
    ]);
  });

  test('a turn is one audio message: frames and the end of a turn encode to nothing', () => {
    expect(tutor.encode({ type: 'audio.frame', audio: speech })).toEqual([]);
    expect(tutor.encode({ type: 'audio.end' })).toEqual([]);
  });
});

describe('bad input', () => {
  const tenMegabytes = 'x'.repeat(10 * 1024 * 1024);
  const cases: [string, string | Uint8Array, string, ...string[]][] = [
    ['malformed JSON', '{"event":"rag_token",', 'dialect.json', 'not JSON'],
    ['JSON that is not an object', '[1,2]', 'dialect.invalid', 'an array, not an object'],
    ['no event name', '{"token":"a"}', 'dialect.invalid', 'has no "event" field'],
    ['an event name that is not a string', '{"event":7}', 'dialect.invalid', 'number in its "event" field'],
    [
      'an unknown event',
      '{"event":"rag_tokens","token":"a"}',
      'dialect.unknown',
      'unknown event "rag_tokens"',
    ],
    ['an inherited property name as event', '{"event":"__proto__"}', 'dialect.unknown', '"__proto__"'],
    ['a missing field', '{"event":"rag_token"}', 'dialect.invalid', 'rag_token.token is missing'],
    [
      'a mistyped field',
      '{"event":"rag_token","token":5}',
      'dialect.invalid',
      'rag_token.token: expected string',
    ],
    ['a missing kb_id', '{"event":"initialized","thread_id":"x"}', 'dialect.invalid', 'initialized.kb_id'],
    ['a duration as a string', '{"event":"done","duration":"5"}', 'dialect.invalid', 'done.duration'],
    ['a negative duration', '{"event":"done","duration":-1}', 'dialect.invalid', 'done.duration'],
    [
      'an unknown audio format',
      `{"event":"tts_complete","audio":"","format":"ogg"}`,
      'dialect.invalid',
      'format',
    ],
    [
      'invalid base64',
      '{"event":"tts_complete","audio":"UklG!kYA","format":"wav"}',
      'dialect.base64',
      'tts_complete.audio is not valid base64',
      '"!" at position 4',
    ],
    [
      'MP3 bytes announced as WAV',
      json({ event: 'tts_complete', audio: b64(mp3()), format: 'wav' }),
      'dialect.audio',
      'tts_complete.audio announced as wav is not a WAV file',
    ],
    [
      'WAV bytes announced as MP3',
      json({ event: 'tts_complete', audio: b64(reply), format: 'mp3' }),
      'dialect.audio',
      'not an MP3 file',
    ],
    ['a binary frame', new Uint8Array([1, 2, 3]), 'dialect.frame', 'binary frame (3 bytes)'],
    [
      'a 10 MB token',
      json({ event: 'rag_token', token: tenMegabytes }),
      'dialect.too_large',
      'rag_token.token is 10485760 characters long',
    ],
    ['a frame over the limit', ' '.repeat(LIMITS.frame + 1), 'dialect.too_large', 'frame is over'],
  ];

  test.each(cases)('%s', (_name, frame, code, ...fragments) => {
    expectError(tutor, tutor.decode(frame), code, ...fragments);
  });

  test('the error names the message and the field in its details', () => {
    const error = expectError(tutor, tutor.decode('{"event":"rag_token","token":5}'), 'dialect.invalid');
    expect(error.details).toEqual({ dialect: 'tutor', message: 'rag_token', field: 'token' });
  });

  test('a long wrong value is shortened in the message', () => {
    const error = expectError(
      tutor,
      tutor.decode(json({ event: 'done', duration: tenMegabytes })),
      'dialect.invalid',
    );
    expect(error.message.length).toBeLessThan(200);
  });
});

test('client frames round-trip through the exported client schema', () => {
  expectClientRoundTrip(tutor, [
    { type: 'init', threadId: '550e8400-e29b-41d4-a716-446655440000' },
    { type: 'audio', audio: speech, mimeType: 'audio/wav' },
    { type: 'interrupt' },
    { type: 'interrupt', replyId: 'r1' },
  ]);
  expect(v.is(clientMessage, JSON.parse(tutor.heartbeat.ping?.() as string))).toBe(true);
  expect(v.is(clientMessage, { action: 'audio' })).toBe(false);
});

test('fuzz: 10,000 random and mutated frames never throw', () => {
  const samples = [
    ...normalFlow.map(([m]) => json(m)),
    '{"event":"error","message":"x"}',
    '{"event":"pong"}',
  ];
  const outcomes = fuzz(tutor, samples);
  for (const outcome of ['events', 'dialect.json', 'dialect.invalid', 'dialect.unknown', 'dialect.frame']) {
    expect(outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(50);
  }
});
