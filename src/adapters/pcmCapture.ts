import { joinFrames } from '../audio/pcm.ts';
import { encodeWav } from '../audio/wav.ts';
import { VoxError } from '../errors.ts';
import { type CaptureAdapterOptions, captureAdapter, type RecorderKind } from './capture.ts';

const STREAM_TYPES = ['audio/pcm', 'audio/l16'];
const DEFAULT_FRAME_MS = 20;

const bytesOf = (pcm: Int16Array) => new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);

/**
 * 16-bit PCM at the format's rate, resampled in an AudioWorklet from the device rate. `audio/wav`: one
 * real WAV file per turn in `capture.done`; `audio/pcm`: `capture.frame` events of exactly `frameMs`
 * (default 20 ms; the last one padded with silence).
 */
const pcmKind: RecorderKind = {
  plan(format) {
    const type = format.mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'audio/wav' && !STREAM_TYPES.includes(type)) {
      return new VoxError(
        'capture',
        'capture.unsupported-type',
        `The pcm capture cannot produce ${format.mimeType}: use audio/wav or audio/pcm, or the mediaRecorder capture for compressed audio.`,
        { details: { mimeType: format.mimeType } },
      );
    }
    const frameMs = format.frameMs ?? DEFAULT_FRAME_MS;
    return {
      mimeType: type,
      outRate: format.sampleRate,
      frameSamples: Math.round((format.sampleRate * frameMs) / 1000),
    };
  },
  start(parts, plan) {
    const streaming = plan.mimeType !== 'audio/wav';
    const frames: Int16Array[] = [];
    return {
      onMessage(message) {
        if (message.type !== 'frame') return;
        if (!streaming) frames.push(message.pcm);
        else {
          parts.emit({
            type: 'capture.frame',
            audio: bytesOf(message.pcm),
            index: message.index,
            at: Date.now(),
            audioAt: parts.audioTimeOf(message.index * plan.frameSamples),
          });
        }
      },
      async stop() {
        const samples = await parts.flush();
        const durationMs = (samples / plan.outRate) * 1000;
        if (streaming) return { durationMs };
        const audio = encodeWav({
          sampleRate: plan.outRate,
          channels: 1,
          samples: joinFrames(frames, samples),
        });
        return { audio, durationMs };
      },
      release() {
        frames.length = 0;
      },
    };
  },
};

export const pcmCapture = (options: CaptureAdapterOptions = {}) => captureAdapter(options, pcmKind);
