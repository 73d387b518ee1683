import { encodeWav } from '../../src/audio/wav.ts';

const RATE = 16_000;

/** A quiet 220 Hz tone as a WAV file (16 kHz mono): the stories' recordings and replies. */
export function tone(seconds: number): Uint8Array {
  const samples = new Int16Array(Math.round(seconds * RATE));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / RATE));
  return encodeWav({ sampleRate: RATE, channels: 1, samples });
}
