/** Options of the energy detector; every level is an RMS in [0, 1] of one frame. */
export interface VadOptions {
  /** A frame louder than this may be speech (seed 000: 0.01). */
  threshold: number;
  /** Consecutive loud frames that start speech (seed 000: 2). */
  startFrames: number;
  /** Consecutive quiet frames that end it (the hangover that bridges gaps between syllables). */
  endFrames: number;
  /** Hysteresis: once speaking, a frame stays loud down to `threshold × releaseRatio`. */
  releaseRatio: number;
  /** Speech must also be this many times louder than the tracked noise floor. */
  floorRatio: number;
}

export const DEFAULT_VAD: VadOptions = {
  threshold: 0.01,
  startFrames: 2,
  endFrames: 8,
  releaseRatio: 0.5,
  floorRatio: 3,
};

/** What a frame changed: `start`/`end` name the frame index where the speech began or the silence began. */
export type VadChange = { type: 'start' | 'end'; frame: number } | null;

export interface Vad {
  /** Feeds the next frame's RMS. */
  push(rms: number): VadChange;
  readonly speaking: boolean;
  /** The tracked noise floor (RMS). */
  readonly floor: number;
}

/**
 * An energy detector with hysteresis and a tracked noise floor. Self-contained: its source also runs
 * inside the AudioWorkletGlobalScope (src/adapters/voice.ts).
 */
export function createVad(options: VadOptions): Vad {
  let speaking = false;
  let run = 0; // consecutive frames that disagree with `speaking`
  let index = 0;
  let floor = 0;
  return {
    push(rms) {
      const frame = index++;
      const bar = Math.max(
        options.threshold * (speaking ? options.releaseRatio : 1),
        floor * options.floorRatio,
      );
      const loud = rms > bar;
      if (!speaking && !loud) {
        // The floor falls at once to a quieter room and rises slowly with a louder one.
        floor = rms < floor ? rms : floor + 0.02 * (rms - floor);
      }
      if (loud === speaking) {
        run = 0;
        return null;
      }
      run++;
      if (run < (speaking ? options.endFrames : options.startFrames)) return null;
      speaking = loud;
      const first = frame - run + 1;
      run = 0;
      return { type: speaking ? 'start' : 'end', frame: first };
    },
    get speaking() {
      return speaking;
    },
    get floor() {
      return floor;
    },
  };
}
