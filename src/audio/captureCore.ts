import type { Resampler } from './resample.ts';

export interface CaptureCoreOptions {
  /** Samples per frame at the output rate; 0 sends no frames (level only). */
  frameSamples: number;
  /** Samples per level report at the output rate; 0 sends no levels. */
  levelSamples: number;
}

/** Where the core delivers its results. Indices count output samples from the start of the capture. */
export interface CaptureSink {
  /** A full frame as 16-bit PCM (ready to send) and as floats (for analysis in the worklet). */
  frame(pcm: Int16Array, floats: Float32Array, index: number): void;
  /** RMS and peak (0 to 1) of the `levelSamples` ending at output sample `end`. */
  level(rms: number, peak: number, end: number): void;
}

export interface CaptureCore {
  /** Feeds the next block of mono input. */
  push(input: Float32Array): void;
  /** Ends the capture: releases the resampler's tail, pads the last frame with silence, returns the real sample count. */
  flush(): number;
}

/**
 * The capture pipeline behind the AudioWorklet: resample, cut into fixed frames, measure the level.
 * Self-contained (its source runs inside the AudioWorkletGlobalScope, see worklet.ts); the resampler is
 * passed in for the same reason.
 */
export function createCaptureCore(
  options: CaptureCoreOptions,
  resampler: Resampler,
  sink: CaptureSink,
): CaptureCore {
  const { frameSamples, levelSamples } = options;
  let frame = new Float32Array(frameSamples);
  let filled = 0;
  let frames = 0;
  let total = 0;
  let squares = 0;
  let peak = 0;
  let measured = 0;

  const emitFrame = () => {
    const pcm = new Int16Array(frameSamples);
    for (let i = 0; i < frameSamples; i++) {
      const s = Math.max(-1, Math.min(1, frame[i] as number));
      pcm[i] = Math.round(s < 0 ? s * 32768 : s * 32767);
    }
    sink.frame(pcm, frame, frames++);
    frame = new Float32Array(frameSamples);
    filled = 0;
  };

  const take = (samples: Float32Array) => {
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i] as number;
      if (frameSamples > 0) {
        frame[filled++] = s;
        if (filled === frameSamples) emitFrame();
      }
      if (levelSamples > 0) {
        squares += s * s;
        peak = Math.max(peak, Math.abs(s));
        if (++measured === levelSamples) {
          sink.level(Math.sqrt(squares / levelSamples), peak, total + i + 1);
          squares = 0;
          peak = 0;
          measured = 0;
        }
      }
    }
    total += samples.length;
  };

  return {
    push(input) {
      take(resampler.process(input));
    },
    flush() {
      take(resampler.flush());
      if (filled > 0) emitFrame();
      return total;
    },
  };
}
