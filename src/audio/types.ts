import type { CaptureFormat } from '../dialects/types.ts';
import type { VoxError } from '../errors.ts';

/**
 * The events and commands of the audio adapters (`pcmCapture`, `mediaRecorderCapture`, `playback`).
 *
 * Time: `at` is `Date.now()` when the adapter sends the event, as on every adapter event of the
 * library. `audioAt` is milliseconds on the AudioContext's clock (`context.currentTime × 1000`) of what
 * the event describes (a frame's first sample, a reply's first audible sample): capture and playback
 * that share one `AudioHost` share that clock, so a speech onset and the agent's audio compare
 * sample-accurately (barge-in).
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
      audioAt: number;
    }
  /**
   * Streaming formats: one frame (`pcm`: 16-bit little-endian mono, `frameMs` long; `mediaRecorder`: one
   * timeslice of the container stream, the first one carrying its header). `index` counts from 0.
   * `audioAt`: pcm, the frame's first sample; mediaRecorder, when the browser delivered the timeslice.
   */
  | { type: 'capture.frame'; audio: Uint8Array; index: number; at: number; audioAt: number }
  /** Input level for a meter: RMS and peak in [0, 1] over the last `levelMs`. */
  | { type: 'capture.level'; rms: number; peak: number; at: number; audioAt: number }
  /**
   * The capture ended after `stop` and the microphone is released. `audio` is the whole recording for
   * turn formats (a real WAV for `audio/wav`; the container file for MediaRecorder without `frameMs`),
   * absent for streaming formats, whose audio went out as frames.
   */
  | {
      type: 'capture.done';
      audio?: Uint8Array;
      mimeType: string;
      durationMs: number;
      at: number;
      audioAt: number;
    }
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
  /** Muted, the microphone captures silence; frames keep coming, so the stream's clock does not jump. */
  | { type: 'mute'; muted: boolean }
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
  /**
   * Which reply the audio belongs to (the session's turn id). Chunks with the same `reply` form one
   * reply; a new value finishes the previous one. Events name the reply they are about.
   */
  reply?: number;
}

export type PlaybackCommand =
  | ({ type: 'play' } & PlaybackAudio)
  /** No more chunks for this reply (default: the current one): it ends when its audio has played. */
  | { type: 'finish'; reply?: number }
  /**
   * Silence within one render quantum (a short fade), drop every queued chunk, and every chunk that
   * still arrives for a stopped reply (and for `reply`, even if none of it came yet). Answered by
   * `playback.stopped` with what was heard.
   */
  | { type: 'stop'; reply?: number }
  /** Lower the volume smoothly to `level` (default 0.25) over `rampMs` (default 15). */
  | { type: 'duck'; level?: number; rampMs?: number }
  /** Restore the volume smoothly over `rampMs` (default 150). */
  | { type: 'restore'; rampMs?: number }
  /** Output volume, 0 to 1. */
  | { type: 'volume'; value: number }
  /** Output device (`AudioContext.setSinkId`, where the browser has it); '' is the default device. */
  | { type: 'sink'; deviceId: string }
  /** Resume a suspended AudioContext; send it from a click handler (a user gesture). */
  | { type: 'resume' };

export type PlaybackEvent =
  /** The first sample of a reply reached the output, at audio-clock time `audioAt`. */
  | { type: 'playback.started'; reply?: number; at: number; audioAt: number }
  /** The reply played to its end (after `finish`). `heardMs`: how much of it reached the output. */
  | { type: 'playback.ended'; reply?: number; at: number; audioAt: number; heardMs: number }
  /** After `stop`: silent from `audioAt` on. `heardMs`: how much of the reply the user heard. */
  | { type: 'playback.stopped'; reply?: number; at: number; audioAt: number; heardMs: number }
  /** The reply's audio ran out before its end (the network is late): silence until the jitter buffer refills. */
  | { type: 'playback.underrun'; reply?: number; at: number; audioAt: number }
  /** The AudioContext is suspended (autoplay policy: "needs a click"); audio waits until `resume`. */
  | { type: 'playback.blocked' }
  | { type: 'playback.resumed' }
  | { type: 'playback.sink'; deviceId: string }
  /** Not fatal: a reply that cannot be decoded, an output device that cannot be used. */
  | { type: 'playback.error'; error: VoxError; reply?: number };
