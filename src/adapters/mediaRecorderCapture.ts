import { VoxError } from '../errors.ts';
import { type CaptureAdapterOptions, captureAdapter, type RecorderKind } from './capture.ts';

/** Tried in order after the requested type: Chrome/Firefox record WebM or Ogg Opus, Safari MP4 (AAC). */
export const FALLBACK_TYPES = [
  'audio/webm;codecs=opus',
  'audio/ogg;codecs=opus',
  'audio/mp4;codecs=mp4a.40.2',
  'audio/mp4',
  'audio/webm',
];

export interface MediaRecorderCaptureOptions extends CaptureAdapterOptions {
  /** Try `FALLBACK_TYPES` when the format's type cannot be recorded here (default true). */
  fallback?: boolean;
  audioBitsPerSecond?: number;
}

/** The first type this browser can record, or undefined. */
export function pickMimeType(requested: string, fallback: boolean): string | undefined {
  const Recorder = globalThis.MediaRecorder;
  if (!Recorder) return undefined;
  return [requested, ...(fallback ? FALLBACK_TYPES : [])].find((type) => Recorder.isTypeSupported(type));
}

function mediaRecorderKind(options: MediaRecorderCaptureOptions): RecorderKind {
  return {
    plan(format, context) {
      const mimeType = pickMimeType(format.mimeType, options.fallback ?? true);
      if (!mimeType) {
        const supported = FALLBACK_TYPES.filter((type) => globalThis.MediaRecorder?.isTypeSupported(type));
        return new VoxError(
          'capture',
          'capture.unsupported-type',
          `This browser cannot record ${format.mimeType}. ${
            supported.length
              ? `It can record ${supported.join(', ')}.`
              : 'It cannot record audio with MediaRecorder.'
          }`,
          { details: { mimeType: format.mimeType, supported: supported.join(',') } },
        );
      }
      return { mimeType, outRate: context.sampleRate, frameSamples: 0 };
    },
    start(parts, plan, format) {
      const { context } = parts;
      const streaming = format.frameMs !== undefined;
      // Record the graph's (mutable, switchable, mono) signal rather than the raw track.
      const destination = context.createMediaStreamDestination();
      destination.channelCount = 1;
      parts.signal.connect(destination);
      const recorder = new MediaRecorder(destination.stream, {
        mimeType: plan.mimeType,
        audioBitsPerSecond: options.audioBitsPerSecond,
      });
      const chunks: Uint8Array[] = [];
      let index = 0;
      let pending = Promise.resolve();
      const startedAt = context.currentTime * 1000;
      recorder.ondataavailable = ({ data }) => {
        if (data.size === 0) return;
        const at = Date.now();
        const audioAt = context.currentTime * 1000;
        // Blob reads may settle out of order: chain them to keep the container stream in order.
        pending = pending.then(async () => {
          const audio = new Uint8Array(await data.arrayBuffer());
          if (streaming) parts.emit({ type: 'capture.frame', audio, index: index++, at, audioAt });
          else chunks.push(audio);
        });
      };
      recorder.onerror = (event) =>
        parts.fail(
          new VoxError(
            'capture',
            'capture.recorder',
            `The browser's recorder failed (${String((event as ErrorEvent).error ?? event.type)}).`,
          ),
        );
      recorder.start(streaming ? format.frameMs : undefined);
      return {
        stop: () =>
          new Promise((resolve) => {
            recorder.onstop = () =>
              void pending.then(() => {
                const durationMs = context.currentTime * 1000 - startedAt;
                if (streaming) return resolve({ durationMs });
                const audio = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
                chunks.reduce((offset, chunk) => (audio.set(chunk, offset), offset + chunk.length), 0);
                resolve({ audio, durationMs });
              });
            recorder.stop();
          }),
        release() {
          recorder.ondataavailable = null;
          recorder.onerror = null;
          if (recorder.state !== 'inactive') recorder.stop();
          for (const track of destination.stream.getTracks()) track.stop();
          parts.signal.disconnect(destination);
        },
      };
    },
  };
}

/**
 * Compressed audio with the browser's MediaRecorder: `capture.frame` per timeslice (`frameMs`, seed
 * 002's 250 ms Opus) for streaming dialects, or one file in `capture.done` without `frameMs`.
 */
export const mediaRecorderCapture = (options: MediaRecorderCaptureOptions = {}) =>
  captureAdapter(options, mediaRecorderKind(options));
