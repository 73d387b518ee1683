import { fromCallback } from 'xstate';
import type {
  CaptureCommand,
  CaptureEvent,
  PlaybackCommand,
  PlaybackEvent,
} from '../../machines/session.types.ts';
import { microphoneError } from '../../src/audio/microphone.ts';
import { tone } from './audio.ts';

/*
 * The browser's part, played by fakes that report what the real adapters (src/adapters) report, in the
 * session's vocabulary (machines/session.types.ts).
 */

/** A microphone that hears a voice, or `getUserMedia` failing as the browser makes it fail. */
export type Microphone = 'voice' | 'denied' | 'missing';

/** What Chromium's `getUserMedia` rejects with when permission is refused, or there is no device. */
const REFUSALS = {
  denied: () => new DOMException('Permission denied', 'NotAllowedError'),
  missing: () => new DOMException('Requested device not found', 'NotFoundError'),
};

/** Interval of the real adapter's `capture.level` events. */
const LEVEL_MS = 50;

/** A speaking voice's loudness `ms` into a turn: syllables rising and falling, about 0.02 to 0.3. */
const voiceLevel = (ms: number) =>
  0.02 + 0.28 * Math.abs(Math.sin(ms / 170)) * (0.6 + 0.4 * Math.sin(ms / 900));

/**
 * A voice reports `capture.started`, a level every 50 ms and, on `stop`, the recording as a WAV file.
 * A refused microphone reports the VoxError the real adapter makes of the browser's DOMException.
 */
export function fakeCapture(microphone: Microphone) {
  return fromCallback<CaptureCommand>(({ sendBack, receive }) => {
    const emit = (event: CaptureEvent) => sendBack(event);
    if (microphone !== 'voice') {
      const refusal = REFUSALS[microphone]();
      const timer = setTimeout(() => emit({ type: 'capture.error', error: microphoneError(refusal) }));
      return () => clearTimeout(timer);
    }
    const start = Date.now();
    emit({ type: 'capture.started', at: start });
    const levels = setInterval(() => {
      const at = Date.now();
      emit({ type: 'capture.level', rms: voiceLevel(at - start), at });
    }, LEVEL_MS);
    receive((command) => {
      if (command.type !== 'stop') return;
      clearInterval(levels);
      const durationMs = Date.now() - start;
      emit({ type: 'capture.done', audio: tone(durationMs / 1000), mimeType: 'audio/wav', durationMs });
    });
    return () => clearInterval(levels);
  });
}

/** Speakers that play at once, or an AudioContext the autoplay policy holds until a click. */
export type Speakers = 'play' | 'blocked';

/**
 * A reply starts as soon as its audio arrives (blocked: once `resume` comes from a click) and never
 * ends by itself, so that a story stays in `speaking`; `stop` silences it.
 */
export function fakePlayback(speakers: Speakers) {
  return fromCallback<PlaybackCommand>(({ sendBack, receive }) => {
    const emit = (event: PlaybackEvent) => sendBack(event);
    let suspended = speakers === 'blocked';
    let playing: number | null = null;
    // The real adapter reports a suspended AudioContext as soon as it starts.
    if (suspended) emit({ type: 'playback.blocked' });
    receive((command) => {
      if (command.type === 'play' && command.reply !== playing) {
        playing = command.reply;
        if (!suspended) emit({ type: 'playback.started', at: Date.now() });
      } else if (command.type === 'resume' && suspended) {
        suspended = false;
        if (playing !== null) emit({ type: 'playback.started', at: Date.now() });
      } else if (command.type === 'stop') {
        playing = null;
      }
    });
  });
}
