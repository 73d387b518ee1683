export interface EchoGateOptions {
  sampleRate: number;
  /** The longest speaker-to-microphone delay searched (output latency + air + input latency). */
  maxDelayMs: number;
  /** How much of the recent microphone signal the delay search compares. */
  windowMs: number;
  /** The coarse search runs on signals averaged down to about this rate (Hz), then refines at full rate. */
  coarseRate: number;
  /**
   * The search runs at most once per this interval; frames in between use the delay it found. The
   * path changes slowly, and short frames would otherwise repeat the search each time.
   */
  searchMs: number;
}

export const DEFAULT_ECHO_GATE: Omit<EchoGateOptions, 'sampleRate'> = {
  maxDelayMs: 250,
  windowMs: 40,
  coarseRate: 6000,
  searchMs: 20,
};

export interface EchoMatch {
  /** RMS of the microphone frame. */
  rms: number;
  /** RMS of what the delayed reference does not explain: the part that can be the user's voice. */
  residual: number;
  /** Normalised cross-correlation of the frame with the reference at `delayMs` (-1 to 1). */
  correlation: number;
  delayMs: number;
}

export interface EchoGate {
  /**
   * Feeds one frame of microphone and of playback reference (same length, same instants) and says how
   * much of the microphone frame is not the agent's own voice. Without `search` (a frame too quiet to
   * matter) it only records the frame: the residual is then the whole RMS.
   */
  push(microphone: Float32Array, reference: Float32Array, search?: boolean): EchoMatch;
}

/**
 * The echo gate: the client knows what it plays, so the part of the microphone signal that is the
 * played reference, delayed and scaled, is the agent's own voice and not the user's. The delay is
 * found by normalised cross-correlation of the last `windowMs` over 0 to `maxDelayMs` (coarse on
 * averaged signals, then exact); the frame's residual after removing the best-fitting scaled copy,
 * `rms × √(1 − c²)`, is what a voice detector should hear. A different voice at the same level
 * correlates little with the reference and keeps its energy.
 * Self-contained: its source also runs inside the AudioWorkletGlobalScope (src/adapters/voice.ts).
 */
export function createEchoGate(options: EchoGateOptions): EchoGate {
  const CONFIDENT = 0.9;
  const step = Math.max(1, Math.round(options.sampleRate / options.coarseRate));
  const blocks = (ms: number) => Math.max(1, Math.ceil((ms * options.sampleRate) / 1000 / step));
  const window = blocks(options.windowMs) * step;
  const maxLag = blocks(options.maxDelayMs) * step;
  const mic = new Float32Array(window);
  const ref = new Float32Array(window + maxLag);
  const coarseMic = new Float32Array(window / step);
  const coarseRef = new Float32Array(ref.length / step);
  let previous = 0; // the last delay found with confidence: where every search also looks
  let current = 0; // the delay the last search found, used until the next one
  const searchEvery = (options.searchMs * options.sampleRate) / 1000;
  let sinceSearch = Number.POSITIVE_INFINITY;
  let heard = 0; // reference samples appended since the gate was created
  let quietFor = ref.length; // reference samples since the last one that was not silent

  const append = (buffer: Float32Array, frame: Float32Array) => {
    const n = Math.min(frame.length, buffer.length);
    buffer.copyWithin(0, n);
    buffer.set(frame.subarray(frame.length - n), buffer.length - n);
  };
  const average = (from: Float32Array, to: Float32Array) => {
    for (let k = 0; k < to.length; k++) {
      let sum = 0;
      for (let i = 0; i < step; i++) sum += from[k * step + i] as number;
      to[k] = sum / step;
    }
  };
  /** Correlation of the last `length` samples of `a` with `b` ending `lag` samples before its end. */
  const correlate = (a: Float32Array, b: Float32Array, length: number, lag: number) => {
    let dot = 0;
    let aa = 0;
    let bb = 0;
    const offsetA = a.length - length;
    const offsetB = b.length - length - lag;
    for (let i = 0; i < length; i++) {
      const x = a[offsetA + i] as number;
      const y = b[offsetB + i] as number;
      dot += x * y;
      aa += x * x;
      bb += y * y;
    }
    return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
  };
  const energy = (values: Float32Array) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += (values[i] as number) * (values[i] as number);
    return sum;
  };

  return {
    push(microphone, reference, search = true) {
      append(mic, microphone);
      append(ref, reference);
      heard += reference.length;
      // The buffer is silent when its newest ref.length samples are: only the new frame is read.
      quietFor = energy(reference) > 0 ? 0 : quietFor + reference.length;
      const length = Math.min(microphone.length, window);
      const rms = Math.sqrt(energy(microphone) / microphone.length);
      if (!search || rms === 0) return { rms, residual: rms, correlation: 0, delayMs: 0 };
      if (quietFor >= ref.length) {
        sinceSearch = Number.POSITIVE_INFINITY; // the next reply's first loud frame searches at once
        return { rms, residual: rms, correlation: 0, delayMs: 0 };
      }
      // Started while the agent is audible: until the reference reaches back over every delay, its echo
      // cannot be told from the user, and is taken for echo.
      if (heard < ref.length) return { rms, residual: 0, correlation: 0, delayMs: 0 };
      // Between searches the path is taken as it was: only the frame's own correlation is computed.
      let lag = current;
      sinceSearch += microphone.length;
      if (sinceSearch >= searchEvery) {
        sinceSearch = 0;
        average(mic, coarseMic);
        average(ref, coarseRef);
        let coarse = 0;
        let best = -2;
        for (let k = 0; k <= maxLag / step; k++) {
          const c = correlate(coarseMic, coarseRef, coarseMic.length, k);
          if (c > best) [best, coarse] = [c, k];
        }
        // Refine around the coarse peak and around the last delay (a stable path): the coarse peak of
        // a steady vowel may be one pitch period off.
        best = -2;
        for (const centre of [coarse * step, previous]) {
          for (let l = Math.max(0, centre - step); l <= Math.min(maxLag, centre + step); l++) {
            const c = correlate(mic, ref, window, l);
            if (c > best) [best, lag] = [c, l];
          }
        }
        // Only a clear match is the path: a lag found in the user's voice alone would mislead the
        // next search, at the onset of the next reply, where the coarse search is weakest.
        current = lag;
        if (best > CONFIDENT) previous = lag;
      }
      // The frame alone at that delay: the echo's share of this frame, not of the whole window.
      const correlation = correlate(mic, ref, length, lag);
      const explained = Math.min(1, Math.max(0, correlation)); // rounding may pass 1
      return {
        rms,
        residual: rms * Math.sqrt(1 - explained * explained),
        correlation,
        delayMs: (lag / options.sampleRate) * 1000,
      };
    },
  };
}
