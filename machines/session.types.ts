import type { ServerEvent, Stage } from '../src/dialects/types.ts';
import type { VoxError } from '../src/errors.ts';
import type { ConnectionEmitted } from './connection.machine.ts';

/** One exchange: what the user said and what the agent answered. */
export interface Turn {
  id: number;
  /** The transcript of the user's speech, once the server sent it. */
  user: string | null;
  /** The agent's reply text as streamed so far (complete once the turn is). */
  agent: string;
  replyId: string | null;
  /** Adapter timestamps (ms) of the reply's milestones, for latency figures. */
  at: {
    firstEvent: number | null;
    transcript: number | null;
    firstToken: number | null;
    firstAudio: number | null;
    done: number | null;
  };
  interrupted: boolean;
  /** Why the turn failed (`reply.timeout`, `server.error`, `connection.lost`, ...), or null. */
  failed: string | null;
  /** The turn was sent again after a failure. */
  resent: boolean;
}

/** The user's audio for a turn, kept until the turn completes so it can be resent. */
export interface Clip {
  audio: Uint8Array;
  mimeType: string;
}

/**
 * What the session needs from a capture adapter's reports: the fields it reads. The browser adapters
 * (src/audio/types.ts) send these with more detail (audio-clock times, devices, ...).
 */
export type CaptureEvent =
  | { type: 'capture.started'; at: number }
  | { type: 'capture.frame'; audio: Uint8Array; at: number }
  | { type: 'capture.level'; rms: number; at: number }
  /** `audio`: the whole recording for turn formats; absent for streaming formats (sent as frames). */
  | { type: 'capture.done'; audio?: Uint8Array; mimeType: string; durationMs: number }
  | { type: 'capture.error'; error: VoxError };

export type CaptureCommand = { type: 'stop' } | { type: 'mute'; muted: boolean };

/** What the session needs from the playback adapter's reports (see `CaptureEvent`). */
export type PlaybackEvent =
  | { type: 'playback.started'; at: number }
  /** Everything queued for the reply has played (after `finish`). */
  | { type: 'playback.ended'; heardMs: number; at: number }
  /** Playback was stopped (after `stop`). */
  | { type: 'playback.stopped'; heardMs: number; at: number }
  /** The AudioContext is suspended by the autoplay policy: a user gesture must `resume` it. */
  | { type: 'playback.blocked' }
  | { type: 'playback.resumed' }
  | { type: 'playback.error'; error: VoxError };

/** `reply` is the turn id: increasing, so a stop can drop every sample of a reply, however late. */
export type PlaybackCommand =
  | { type: 'play'; reply: number; audio: Uint8Array; mimeType: string; sampleRate?: number; whole: boolean }
  /** No more audio for this reply: report `playback.ended` once what is queued has played. */
  | { type: 'finish'; reply: number }
  /** Silence now and drop this reply's audio, queued or still to come. */
  | { type: 'stop'; reply: number }
  /** Lower the volume while the user may be barging in, and bring it back. */
  | { type: 'duck' }
  | { type: 'restore' }
  | { type: 'resume' };

/** A server event as the session handles it: decoded by the dialect, stamped with its arrival. */
export type TimedServerEvent = ServerEvent & { at: number };

export type SessionEvent =
  | { type: 'connect' }
  | { type: 'disconnect' }
  | { type: 'reconnect' }
  | { type: 'record.start' }
  | { type: 'record.stop' }
  /** Start a recording, or end the one in progress (a toggle button). */
  | { type: 'record.toggle' }
  /** Voice activity on the microphone, with audio-clock timestamps (hands-free turn-taking). */
  | { type: 'speech.start'; at: number }
  | { type: 'speech.end'; at: number }
  /** Hands-free: the user has been silent for `silenceMs`. */
  | { type: 'turn.silence' }
  | { type: 'audio.send'; audio: Uint8Array; mimeType: string }
  | { type: 'interrupt' }
  /** A user gesture: resume an AudioContext the autoplay policy suspended. */
  | { type: 'audio.resume' }
  /** Resend the audio of the last failed turn (once). */
  | { type: 'turn.retry' }
  | { type: 'turn.stalled' }
  | ConnectionEmitted
  | TimedServerEvent
  | CaptureEvent
  | PlaybackEvent;

export type SessionEmitted =
  | { type: 'session.error'; error: VoxError }
  /** Something unexpected was ignored (an event out of order, a late frame): nothing broke. */
  | { type: 'session.warning'; error: VoxError }
  | { type: 'session.turn'; turn: Turn }
  /** The agent's reply started / stopped playing: barge-in is armed in between. */
  | { type: 'session.speaking'; speaking: boolean };

export type { Stage };
