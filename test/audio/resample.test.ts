import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createResampler } from '../../src/audio/resample.ts';

const sine = (hz: number, rate: number, length: number, phase = 0) =>
  Float32Array.from({ length }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate + phase));

const whole = (input: Float32Array, inRate: number, outRate: number) => {
  const resampler = createResampler(inRate, outRate);
  const head = resampler.process(input);
  return Float32Array.from([...head, ...resampler.flush()]);
};

const rms = (values: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] as number) ** 2;
  return Math.sqrt(sum / values.length);
};

/** Error of `actual` against `expected` in dB, away from the edges where the filter starts and ends. */
const errorDb = (actual: Float32Array, expected: Float32Array, edge: number) => {
  const a = actual.subarray(edge, actual.length - edge);
  const e = expected.subarray(edge, actual.length - edge);
  return 20 * Math.log10(rms(a.map((v, i) => v - (e[i] as number))) / rms(e));
};

describe('createResampler', () => {
  test('a stream fed in blocks of any size converts exactly as if fed whole', () => {
    const rates = fc.constantFrom(
      [48000, 16000],
      [44100, 16000],
      [16000, 48000],
      [22050, 44100],
      [24000, 44100],
    );
    fc.assert(
      fc.property(
        rates,
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 12 }),
        ([inRate, outRate], sizes) => {
          const total = sizes.reduce((a, b) => a + b, 0);
          const input = sine(440, inRate as number, total, 0.3);
          const resampler = createResampler(inRate as number, outRate as number);
          const parts: number[] = [];
          let offset = 0;
          for (const size of sizes) {
            parts.push(...resampler.process(input.subarray(offset, offset + size)));
            offset += size;
          }
          parts.push(...resampler.flush());
          expect(parts).toEqual(Array.from(whole(input, inRate as number, outRate as number)));
          expect(parts.length).toBe(Math.ceil((total * (outRate as number)) / (inRate as number)));
        },
      ),
      { numRuns: 60 },
    );
  });

  test.each([
    [48000, 16000, 1000],
    [44100, 16000, 3000],
    [16000, 44100, 440],
    [24000, 48000, 5000],
  ])('%i Hz to %i Hz keeps a %i Hz tone (error below -60 dB)', (inRate, outRate, hz) => {
    const seconds = 0.25;
    const output = whole(sine(hz, inRate, inRate * seconds), inRate, outRate);
    expect(errorDb(output, sine(hz, outRate, outRate * seconds), 200)).toBeLessThan(-60);
  });

  test('downsampling removes what the new rate cannot carry instead of aliasing it (over 50 dB down)', () => {
    const output = whole(sine(10000, 48000, 12000), 48000, 16000);
    expect(20 * Math.log10(rms(output.subarray(200, -200)) / Math.SQRT1_2)).toBeLessThan(-50);
  });

  test('is time-aligned: an impulse at input sample n peaks at output sample n × out / in', () => {
    const input = new Float32Array(4800);
    input[3000] = 1;
    const output = Array.from(whole(input, 48000, 16000));
    expect(output.indexOf(Math.max(...output))).toBe(1000);
  });

  test('passes equal rates through unchanged', () => {
    const input = sine(100, 16000, 50);
    const resampler = createResampler(16000, 16000);
    expect(Array.from(resampler.process(input))).toEqual(Array.from(input));
    expect(resampler.flush().length).toBe(0);
  });
});
