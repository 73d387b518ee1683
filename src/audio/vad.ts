/** Options of the energy detector; every level is an RMS in [0, 1] of one frame. */
export interface VadOptions {
  /**
   * A frame louder than this may be speech. Seed 000 uses 0.01; soft onsets ("w", "h", "f") stay under
   * it for tens of milliseconds, so the default is 0.005 and the noise floor guards noisy rooms.
   */
  threshold: number;
  /**
   * Consecutive loud frames that start speech. Seed 000 polls every 100 ms and wants 2; with frames of
   * one render quantum (2.7 ms) one is enough to duck the agent, and the barge-in confirmation window
   * decides whether it was speech.
   */
  startFrames: number;
  /**
   * Quiet that ends speech (the hangover that bridges gaps between syllables), in ms. Barge-in hears
   * of the end only after it, so a sound restores the agent if it is shorter than `confirmMs` − this.
   */
  hangoverMs: number;
  /** Hysteresis: once speaking, a frame stays loud down to `threshold × releaseRatio`. */
  releaseRatio: number;
  /** Speech must also be this many times louder than the noise floor. */
  floorRatio: number;
  /**
   * The floor never stays under the quietest frame of about this long (ms): a fan that starts, or a
   * hum present from the start, becomes the floor within it, even while it sounds like speech.
   */
  floorMs: number;
}

export const DEFAULT_VAD: VadOptions = {
  threshold: 0.005,
  startFrames: 1,
  hangoverMs: 40,
  releaseRatio: 0.5,
  floorRatio: 3,
  floorMs: 1500,
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
 * An energy detector with hysteresis and a tracked noise floor. The floor follows quiet frames (at once
 * down, slowly up, so a slowly rising hum stays floor), and is never under the quietest frame of the
 * last `floorMs` (minimum statistics), so a loud room cannot hold the detector in speech for good.
 * Self-contained: its source also runs inside the AudioWorkletGlobalScope (src/adapters/voice.ts).
 */
export function createVad(options: VadOptions, frameMs: number) {
  const FLOOR_BLOCKS = 4; // the floor's window in blocks: a louder room is learnt a block after it ends
  const endFrames = Math.max(1, Math.ceil(options.hangoverMs / frameMs));
  const blockFrames = Math.max(1, Math.round(options.floorMs / frameMs / FLOOR_BLOCKS));
  const minima: number[] = [];
  let blockMin = Number.POSITIVE_INFINITY;
  let inBlock = 0;
  let speaking = false;
  let run = 0; // consecutive frames that disagree with `speaking`
  let index = 0;
  let quiet = 0; // the floor as quiet frames show it
  let floor = 0;
  const rise = 0.002 * frameMs; // per frame: a time constant of about half a second
  let least = 0; // the quietest frame of the last FLOOR_BLOCKS whole blocks, once there are that many
  const track = (rms: number) => {
    blockMin = Math.min(blockMin, rms);
    if (++inBlock < blockFrames) return;
    minima.push(blockMin);
    if (minima.length > FLOOR_BLOCKS) minima.shift();
    if (minima.length === FLOOR_BLOCKS) least = Math.min(...minima);
    blockMin = Number.POSITIVE_INFINITY;
    inBlock = 0;
  };
  const vad: Vad = {
    push(rms) {
      const frame = index++;
      const bar = Math.max(
        options.threshold * (speaking ? options.releaseRatio : 1),
        floor * options.floorRatio,
      );
      const loud = rms > bar;
      if (!speaking && !loud) quiet = rms < quiet ? rms : quiet + rise * (rms - quiet);
      track(rms);
      floor = Math.max(quiet, least);
      if (loud === speaking) {
        run = 0;
        return null;
      }
      run++;
      if (run < (speaking ? endFrames : options.startFrames)) return null;
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
  return vad;
}
