import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { VoxError } from '../../src/errors.ts';
import { sessionHarness } from './harness.ts';
import { WAV } from './scripts.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const tts = (audio: string, format = 'wav') => ({ event: 'tts_complete', audio, format });

/** A session in the middle of a reply: tokens streaming in `processing.thinking`. */
function midReply() {
  const s = sessionHarness();
  s.ready();
  s.sendAudio();
  s.server({ event: 'stt_start' }, { event: 'stt_complete', text: 'hi' });
  s.server({ event: 'rag_start' }, { event: 'rag_token', token: 'Hel' });
  return s;
}

describe('bad frames: a session.error carrying the dialect VoxError, the state unchanged', () => {
  const cases: [what: string, frame: string | Uint8Array, code: string][] = [
    ['malformed JSON', '{"event":"rag_token","token":"lo"', 'dialect.json'],
    ['a JSON value that is not an object', '["rag_token"]', 'dialect.invalid'],
    ['an unknown event', JSON.stringify({ event: 'rag_progress', pct: 50 }), 'dialect.unknown'],
    ['a message without its tag', JSON.stringify({ token: 'lo' }), 'dialect.invalid'],
    ['a missing field', JSON.stringify({ event: 'rag_token' }), 'dialect.invalid'],
    ['a mistyped field', JSON.stringify({ event: 'rag_token', token: 42 }), 'dialect.invalid'],
    ['invalid base64', JSON.stringify(tts('not base64!')), 'dialect.base64'],
    [
      'audio that is not the announced format',
      JSON.stringify(tts(bytesToBase64(WAV), 'mp3')),
      'dialect.audio',
    ],
    ['an unknown audio format', JSON.stringify(tts(bytesToBase64(WAV), 'ogg')), 'dialect.invalid'],
    ['a binary frame where JSON is expected', new Uint8Array([1, 2, 3]), 'dialect.frame'],
    [
      'a 10 MB token',
      JSON.stringify({ event: 'rag_token', token: 'x'.repeat(10 * 1024 * 1024) }),
      'dialect.too_large',
    ],
  ];

  test.each(cases)('%s', (_, frame, code) => {
    const s = midReply();
    const before = s.context();
    s.server(frame);
    const [error] = s.of('session.error');
    expect(error?.error).toBeInstanceOf(VoxError);
    expect(error?.error).toMatchObject({ source: 'dialect', code });
    expect(error?.error.message.length).toBeLessThan(300);
    expect(s.of('session.error')).toHaveLength(1);
    expect(s.state()).toBe('processing.thinking');
    expect(s.context().turn).toEqual(before.turn);
    // The reply goes on as if the frame had never come.
    s.server({ event: 'rag_token', token: 'lo' }, { event: 'done', duration: 1 });
    expect(s.turns()[0]).toMatchObject({ agent: 'Hello', failed: null });
  });
});

test('a custom dialect that throws in decode gives `dialect.internal`, not a crash', () => {
  const s = sessionHarness({
    dialect: {
      ...tutor,
      decode: (frame) => {
        if (String(frame).includes('boom')) throw new Error('decoder bug');
        return tutor.decode(frame);
      },
    },
  });
  s.ready();
  s.server('{"event":"boom"}');
  expect(s.of('session.error')[0]?.error).toMatchObject({ source: 'dialect', code: 'dialect.internal' });
  expect(s.state()).toBe('ready');
});

describe('events out of order', () => {
  test('tts_complete before rag_complete is accepted: the reply text still lands', () => {
    const s = midReply();
    s.server(tts(bytesToBase64(WAV)));
    expect(s.state()).toBe('speaking.streaming');
    s.server({ event: 'rag_complete', text: 'Hello there' }, { event: 'done', duration: 1 });
    expect(s.state()).toBe('ready');
    expect(s.turns()[0]).toMatchObject({ agent: 'Hello there', failed: null });
    expect(s.warningCodes()).toEqual([]);
  });

  test('`done` twice: the second is ignored with an `event.unexpected` warning', () => {
    const s = midReply();
    s.server({ event: 'done', duration: 1 }, { event: 'done', duration: 1 });
    expect(s.state()).toBe('ready');
    expect(s.warningCodes()).toEqual(['event.unexpected']);
    expect(s.turns()).toHaveLength(1);
  });

  test('`done` twice while the reply still plays: the second is a warning, playback goes on', () => {
    const s = sessionHarness({ autoPlayback: false });
    s.ready();
    s.sendAudio();
    s.server(tts(bytesToBase64(WAV)), { event: 'done', duration: 1 }, { event: 'done', duration: 1 });
    expect(s.state()).toBe('speaking.finishing');
    expect(s.warningCodes()).toEqual(['event.unexpected']);
    s.playback.end();
    expect(s.state()).toBe('ready');
  });

  test('`rag_token` after `done` is ignored with a warning; the finished turn keeps its text', () => {
    const s = midReply();
    s.server({ event: 'done', duration: 1 }, { event: 'rag_token', token: ' late' });
    expect(s.state()).toBe('ready');
    expect(s.warningCodes()).toEqual(['event.unexpected']);
    expect(s.turns()[0]?.agent).toBe('Hel');
    expect(s.of('session.warning')[0]?.error.message).toContain('server.token');
  });

  test('reply events before any turn are warnings, not turns', () => {
    const s = sessionHarness();
    s.ready();
    s.server({ event: 'stt_start' }, { event: 'rag_token', token: 'x' }, tts(bytesToBase64(WAV)));
    s.server({ event: 'error', message: 'stray' });
    expect(s.state()).toBe('ready');
    expect(s.warningCodes()).toEqual(['event.unexpected', 'event.unexpected', 'event.unexpected']);
    expect(s.errorCodes()).toEqual(['server.error']);
    expect(s.playback.commands).toEqual([]);
  });
});

describe('events of an interrupted reply', () => {
  test('with reply ids: the interrupt names the reply, whose frames are dropped however late', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio();
    s.server({ event: 'stt_start', reply_id: 'r1' }, { event: 'rag_token', token: 'A', reply_id: 'r1' });
    s.send({ type: 'interrupt' });
    expect(s.state()).toBe('ready');
    expect(s.sent().at(-1)).toEqual({ action: 'interrupt', reply_id: 'r1' });
    expect(s.turns()[0]).toMatchObject({ interrupted: true, agent: 'A', failed: null });
    s.server({ event: 'rag_token', token: 'B', reply_id: 'r1' });
    // The next turn starts; r1's frames still come, interleaved with r2's.
    s.sendAudio();
    s.server({ event: 'stt_start', reply_id: 'r2' }, { event: 'rag_token', token: 'C', reply_id: 'r1' });
    s.server({ event: 'rag_token', token: 'X', reply_id: 'r2' });
    s.server({ ...tts(bytesToBase64(WAV)), reply_id: 'r1' });
    s.server({ event: 'done', duration: 1, reply_id: 'r1' });
    expect(s.state()).toBe('processing.thinking');
    s.server({ event: 'done', duration: 1, reply_id: 'r2' });
    expect(s.turns().map((t) => t.agent)).toEqual(['A', 'X']);
    expect(s.warningCodes()).toEqual([]);
    expect(s.playback.commands).toEqual([]);
  });

  test('without reply ids: dropped until that reply ends (its `done`)', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio();
    s.server({ event: 'stt_start' }, { event: 'rag_start' }, { event: 'rag_token', token: 'A' });
    s.send({ type: 'interrupt' });
    expect(s.sent().at(-1)).toEqual({ action: 'interrupt' });
    s.server({ event: 'rag_token', token: 'B' }, tts(bytesToBase64(WAV)), { event: 'done', duration: 1 });
    expect(s.warningCodes()).toEqual([]);
    expect(s.playback.commands).toEqual([]);
    // After its end, a stray event is unexpected again.
    s.server({ event: 'rag_token', token: 'C' });
    expect(s.warningCodes()).toEqual(['event.unexpected']);
    expect(s.turns()[0]?.agent).toBe('A');
  });

  test('without reply ids: dropped until the next turn’s first transcript or transcribing stage', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio();
    s.server({ event: 'stt_start' }, { event: 'rag_start' }, { event: 'rag_token', token: 'A' });
    s.send({ type: 'interrupt' });
    s.sendAudio();
    // The interrupted reply never ends; its tail arrives after the next turn was sent.
    s.server({ event: 'rag_token', token: 'old' }, { event: 'tts_start' });
    expect(s.state()).toBe('processing.transcribing');
    s.server({ event: 'stt_start' }, { event: 'rag_token', token: 'new' }, { event: 'done', duration: 1 });
    expect(s.state()).toBe('ready');
    expect(s.turns().map((t) => [t.agent, t.interrupted])).toEqual([
      ['A', true],
      ['new', false],
    ]);
    expect(s.warningCodes()).toEqual([]);
  });

  test('without reply ids: the interrupted reply’s late `error` ends the dropping silently', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio();
    s.server({ event: 'stt_start' }, { event: 'rag_token', token: 'A' });
    s.send({ type: 'interrupt' });
    s.server({ event: 'error', message: 'cancelled' });
    expect(s.errorCodes()).toEqual([]);
    s.server({ event: 'error', message: 'real' });
    expect(s.errorCodes()).toEqual(['server.error']);
  });

  test('an interrupt while speaking stops playback and drops the rest of the audio', () => {
    const s = sessionHarness({ autoPlayback: false });
    s.ready();
    s.sendAudio();
    s.server({ event: 'stt_start' }, tts(bytesToBase64(WAV)));
    s.send({ type: 'interrupt' });
    expect(s.state()).toBe('ready');
    expect(s.playback.kinds()).toEqual(['play', 'stop']);
    s.server(tts(bytesToBase64(WAV)), { event: 'done', duration: 1 });
    expect(s.playback.kinds()).toEqual(['play', 'stop']);
    expect(s.turns()[0]?.interrupted).toBe(true);
  });
});
