/** What the server reports about its conversations, for tests, the demo and the console. */
import type { ClientRequest } from './protocols/types.ts';

interface Base {
  /** Date.now() when it happened. */
  at: number;
  /** The connection's id. */
  conversation: string;
  dialect: string;
}

export type ServerLogEvent =
  | (Base & { type: 'open'; path: string })
  | (Base & { type: 'close'; code: number })
  /** A valid client message, by kind (`interrupt` is the barge-in, seed 000's `stop_audio`). */
  | (Base & { type: 'request'; request: ClientRequest['type'] })
  /** Client input answered with the dialect's error message (malformed, oversized, out of order). */
  | (Base & { type: 'refused'; message: string })
  | (Base & { type: 'reply.start'; replyId: string })
  | (Base & {
      type: 'reply.end';
      replyId: string;
      outcome: 'done' | 'interrupted' | 'failed';
      text?: string;
      message?: string;
    });

/** Fault switches the conversations read (see FaultControls for the actions). */
export interface FaultState {
  /** Heartbeat pings go unanswered, so clients see a half-open connection. */
  mutePings: boolean;
  /** Every reply waits this long before its first event. */
  delayMs: number;
}

/** `Omit` that keeps each member of a union apart. */
export type LogInput = ServerLogEvent extends infer E
  ? E extends ServerLogEvent
    ? Omit<E, 'at' | 'conversation' | 'dialect'>
    : never
  : never;
