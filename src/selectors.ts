/**
 * Typed selectors over the snapshots of a conversation's three named actors. Each returns a primitive,
 * or a reference that changes only when its value does, so a subscriber comparing with `===` (React's
 * `useSelector`, or any `actor.subscribe` with a memo) wakes only when what it reads changes.
 * Child snapshots do not flow through the parent's: subscribe to the child (`connectionOf(actor)`).
 */
import type { AnyActorRef, SnapshotFrom } from 'xstate';
import type { BargeInActor, bargeInMachine } from '../machines/bargeIn.machine.ts';
import type {
  ClosedReason,
  ConnectionActor,
  ConnectionStatus,
  connectionMachine,
} from '../machines/connection.machine.ts';
import type { SessionActor, sessionMachine } from '../machines/session.machine.ts';
import type { Stage, Turn } from '../machines/session.types.ts';
import { VoxError } from './errors.ts';

export type ConnectionSnapshot = SnapshotFrom<typeof connectionMachine>;
export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;
export type BargeInSnapshot = SnapshotFrom<typeof bargeInMachine>;

/** The session's top-level states: offline or handshaking, ready for a turn, and the turn's phases. */
export type SessionState = 'idle' | 'ready' | 'recording' | 'processing' | 'speaking';
/** `armed` while the agent speaks; `ducked` while the user may be barging in. */
export type BargeInState = 'idle' | 'armed' | 'ducked';

/** The top-level state of a snapshot: `open` for `{ open: 'healthy' }`. */
const topState = (value: string | object) => (typeof value === 'string' ? value : Object.keys(value)[0]);

// Connection
export const selectConnectionStatus = (s: ConnectionSnapshot) => topState(s.value) as ConnectionStatus;
/** Retries since the connection last stayed up; the attempt under way (or next) while reconnecting. */
export const selectAttempt = (s: ConnectionSnapshot) => s.context.attempt;
export const selectMaxAttempts = (s: ConnectionSnapshot) => s.context.settings.backoff.maxAttempts;
/** The delay (ms) before the next attempt, while `reconnecting`; otherwise null. */
export const selectRetryDelay = (s: ConnectionSnapshot) =>
  s.matches('reconnecting') ? s.context.retryDelayMs : null;
/** Why the connection rests, while `closed`; otherwise null. */
export const selectClosedReason = (s: ConnectionSnapshot): ClosedReason | null =>
  s.matches('closed') ? s.context.closedReason : null;
export const selectRtt = (s: ConnectionSnapshot) => s.context.rttMs;
/** The failure that closed the last socket; cleared when one opens. */
export const selectConnectionError = (s: ConnectionSnapshot) => s.context.error;

// Session
export const selectSessionState = (s: SessionSnapshot) => topState(s.value) as SessionState;
/** The processing stage while the server works on a turn; null otherwise. */
export const selectStage = (s: SessionSnapshot): Stage | null =>
  s.matches('processing') ? ((s.value as { processing: Stage }).processing ?? null) : null;
/** The turn in progress, or the last one once it has ended (so its texts stay on screen). */
const latestTurn = (s: SessionSnapshot): Turn | null => s.context.turn ?? s.context.transcript.at(-1) ?? null;
/** The agent's reply as streamed so far ('' until the first token of a new turn). */
export const selectReplyText = (s: SessionSnapshot) => latestTurn(s)?.agent ?? '';
/** What the user said in the latest turn, once the server transcribed it. */
export const selectUserText = (s: SessionSnapshot) => latestTurn(s)?.user ?? null;
/** The completed turns, oldest first (a new array only when a turn ends). */
export const selectTranscript = (s: SessionSnapshot) => s.context.transcript;
/** Microphone level 0..1 while recording. */
export const selectInputLevel = (s: SessionSnapshot) => s.context.level;
/** Why the last turn failed (or the microphone could not start); cleared when a turn starts. */
export const selectSessionError = (s: SessionSnapshot) => s.context.error;
/** Playback waits for a user gesture (autoplay policy): show a "click to hear" control. */
export const selectPlaybackBlocked = (s: SessionSnapshot) => s.context.blocked;

// Barge-in
export const selectBargeInState = (s: BargeInSnapshot) => topState(s.value) as BargeInState;

/** The named actors of a conversation, as `actor.system.get` returns them, typed. */
export interface ConversationChildren {
  connection: ConnectionActor;
  session: SessionActor;
  bargeIn: BargeInActor;
}

/** One named actor of a conversation actor (or of any actor whose system holds it). */
export function childOf<K extends keyof ConversationChildren>(
  actor: AnyActorRef,
  id: K,
): ConversationChildren[K] {
  const child = actor.system.get(id) as ConversationChildren[K] | undefined;
  if (!child) {
    throw new VoxError('conversation', 'actor.missing', `No actor "${id}" in this actor's system`, {
      details: { id },
    });
  }
  return child;
}

export const connectionOf = (actor: AnyActorRef) => childOf(actor, 'connection');
export const sessionOf = (actor: AnyActorRef) => childOf(actor, 'session');
export const bargeInOf = (actor: AnyActorRef) => childOf(actor, 'bargeIn');
