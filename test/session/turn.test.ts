import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { maxRecordingFor } from '../../machines/session.machine.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { typed } from '../../src/dialects/typed.ts';
import type { Dialect } from '../../src/dialects/types.ts';
import { VoxError } from '../../src/errors.ts';
import { sessionHarness } from './harness.ts';
import { WAV } from './scripts.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const tts = { event: 'tts_complete', audio: bytesToBase64(WAV), format: 'wav' };

describe('a turn', () => {
  test('stages in order, tokens streamed into turn.agent, then speaking, then ready', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio(new Uint8Array([9, 8, 7]));
    expect(s.state()).toBe('processing.transcribing');
    expect(s.sent().at(-1)).toEqual({ action: 'audio', data: bytesToBase64(new Uint8Array([9, 8, 7])) });
    const seen: string[] = [];
    s.actor.subscribe((snap) => seen.push(snap.context.turn?.agent ?? '-'));

    s.server({ event: 'stt_start' });
    s.server({ event: 'stt_complete', text: 'what is a cell' });
    expect(s.context().turn?.user).toBe('what is a cell');
    s.server({ event: 'rag_start' });
    expect(s.state()).toBe('processing.thinking');
    s.server({ event: 'rag_token', token: 'A cell' });
    s.server({ event: 'rag_token', token: ' is' });
    expect(s.context().turn?.agent).toBe('A cell is');
    expect(seen).toContain('A cell');
    s.server({ event: 'rag_complete', text: 'A cell is small.' });
    expect(s.context().turn?.agent).toBe('A cell is small.');
    s.server({ event: 'tts_start' });
    expect(s.state()).toBe('processing.synthesizing');
    s.server(tts);
    expect(s.state()).toBe('speaking.streaming');
    expect(s.playback.commands.at(-1)).toMatchObject({ type: 'play', mimeType: 'audio/wav', whole: true });
    s.server({ event: 'done', duration: 5.23 });
    expect(s.state()).toBe('ready');
    const [turn] = s.turns();
    expect(turn).toMatchObject({ id: 1, user: 'what is a cell', agent: 'A cell is small.', failed: null });
    expect(turn?.at.done).not.toBeNull();
    expect(s.of('session.turn')).toHaveLength(1);
    expect(s.errorCodes()).toEqual([]);
    expect(s.warningCodes()).toEqual([]);
  });

  test('ready only when both `done` and the end of playback have come: playback last', () => {
    const s = sessionHarness({ autoPlayback: false });
    s.ready();
    s.sendAudio();
    s.server({ event: 'stt_start' }, { event: 'tts_start' }, tts);
    s.server({ event: 'done', duration: 1 });
    expect(s.state()).toBe('speaking.finishing');
    expect(s.playback.kinds()).toEqual(['play', 'finish']);
    expect(s.turns()).toEqual([]);
    s.playback.end();
    expect(s.state()).toBe('ready');
    expect(s.turns()).toHaveLength(1);
  });

  test('ready only when both have come: playback drained before `done` ends at `done`', () => {
    // The player already played everything: it answers `finish` at once.
    const s = sessionHarness({ autoPlayback: true });
    s.ready();
    s.sendAudio();
    s.server(tts);
    expect(s.state()).toBe('speaking.streaming');
    s.server({ event: 'done', duration: 1 });
    expect(s.state()).toBe('ready');
    expect(s.playback.kinds()).toEqual(['play', 'finish']);
  });

  test('a text-only reply (done without audio) ends the turn without playback', () => {
    const s = sessionHarness({ autoPlayback: false });
    s.ready();
    s.sendAudio();
    s.reply({ audio: false, words: ['Just', ' text'] });
    expect(s.state()).toBe('ready');
    expect(s.playback.commands).toEqual([]);
    expect(s.turns()[0]).toMatchObject({ agent: 'Just text', failed: null });
  });

  test('the transcript keeps the last maxTurns turns', () => {
    const s = sessionHarness({ maxTurns: 3 });
    s.ready();
    for (let i = 0; i < 5; i++) {
      s.sendAudio();
      s.reply({ user: `q${i}` });
    }
    expect(s.turns().map((t) => [t.id, t.user])).toEqual([
      [3, 'q2'],
      [4, 'q3'],
      [5, 'q4'],
    ]);
  });

  test('`stt_complete` with empty text warns `transcript.empty` and the turn continues', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio();
    s.server({ event: 'stt_start' }, { event: 'stt_complete', text: '  ' });
    expect(s.warningCodes()).toEqual(['transcript.empty']);
    expect(s.state()).toBe('processing.transcribing');
    s.server({ event: 'rag_start' }, { event: 'rag_token', token: 'Sorry?' }, { event: 'done', duration: 1 });
    expect(s.state()).toBe('ready');
    expect(s.turns()[0]).toMatchObject({ user: '  ', agent: 'Sorry?', failed: null });
  });
});

describe('recording', () => {
  /** A WAV of `ms` of 16 kHz mono, as the capture adapter would hand it over. */
  const wavOf = (ms: number) =>
    encodeWav({ sampleRate: 16_000, channels: 1, samples: new Int16Array((ms * 16_000) / 1000) });

  test('at the limit capture is stopped, the turn sent and the user warned', () => {
    const s = sessionHarness({ maxRecordingMs: 2_000 });
    s.ready();
    s.send({ type: 'record.start' });
    expect(s.state()).toBe('recording');
    expect(s.capture.running()).toBe(true);
    vi.advanceTimersByTime(1_999);
    expect(s.capture.commands).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(s.capture.commands).toEqual([{ type: 'stop' }]);
    expect(s.warningCodes()).toEqual(['recording.limit']);
    const audio = wavOf(2_000);
    s.capture.send({ type: 'capture.done', audio, mimeType: 'audio/wav', durationMs: 2_000 });
    expect(s.state()).toBe('processing.transcribing');
    expect(s.capture.running()).toBe(false);
    expect(s.sent().at(-1)).toEqual({ action: 'audio', data: bytesToBase64(audio) });
  });

  test('the default limit is what fits in one 1 MiB message; a recording of that length does fit', () => {
    const s = sessionHarness();
    s.ready();
    const limit = maxRecordingFor(s.context());
    expect(limit).toBeGreaterThan(24_000);
    expect(limit).toBeLessThan(25_000);
    s.send({ type: 'record.start' });
    vi.advanceTimersByTime(limit);
    expect(s.warningCodes()).toEqual(['recording.limit']);
    const audio = wavOf(Math.floor(limit / 10) * 10);
    s.capture.send({ type: 'capture.done', audio, mimeType: 'audio/wav', durationMs: limit });
    expect(s.state()).toBe('processing.transcribing');
    const frame = s.written().at(-1) as string;
    expect(frame.length).toBeLessThanOrEqual(1024 * 1024);
    expect(s.errorCodes()).toEqual([]);
  });

  test('record.stop stops capture; the recorded clip is the turn', () => {
    const s = sessionHarness();
    s.ready();
    s.send({ type: 'record.start' });
    s.capture.send({ type: 'capture.level', rms: 0.4, at: 0 });
    expect(s.context().level).toBe(0.4);
    s.send({ type: 'record.stop' });
    expect(s.capture.commands).toEqual([{ type: 'stop' }]);
    s.capture.send({ type: 'capture.done', audio: wavOf(100), mimeType: 'audio/wav', durationMs: 100 });
    s.reply();
    expect(s.state()).toBe('ready');
    expect(s.turns()[0]?.failed).toBeNull();
  });

  test('streaming (typed): frames flow while recording; the server’s speech_final ends the turn', () => {
    const s = sessionHarness({ dialect: typed });
    s.ready();
    s.send({ type: 'record.start' });
    const frames = [new Uint8Array([1, 2]), new Uint8Array([3, 4])];
    for (const audio of frames) s.capture.send({ type: 'capture.frame', audio, at: Date.now() });
    expect(s.written()).toEqual(frames);
    s.server({ type: 'speech_final', timestamp: 't' });
    expect(s.capture.commands).toEqual([{ type: 'stop' }]);
    s.capture.send({
      type: 'capture.done',
      audio: new Uint8Array(4),
      mimeType: 'audio/webm',
      durationMs: 200,
    });
    expect(s.state()).toBe('processing.transcribing');
    // The audio already went out as frames: only the end marker follows, not the clip again.
    expect(s.sent().slice(2)).toEqual([{ type: 'audio_end', timestamp: expect.any(String) }]);
    s.reply();
    expect(s.turns()[0]).toMatchObject({ user: 'hello', agent: 'Hi there', failed: null });
  });

  test('streaming: a capture that ends without a whole recording (pcm frames) still ends the turn', () => {
    const s = sessionHarness({ dialect: typed });
    s.ready();
    s.send({ type: 'record.start' });
    s.capture.send({ type: 'capture.frame', audio: new Uint8Array([1, 2]), at: Date.now() });
    s.send({ type: 'record.stop' });
    s.capture.send({ type: 'capture.done', mimeType: 'audio/pcm', durationMs: 20 });
    expect(s.state()).toBe('processing.transcribing');
    expect(s.sent().at(-1)).toEqual({ type: 'audio_end', timestamp: expect.any(String) });
    expect(s.context().clip).toBeNull();
  });

  test('a capture error reports it and returns to ready with nothing sent', () => {
    const s = sessionHarness();
    s.ready();
    s.send({ type: 'record.start' });
    const error = new VoxError('capture', 'capture.denied', 'Microphone permission denied');
    s.capture.send({ type: 'capture.error', error });
    expect(s.state()).toBe('ready');
    expect(s.errorCodes()).toEqual(['capture.denied']);
    expect(s.written()).toHaveLength(1);
  });

  test('a clip too large for one message is refused with `audio.tooLarge`; the session stays ready', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio(new Uint8Array(800 * 1024));
    expect(s.state()).toBe('ready');
    expect(s.errorCodes()).toEqual(['audio.tooLarge']);
    expect(s.written()).toHaveLength(1);
    s.sendAudio();
    expect(s.state()).toBe('processing.transcribing');
  });

  test('a clip is encoded once: the size check and the send share its frames', () => {
    let encoded = 0;
    const counting: Dialect = {
      ...tutor,
      encode: (intent) => {
        if (intent.type === 'audio') encoded++;
        return tutor.encode(intent);
      },
    };
    const s = sessionHarness({ dialect: counting });
    s.ready();
    s.sendAudio();
    expect(s.state()).toBe('processing.transcribing');
    expect(encoded).toBe(1);
    expect(s.sent().at(-1)).toMatchObject({ action: 'audio' });
  });
});

describe('turn-taking', () => {
  test('hands-free: speech starts a recording, silence ends it, speech in between keeps it going', () => {
    const s = sessionHarness({ turnTaking: 'hands-free', silenceMs: 500 });
    s.ready();
    s.send({ type: 'speech.start', at: 0 });
    expect(s.state()).toBe('recording');
    s.send({ type: 'speech.end', at: 100 });
    vi.advanceTimersByTime(400);
    s.send({ type: 'speech.start', at: 500 });
    vi.advanceTimersByTime(1_000);
    expect(s.capture.commands).toEqual([]);
    s.send({ type: 'speech.end', at: 1_500 });
    vi.advanceTimersByTime(499);
    expect(s.capture.commands).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(s.capture.commands).toEqual([{ type: 'stop' }]);
  });

  test('hands-free: a recording with less than minSpeechMs of speech (a knock) is dropped with a warning, never sent', () => {
    const s = sessionHarness({ turnTaking: 'hands-free', silenceMs: 500, minSpeechMs: 200 });
    s.ready();
    const written = s.written().length;
    s.send({ type: 'speech.start', at: 0 });
    s.send({ type: 'speech.end', at: 30 });
    s.send({ type: 'speech.start', at: 100 });
    s.send({ type: 'speech.end', at: 250 }); // 30 + 150 ms: still short of 200
    vi.advanceTimersByTime(500);
    expect(s.state()).toBe('ready');
    expect(s.warningCodes()).toEqual(['speech.tooShort']);
    expect(s.errorCodes()).toEqual([]);
    expect(s.written()).toHaveLength(written);
    expect(s.actor.getSnapshot().context.turn).toBeNull();

    // Enough speech, in two stretches: the recording ends and is sent as before.
    s.send({ type: 'speech.start', at: 1000 });
    s.send({ type: 'speech.end', at: 1100 });
    s.send({ type: 'speech.start', at: 1200 });
    s.send({ type: 'speech.end', at: 1300 });
    vi.advanceTimersByTime(500);
    expect(s.capture.commands).toEqual([{ type: 'stop' }]);
  });

  test('hands-free, streaming dialect: a short recording has streamed already, so it ends as usual', () => {
    const s = sessionHarness({ dialect: typed, turnTaking: 'hands-free', silenceMs: 500 });
    s.ready();
    s.send({ type: 'speech.start', at: 0 });
    s.send({ type: 'speech.end', at: 30 });
    vi.advanceTimersByTime(500);
    expect(s.capture.commands).toEqual([{ type: 'stop' }]);
    expect(s.warningCodes()).toEqual([]);
  });

  test("hands-free: a recording started by a button is the user's decision and is never dropped", () => {
    const s = sessionHarness({ turnTaking: 'hands-free', silenceMs: 500 });
    s.ready();
    s.send({ type: 'record.start' });
    s.send({ type: 'speech.start', at: 0 });
    s.send({ type: 'speech.end', at: 10 });
    vi.advanceTimersByTime(500);
    expect(s.capture.commands).toEqual([{ type: 'stop' }]);
    expect(s.warningCodes()).toEqual([]);
  });

  test('push-to-talk: speech alone starts nothing', () => {
    const s = sessionHarness();
    s.ready();
    s.send({ type: 'speech.start', at: 0 });
    expect(s.state()).toBe('ready');
  });

  test('record.toggle starts a recording, and stops it', () => {
    const s = sessionHarness();
    s.ready();
    s.send({ type: 'record.toggle' });
    expect(s.state()).toBe('recording');
    s.send({ type: 'record.toggle' });
    expect(s.capture.commands).toEqual([{ type: 'stop' }]);
  });
});
