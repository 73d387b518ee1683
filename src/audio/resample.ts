/** A streaming sample-rate converter: feed blocks of any size, get the converted stream back. */
export interface Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /**
   * Converts the next block of the stream. Returns the output samples that are complete so far; the
   * filter holds back half its kernel (about 1 ms) of input, which `flush` releases.
   */
  process(input: Float32Array): Float32Array;
  /** Ends the stream: returns the rest, so the whole output is ceil(inputs × outRate / inRate) samples. */
  flush(): Float32Array;
}

/**
 * Windowed-sinc (Blackman) interpolation at any rate ratio, time-aligned: output sample j is the
 * band-limited signal at input time j × inRate / outRate, so feeding a stream in blocks of any size
 * gives exactly the output of feeding it whole. When downsampling the cutoff moves below the new
 * Nyquist frequency, so nothing above it aliases back into speech.
 *
 * Self-contained on purpose: this function's source text also runs inside the AudioWorkletGlobalScope
 * (see worklet.ts), so it may use only its parameters and JavaScript built-ins.
 */
export function createResampler(inRate: number, outRate: number, zeroCrossings = 16): Resampler {
  if (inRate === outRate) {
    return { inRate, outRate, process: (input) => input.slice(), flush: () => new Float32Array(0) };
  }
  // Output j sits at input time j × M / L (the ratio in lowest terms): L phases of one fixed kernel.
  let a = inRate;
  let b = outRate;
  while (b) [a, b] = [b, a % b];
  const L = outRate / a;
  const M = inRate / a;
  const cutoff = Math.min(1, outRate / inRate) * 0.94; // of the input's Nyquist frequency
  const half = zeroCrossings / cutoff; // kernel half-width, in input samples
  const K = Math.ceil(half);
  const taps = 2 * K; // input samples base - K + 1 ... base + K
  const weightsFor = (phase: number) => {
    const weights = new Float32Array(taps);
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const d = Math.abs(k - K + 1 - phase / L);
      if (d >= half) continue;
      const x = Math.PI * cutoff * d;
      const window = 0.42 + 0.5 * Math.cos((Math.PI * d) / half) + 0.08 * Math.cos((2 * Math.PI * d) / half);
      weights[k] = (d === 0 ? 1 : Math.sin(x) / x) * window;
      sum += weights[k] as number;
    }
    for (let k = 0; k < taps; k++) weights[k] = (weights[k] as number) / sum;
    return weights;
  };
  // Precomputed for every usual pair of rates; odd pairs compute each output's weights as they go.
  const bank = L <= 4096 ? Array.from({ length: L }, (_, phase) => weightsFor(phase)) : undefined;

  let buffer = new Float32Array(4096);
  let bufferStart = 0; // stream index of buffer[0]
  let length = 0; // samples held in buffer
  let received = 0; // stream length so far
  let produced = 0; // output samples so far

  // Output while every input sample the next output needs is among the first `available`.
  const render = (available: number, total: number) => {
    const out: number[] = [];
    for (;;) {
      const position = produced * M;
      const base = Math.floor(position / L);
      if (position >= total * L || base + K >= available) break;
      const phase = position - base * L;
      const weights = bank ? (bank[phase] as Float32Array) : weightsFor(phase);
      const first = base - K + 1;
      const offset = first - bufferStart;
      const end = Math.min(taps, length - offset); // past the stream's end (flush): silence
      let sum = 0;
      for (let k = Math.max(0, -first); k < end; k++)
        sum += (weights[k] as number) * (buffer[offset + k] as number);
      out.push(sum);
      produced++;
    }
    // Drop what no later output can reach.
    const keep = Math.floor((produced * M) / L) - K + 1;
    if (keep > bufferStart) {
      const drop = Math.min(keep - bufferStart, length);
      buffer.copyWithin(0, drop, length);
      length -= drop;
      bufferStart += drop;
    }
    return Float32Array.from(out);
  };

  return {
    inRate,
    outRate,
    process(input) {
      if (length + input.length > buffer.length) {
        const grown = new Float32Array(2 * (length + input.length));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(input, length);
      length += input.length;
      received += input.length;
      return render(received, Number.POSITIVE_INFINITY);
    },
    flush() {
      return render(Number.POSITIVE_INFINITY, received);
    },
  };
}
