import { speak } from '../fixtures/generate.ts';

export const RATE = 22050; // espeak-ng's rate

/** The agent's voice and a different speaker (the user), as the browser fixtures make them. */
export async function voices() {
  const [agent, user] = await Promise.all([
    speak('Hello. When does the library open on Sunday?', 'en-us'),
    speak('Wait, I have another question.', 'en-us+f3'),
  ]);
  return { agent, user };
}

export const samplesOf = (ms: number) => Math.round((ms * RATE) / 1000);

export const rms = (values: Float32Array) =>
  Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / Math.max(1, values.length));

/** Cuts `signal` into consecutive frames of `size` samples (the last partial one dropped). */
export function* framesOf(signal: Float32Array, size: number) {
  for (let at = 0; at + size <= signal.length; at += size) yield signal.subarray(at, at + size);
}

/** `signal` placed at `atMs` in `lengthMs` of silence, scaled by `gain`. */
export function placed(signal: Float32Array, atMs: number, lengthMs: number, gain = 1) {
  const out = new Float32Array(samplesOf(lengthMs));
  const start = samplesOf(atMs);
  for (let i = 0; i < signal.length && start + i < out.length; i++)
    out[start + i] = (signal[i] as number) * gain;
  return out;
}

/** Sample-wise sum of signals of equal length. */
export const mix = (...signals: Float32Array[]) =>
  Float32Array.from(signals[0] as Float32Array, (_, i) =>
    signals.reduce((sum, s) => sum + (s[i] as number), 0),
  );
