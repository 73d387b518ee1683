/**
 * Speech found by energy, the way seed 000's client finds barge-in: 20 ms frames whose RMS is above
 * 0.01 (about -40 dBFS) are loud; two loud frames in a row start a segment, 300 ms of quiet ends it.
 * It finds when someone speaks, never what they say.
 */
export interface Segment {
  startMs: number;
  endMs: number;
}

export interface SpeechAnalysis {
  durationMs: number;
  segments: Segment[];
  /** Loudest frame, in dB relative to full scale (-Infinity for digital silence). */
  peakDb: number;
}

export interface DetectorOptions {
  /** RMS (0..1) above which a frame counts as loud. */
  threshold?: number;
  frameMs?: number;
  /** Loud frames in a row that start a segment. */
  startFrames?: number;
  /** Quiet that ends a segment. */
  hangoverMs?: number;
}

export type SpeechChange = { type: 'started'; atMs: number } | { type: 'ended'; atMs: number };

export class SpeechDetector {
  private readonly threshold: number;
  private readonly frameSize: number;
  private readonly frameMs: number;
  private readonly startFrames: number;
  private readonly hangoverFrames: number;
  private frame = 0;
  /** Samples and sum of squares of the frame being filled. */
  private partial = 0;
  private partialSum = 0;
  private loudRun = 0;
  private quietRun = 0;
  private peak = 0;
  private open: Segment | null = null;
  private readonly segments: Segment[] = [];

  constructor(
    readonly sampleRate: number,
    { threshold = 0.01, frameMs = 20, startFrames = 2, hangoverMs = 300 }: DetectorOptions = {},
  ) {
    this.threshold = threshold;
    this.frameMs = frameMs;
    this.frameSize = Math.max(1, Math.round((sampleRate * frameMs) / 1000));
    this.startFrames = startFrames;
    this.hangoverFrames = Math.ceil(hangoverMs / frameMs);
  }

  /** Whether a segment is open (speech is going on, or paused for less than the hangover). */
  get speaking(): boolean {
    return this.open !== null;
  }

  /** Quiet since the last loud frame, once some speech was heard. */
  get silenceMs(): number {
    return this.segments.length > 0 || this.open ? this.quietRun * this.frameMs : 0;
  }

  push(samples: Float32Array): SpeechChange[] {
    const changes: SpeechChange[] = [];
    for (const x of samples) {
      this.partialSum += x * x;
      if (++this.partial < this.frameSize) continue;
      const change = this.frameDone(Math.sqrt(this.partialSum / this.frameSize));
      if (change) changes.push(change);
      this.partial = 0;
      this.partialSum = 0;
    }
    return changes;
  }

  finish(): SpeechAnalysis {
    const durationMs = ((this.frame * this.frameSize + this.partial) * 1000) / this.sampleRate;
    const segments = this.open ? [...this.segments, this.closeAt(this.frame - this.quietRun)] : this.segments;
    return { durationMs, segments, peakDb: 20 * Math.log10(this.peak) };
  }

  private frameDone(level: number): SpeechChange | null {
    const index = this.frame++;
    this.peak = Math.max(this.peak, level);
    if (level > this.threshold) {
      this.loudRun++;
      this.quietRun = 0;
      if (!this.open && this.loudRun >= this.startFrames) {
        this.open = { startMs: (index + 1 - this.loudRun) * this.frameMs, endMs: 0 };
        return { type: 'started', atMs: this.open.startMs };
      }
      return null;
    }
    this.loudRun = 0;
    this.quietRun++;
    if (this.open && this.quietRun >= this.hangoverFrames) {
      const segment = this.closeAt(index + 1 - this.quietRun);
      this.segments.push(segment);
      this.open = null;
      return { type: 'ended', atMs: segment.endMs };
    }
    return null;
  }

  private closeAt(frame: number): Segment {
    return { startMs: this.open?.startMs ?? 0, endMs: frame * this.frameMs };
  }
}
