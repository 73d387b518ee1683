import { type AnyActorLogic, createActor } from 'xstate';
import { type SessionInput, sessionMachine } from '../machines/session.machine.ts';
import { type CreateConnectionOptions, createConnectionMachine } from './connection.ts';
import type { Dialect } from './dialects/types.ts';
import { VoxError } from './errors.ts';
import { uuid } from './uuid.ts';

export interface SessionOptions
  extends Omit<CreateConnectionOptions, 'protocols' | 'owner' | 'awaitHandshake'> {
  dialect: Dialect;
  /** The conversation's thread; kept across reconnects. A random UUID when not given. */
  threadId?: string;
  /** A turn fails when the server stays silent this long while a reply is due (default 15 s). */
  replyTimeoutMs?: number;
  /** Longest recording (default: what fits in one message for turn-based dialects, 60 s streaming). */
  maxRecordingMs?: number;
  /** Turns kept in the transcript (default 50). */
  maxTurns?: number;
  /** Resend policy for a turn lost with the connection (default `manual`: on `turn.retry` only). */
  resend?: SessionInput['resend'];
  /**
   * `push-to-talk` (default): `record.start`/`record.stop` (or `record.toggle`) frame a turn.
   * `hands-free`: the user's speech starts a recording and `silenceMs` of silence ends it (needs a
   * voice-activity adapter).
   */
  turnTaking?: 'push-to-talk' | 'hands-free';
  /** Hands-free: silence that ends the user's turn (default 700 ms). */
  silenceMs?: number;
  /** Hands-free: a whole-clip recording with less speech than this is dropped, not sent (default 200 ms). */
  minSpeechMs?: number;
  /** Capture and playback adapters (browser); without them the session works with `audio.send` only. */
  adapters?: { capture?: AnyActorLogic; playback?: AnyActorLogic };
}

function positive(option: string, value: number | undefined, fallback: number, integer = false): number {
  const v = value ?? fallback;
  if (!(v > 0) || (integer && !Number.isInteger(v))) {
    throw new VoxError(
      'options',
      'option.invalid',
      `${option} must be ${integer ? 'a whole number ' : ''}> 0, got ${v}`,
      {
        details: { option },
      },
    );
  }
  return v;
}

/** The session machine with its connection and adapters provided, and its validated input. */
export function createSessionMachine(options: SessionOptions) {
  const { dialect } = options;
  const heartbeat = options.heartbeat === false ? false : { ...dialect.heartbeat, ...options.heartbeat };
  const connection = createConnectionMachine({
    ...options,
    protocols: dialect.protocols,
    heartbeat,
    awaitHandshake: true,
  });
  const input: SessionInput = {
    dialect,
    threadId: options.threadId ?? uuid(),
    connection: connection.settings,
    replyTimeoutMs: positive('replyTimeoutMs', options.replyTimeoutMs, 15_000),
    maxRecordingMs:
      options.maxRecordingMs === undefined ? null : positive('maxRecordingMs', options.maxRecordingMs, 0),
    maxTurns: positive('maxTurns', options.maxTurns, 50, true),
    resend: options.resend ?? 'manual',
    handsFree: options.turnTaking === 'hands-free',
    silenceMs: positive('silenceMs', options.silenceMs, 700),
    minSpeechMs: positive('minSpeechMs', options.minSpeechMs, 200),
  };
  const machine = sessionMachine.provide({
    actors: {
      connection: connection.machine,
      ...(options.adapters?.capture ? { capture: options.adapters.capture } : {}),
      ...(options.adapters?.playback ? { playback: options.adapters.playback } : {}),
    },
  });
  return { machine, input };
}

/** A session actor, not yet started; `connect` opens the connection and runs the handshake. */
export function createSession(options: SessionOptions) {
  const { machine, input } = createSessionMachine(options);
  return createActor(machine, { input });
}
