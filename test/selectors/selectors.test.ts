import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { isVoxError } from '../../src/errors.ts';
import {
  bargeInOf,
  childOf,
  connectionOf,
  selectAttempt,
  selectBargeInState,
  selectClosedReason,
  selectConnectionError,
  selectConnectionStatus,
  selectReplyText,
  selectRetryDelay,
  selectSessionError,
  selectSessionState,
  selectStage,
  selectTranscript,
  selectUserText,
  sessionOf,
} from '../../src/selectors.ts';
import { fakeConversation } from '../helpers/fakeConversation.ts';
import { clip, replyEnd, replyStart, token } from '../react/tutorServer.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function started() {
  const { actor, net } = fakeConversation({
    reconnect: { initialDelayMs: 1_000, jitter: 0, maxAttempts: 1 },
  });
  actor.start();
  const connection = connectionOf(actor);
  const session = sessionOf(actor);
  const serverSends = (...frames: string[]) => {
    for (const data of frames) net.last.emit({ type: 'socket.message', data, at: Date.now() });
  };
  const open = () => {
    net.last.emit({ type: 'socket.open', protocol: '', at: Date.now() });
    serverSends('{"event":"initialized","thread_id":"thread-1","kb_id":"kb"}');
  };
  const drop = () =>
    net.last.emit({ type: 'socket.close', code: 1006, reason: '', wasClean: false, at: Date.now() });
  const c = <T>(select: (s: ReturnType<typeof connection.getSnapshot>) => T) =>
    select(connection.getSnapshot());
  const s = <T>(select: (s: ReturnType<typeof session.getSnapshot>) => T) => select(session.getSnapshot());
  return { actor, net, connection, session, serverSends, open, drop, c, s };
}

test('connection selectors: the top-level status, and the retry delay and closed reason only where they apply', () => {
  const t = started();
  expect([t.c(selectConnectionStatus), t.c(selectClosedReason)]).toEqual(['closed', 'initial']);
  t.actor.send({ type: 'connect' });
  expect([t.c(selectConnectionStatus), t.c(selectRetryDelay), t.c(selectClosedReason)]).toEqual([
    'connecting',
    null,
    null,
  ]);
  t.open();
  // `{ open: 'unmonitored' }` in the machine; `open` here.
  expect(t.connection.getSnapshot().value).toEqual({ open: 'unmonitored' });
  expect(t.c(selectConnectionStatus)).toBe('open');
  t.drop();
  expect([t.c(selectConnectionStatus), t.c(selectAttempt), t.c(selectRetryDelay)]).toEqual([
    'reconnecting',
    1,
    1_000,
  ]);
  expect(t.c(selectConnectionError)?.code).toBe('socket.closed');
  vi.advanceTimersByTime(1_000);
  expect([t.c(selectConnectionStatus), t.c(selectRetryDelay)]).toEqual(['connecting', null]);
  t.drop();
  expect([t.c(selectConnectionStatus), t.c(selectClosedReason)]).toEqual(['closed', 'exhausted']);
  t.actor.stop();
});

test('session selectors follow a turn: state, stage, texts; the reply stays until the next turn starts', () => {
  const t = started();
  t.actor.send({ type: 'connect' });
  t.open();
  expect(t.s(selectSessionState)).toBe('ready');
  t.actor.send({ type: 'audio.send', audio: clip, mimeType: 'audio/wav' });
  expect([t.s(selectSessionState), t.s(selectStage), t.s(selectReplyText), t.s(selectUserText)]).toEqual([
    'processing',
    'transcribing',
    '',
    null,
  ]);
  const [sttStart, sttComplete, ragStart] = replyStart('hello') as [string, string, string];
  t.serverSends(sttStart, sttComplete, ragStart);
  expect([t.s(selectStage), t.s(selectUserText)]).toEqual(['thinking', 'hello']);
  const transcript = t.s(selectTranscript);
  t.serverSends(token('Hi'), token(' there'));
  expect(t.s(selectReplyText)).toBe('Hi there');
  // Tokens change the turn, not the transcript: its reference holds until the turn ends.
  expect(t.s(selectTranscript)).toBe(transcript);
  const [ragComplete, ttsStart, ttsComplete, done] = replyEnd('Hi there') as [string, string, string, string];
  t.serverSends(ragComplete, ttsStart);
  expect(t.s(selectStage)).toBe('synthesizing');
  t.serverSends(ttsComplete);
  expect([t.s(selectSessionState), t.s(selectStage)]).toEqual(['speaking', null]);
  t.serverSends(done);
  expect(t.s(selectSessionState)).toBe('ready');
  expect(t.s(selectTranscript)).not.toBe(transcript);
  expect(t.s(selectTranscript)).toHaveLength(1);
  expect([t.s(selectReplyText), t.s(selectUserText), t.s(selectSessionError)]).toEqual([
    'Hi there',
    'hello',
    null,
  ]);
  t.actor.send({ type: 'audio.send', audio: clip, mimeType: 'audio/wav' });
  expect([t.s(selectReplyText), t.s(selectUserText)]).toEqual(['', null]);
  expect(selectBargeInState(bargeInOf(t.actor).getSnapshot())).toBe('idle');
  t.actor.stop();
});

test('childOf names the missing actor with a VoxError when the actor is not a conversation', () => {
  const other = createActor(createMachine({}));
  let error: unknown;
  try {
    childOf(other, 'session');
  } catch (e) {
    error = e;
  }
  expect(isVoxError(error) && error.code).toBe('actor.missing');
});
