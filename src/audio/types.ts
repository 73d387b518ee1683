import type { CaptureFormat } from '../dialects/types.ts';
import type { VoxError } from '../errors.ts';

/**
 * The events and commands of the audio adapters (`pcmCapture`, `mediaRecorderCapture`, `playback`).
 *
 * Time: every `at` is in milliseconds on the AudioContext's clock (`context.currentTime × 1000`), not
 * `Date.now()`. Capture and playback that share one `AudioHost` share that clock, so a speech onset and
 * the agent's audio can be compared sample-accurately (barge-in).
 */

/** A microphone as `enumerateDevices` lists it (labels are empty until the user grants access). */
export interface AudioInputDevice {
  deviceId: string;
  groupId: string;
  label: string;
}

/** What the session gives a capture actor when it starts one (one actor per user turn). */
export interface CaptureInput {
  /** The dialect's format: `audio/wav` (one WAV per turn), `audio/pcm` (16-bit frames), `audio/webm;codecs=opus`, ... */
  format: CaptureFormat;
  /** A microphone from `capture.devices`; the default device when absent. */
  deviceId?: string;
  /** Record this stream instead of opening the microphone; the adapter never stops its tracks. */
  stream?: MediaStream;
  /** Start muted (silence is captured, the clock keeps running). */
  muted?: boolean;
  /** Interval of `capture.level` events; 0 turns them off. Default 50 ms. */
  levelMs?: number;
}

export type CaptureEvent =
  /** The microphone is open and audio flows. `sampleRate` is that of `capture.frame`/`capture.done` audio. */
  | {
      type: 'capture.started';
      mimeType: string;
      sampleRate: number;
      deviceId?: string;
      label?: string;
      at: number;
    }
  /**
   * Streaming formats: one frame (`pcm`: 16-bit little-endian mono, `frameMs` long; `mediaRecorder`: one
   * timeslice of the container stream, the first one carrying its header). `index` counts from 0.
   */
  | { type: 'capture.frame'; audio: Uint8Array; index: number; at: number }
  /** Input level for a meter: RMS and peak in [0, 1] over the last `levelMs`. */
  | { type: 'capture.level'; rms: number; peak: number; at: number }
  /**
   * The capture ended after `stop` and the microphone is released. `audio` is the whole recording for
   * turn formats (a real WAV for `audio/wav`; the container file for MediaRecorder without `frameMs`),
   * absent for streaming formats, whose audio went out as frames.
   */
  | { type: 'capture.done'; audio?: Uint8Array; mimeType: string; durationMs: number; at: number }
  /** The list of microphones, at start and after every `devicechange`. */
  | { type: 'capture.devices'; devices: AudioInputDevice[] }
  /** The microphone changed after a `device` command. */
  | { type: 'capture.device'; deviceId?: string; label?: string }
  /** The AudioContext is suspended (autoplay policy, iOS interruption): nothing is captured until `resume`. */
  | { type: 'capture.blocked' }
  | { type: 'capture.resumed' }
  /** Fatal: the microphone is released. `error.source` is 'capture'; codes listed in README (capture.*). */
  | { type: 'capture.error'; error: VoxError };

export type CaptureCommand =
  /** End the turn: flush what is buffered, send `capture.done`, release the microphone. */
  | { type: 'stop' }
  | { type: 'mute' }
  | { type: 'unmute' }
  /** Switch microphones without ending the capture (pcm: the frame clock does not jump). */
  | { type: 'device'; deviceId: string }
  /** Resume a suspended AudioContext; send it from a click handler (a user gesture). */
  | { type: 'resume' };

/** Audio for the playback actor: the shape of the dialects' `server.audio` event. */
export interface PlaybackAudio {
  /** WAV or `audio/pcm` (16-bit little-endian mono at `sampleRate`); anything `decodeAudioData` reads (MP3, ...). */
  audio: Uint8Array;
  mimeType: string;
  /** Required for `audio/pcm`. */
  sampleRate?: number;
  /** A complete reply in one piece (seed 004's `tts_complete`): plays at once, then ends the reply. */
  whole?: boolean;
  /** Chunks with the same id form one reply; a new id ends the previous reply. */
  replyId?: string;
}

export type PlaybackCommand =
  | ({ type: 'play' } & PlaybackAudio)
  /** No more chunks for the current reply: it ends when its audio has played. */
  | { type: 'end'; replyId?: string }
  /** The session's (machines/session.types.ts) names for `end` of the current reply and `unduck`. */
  | { type: 'finish'; reply?: number }
  | { type: 'restore' }
  /**
   * Silence within one render quantum (a short fade), drop every queued chunk, and every chunk that
   * still arrives for the stopped reply ids. Answered by `playback.stopped` with what was heard.
   */
  | { type: 'stop' }
  /** Lower the volume smoothly to `level` (default 0.25) over `rampMs` (default 15). */
  | { type: 'duck'; level?: number; rampMs?: number }
  /** Restore the volume smoothly over `rampMs` (default 150). */
  | { type: 'unduck'; rampMs?: number }
  /** Output volume, 0 to 1. */
  | { type: 'volume'; value: number }
  /** Output device (`AudioContext.setSinkId`, where the browser has it); '' is the default device. */
  | { type: 'sink'; deviceId: string }
  /** Resume a suspended AudioContext; send it from a click handler (a user gesture). */
  | { type: 'resume' };

export type PlaybackEvent =
  /** The first sample of a reply reached the output, at audio-clock time `at`. */
  | { type: 'playback.started'; replyId?: string; at: number }
  /** The reply played to its end. `heardMs`: how much of it reached the output. */
  | { type: 'playback.ended'; replyId?: string; at: number; heardMs: number }
  /** After `stop`: silent from `at` on. `heardMs`: how much of the reply the user heard. */
  | { type: 'playback.stopped'; replyId?: string; at: number; heardMs: number }
  /** The reply's audio ran out before its end (the network is late): silence until the jitter buffer refills. */
  | { type: 'playback.underrun'; replyId?: string; at: number }
  /** The AudioContext is suspended (autoplay policy: "needs a click"); audio waits until `resume`. */
  | { type: 'playback.blocked' }
  | { type: 'playback.resumed' }
  | { type: 'playback.sink'; deviceId: string }
  /** Not fatal: a reply that cannot be decoded, an output device that cannot be used. */
  | { type: 'playback.error'; error: VoxError; replyId?: string };
