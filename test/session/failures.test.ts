import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { type SessionHarness, sessionHarness } from './harness.ts';
import { WAV } from './scripts.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const CLIP = new Uint8Array([5, 5, 5]);
const CLIP_FRAME = JSON.stringify({ action: 'audio', data: bytesToBase64(CLIP) });
/** How many times the clip reached any socket. */
const clipsSent = (s: SessionHarness) => s.written().filter((f) => f === CLIP_FRAME).length;

/** Drops the socket, waits out the retry delay (at most 1 s), opens the new socket and re-initialises. */
function reconnect(s: SessionHarness) {
  s.drop();
  vi.advanceTimersByTime(1_000);
  s.open();
  s.server(s.script.ready as string);
}

describe('a turn that dies', () => {
  test('server `error`: the turn fails with server.error, the clip is kept, the session is ready', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio(CLIP);
    s.server({ event: 'stt_start' }, { event: 'error', message: 'Invalid audio format' });
    expect(s.state()).toBe('ready');
    const [error] = s.of('session.error');
    expect(error?.error).toMatchObject({ source: 'session', code: 'server.error' });
    expect(error?.error.message).toContain('Invalid audio format');
    expect(s.turns()[0]?.failed).toBe('server.error');
    expect(s.context().failedClip?.audio).toEqual(CLIP);
  });

  test('an `error` while speaking stops playback and fails the turn', () => {
    const s = sessionHarness({ autoPlayback: false });
    s.ready();
    s.sendAudio(CLIP);
    s.server({ event: 'tts_complete', audio: bytesToBase64(WAV), format: 'wav' });
    s.server({ event: 'error', message: 'TTS crashed' });
    expect(s.state()).toBe('ready');
    expect(s.playback.kinds()).toEqual(['play', 'stop']);
    expect(s.turns()[0]?.failed).toBe('server.error');
  });

  test('reply timeout: silence for replyTimeoutMs fails the turn; every event re-arms the watchdog', () => {
    const s = sessionHarness({ replyTimeoutMs: 1_000 });
    s.ready();
    s.sendAudio(CLIP);
    vi.advanceTimersByTime(900);
    s.server({ event: 'stt_start' });
    vi.advanceTimersByTime(900);
    s.server({ event: 'rag_start' }, { event: 'rag_token', token: 'a' });
    vi.advanceTimersByTime(999);
    expect(s.state()).toBe('processing.thinking');
    vi.advanceTimersByTime(1);
    expect(s.state()).toBe('ready');
    expect(s.errorCodes()).toEqual(['reply.timeout']);
    expect(s.turns()[0]).toMatchObject({ failed: 'reply.timeout', agent: 'a' });
    expect(s.context().failedClip?.audio).toEqual(CLIP);
  });

  test('reply timeout while speaking stops playback; after `done` the watchdog is off', () => {
    const s = sessionHarness({ replyTimeoutMs: 1_000, autoPlayback: false });
    s.ready();
    s.sendAudio(CLIP);
    s.server({ event: 'tts_complete', audio: bytesToBase64(WAV), format: 'wav' });
    vi.advanceTimersByTime(1_000);
    expect(s.state()).toBe('ready');
    expect(s.playback.kinds()).toEqual(['play', 'stop']);

    s.sendAudio(CLIP);
    s.server({ event: 'stt_start' }, { event: 'tts_complete', audio: bytesToBase64(WAV), format: 'wav' });
    s.server({ event: 'done', duration: 1 });
    // A long reply plays out: no timeout while it does.
    vi.advanceTimersByTime(60_000);
    expect(s.state()).toBe('speaking.finishing');
    s.playback.end();
    expect(s.state()).toBe('ready');
    expect(s.errorCodes()).toEqual(['reply.timeout']);
  });

  test('a drop mid-turn fails it with connection.lost; the session never returns to a stale turn', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio(CLIP);
    s.server({ event: 'stt_start' }, { event: 'rag_start' }, { event: 'rag_token', token: 'Hal' });
    s.drop();
    expect(s.state()).toBe('idle.offline');
    expect(s.errorCodes()).toEqual(['connection.lost']);
    expect(s.turns()[0]).toMatchObject({ failed: 'connection.lost', agent: 'Hal' });
    expect(s.context()).toMatchObject({ turn: null, clip: null });
    expect(s.context().failedClip?.audio).toEqual(CLIP);
    vi.advanceTimersByTime(100);
    s.open();
    s.server(s.script.ready as string);
    expect(s.state()).toBe('ready');
    // The old reply's tail arriving on the new connection is ignored, not a turn.
    s.server({ event: 'rag_token', token: 'f' }, { event: 'done', duration: 1 });
    expect(s.state()).toBe('ready');
    expect(s.turns()).toHaveLength(1);
    expect(s.warningCodes()).toEqual(['event.unexpected', 'event.unexpected']);
  });

  test('a drop while the last of the reply plays lets it finish, then handshakes again', () => {
    const s = sessionHarness({ autoPlayback: false });
    s.ready();
    s.sendAudio(CLIP);
    s.server(
      { event: 'tts_complete', audio: bytesToBase64(WAV), format: 'wav' },
      { event: 'done', duration: 1 },
    );
    s.drop();
    expect(s.state()).toBe('speaking.finishing');
    vi.advanceTimersByTime(100);
    s.open();
    expect(s.state()).toBe('speaking.finishing');
    s.playback.end();
    expect(s.state()).toBe('idle.handshaking');
    expect(s.turns()[0]?.failed).toBeNull();
    s.server(s.script.ready as string);
    expect(s.state()).toBe('ready');
    expect(s.net.last.written).toHaveLength(1);
  });

  test('an interrupt while the reply plays out offline leads to idle, never a stale ready', () => {
    const s = sessionHarness({ autoPlayback: false });
    s.ready();
    s.sendAudio(CLIP);
    s.server(
      { event: 'tts_complete', audio: bytesToBase64(WAV), format: 'wav' },
      { event: 'done', duration: 1 },
    );
    s.drop();
    s.send({ type: 'interrupt' });
    expect(s.state()).toBe('idle.offline');
    expect(s.playback.kinds()).toEqual(['play', 'finish', 'stop']);
    expect(s.turns()[0]?.interrupted).toBe(true);
    vi.advanceTimersByTime(1_000);
    s.open();
    expect(s.state()).toBe('idle.handshaking');
  });

  test('a drop while recording fails the turn and stops capture', () => {
    const s = sessionHarness();
    s.ready();
    s.send({ type: 'record.start' });
    s.drop();
    expect(s.state()).toBe('idle.offline');
    expect(s.capture.running()).toBe(false);
    expect(s.errorCodes()).toEqual(['connection.lost']);
  });
});

describe('resend policy', () => {
  test('manual (default): nothing is resent after the reconnect until turn.retry, which resends once', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio(CLIP);
    reconnect(s);
    expect(s.state()).toBe('ready');
    expect(clipsSent(s)).toBe(1);
    s.send({ type: 'turn.retry' });
    expect(s.state()).toBe('processing.transcribing');
    expect(clipsSent(s)).toBe(2);
    expect(s.context().turn?.resent).toBe(true);
    s.reply();
    expect(s.turns().map((t) => [t.id, t.failed, t.resent])).toEqual([
      [1, 'connection.lost', false],
      [2, null, true],
    ]);
    s.send({ type: 'turn.retry' });
    expect(s.state()).toBe('ready');
    expect(clipsSent(s)).toBe(2);
  });

  test('turn.retry resends a turn the server failed, once', () => {
    const s = sessionHarness();
    s.ready();
    s.sendAudio(CLIP);
    s.server({ event: 'error', message: 'busy' });
    s.send({ type: 'turn.retry' });
    s.server({ event: 'error', message: 'still busy' });
    expect(clipsSent(s)).toBe(2);
    // The retried turn failed too: its clip may be retried again, by the user only.
    expect(s.context().failedClip?.audio).toEqual(CLIP);
    vi.advanceTimersByTime(60_000);
    expect(clipsSent(s)).toBe(2);
  });

  test('unanswered: resent once by itself after the reconnect when no reply event had arrived', () => {
    const s = sessionHarness({ resend: 'unanswered' });
    s.ready();
    s.sendAudio(CLIP);
    reconnect(s);
    expect(s.state()).toBe('processing.transcribing');
    expect(clipsSent(s)).toBe(2);
    expect(s.net.last.written).toEqual([expect.stringContaining('"init"'), CLIP_FRAME]);
    // The resent turn is lost too: it is not resent a third time.
    reconnect(s);
    expect(s.state()).toBe('ready');
    expect(clipsSent(s)).toBe(2);
    s.send({ type: 'turn.retry' });
    expect(clipsSent(s)).toBe(3);
  });

  test('unanswered: not resent when the server had started answering', () => {
    const s = sessionHarness({ resend: 'unanswered' });
    s.ready();
    s.sendAudio(CLIP);
    s.server({ event: 'stt_start' });
    reconnect(s);
    expect(s.state()).toBe('ready');
    expect(clipsSent(s)).toBe(1);
    expect(s.context().failedClip?.audio).toEqual(CLIP);
  });

  test('unanswered: a turn that failed for another reason is not resent after a later reconnect', () => {
    const s = sessionHarness({ resend: 'unanswered', replyTimeoutMs: 1_000 });
    s.ready();
    s.sendAudio(CLIP);
    vi.advanceTimersByTime(1_000);
    reconnect(s);
    expect(s.state()).toBe('ready');
    expect(clipsSent(s)).toBe(1);
  });

  test('a clip the socket could not write before it died is sent once, not twice', () => {
    const s = sessionHarness({ resend: 'unanswered' });
    s.ready();
    s.sendAudio(CLIP);
    // The socket was already closing: the adapter hands the frame back unwritten, then closes.
    const socket = s.net.last;
    socket.written.pop();
    socket.emit({
      type: 'socket.unsent',
      items: [{ frame: CLIP_FRAME, kind: 'app', bytes: CLIP_FRAME.length, at: undefined, seq: 1 }],
    });
    reconnect(s);
    expect(clipsSent(s)).toBe(1);
    expect(s.state()).toBe('processing.transcribing');
    s.reply();
    expect(s.turns().at(-1)?.failed).toBeNull();
  });
});
