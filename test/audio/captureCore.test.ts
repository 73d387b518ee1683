import { describe, expect, test } from 'vitest';
import { createCaptureCore } from '../../src/audio/captureCore.ts';
import { createResampler } from '../../src/audio/resample.ts';

const run = (
  input: Float32Array,
  inRate: number,
  outRate: number,
  frameSamples: number,
  levelSamples = 0,
) => {
  const frames: { pcm: Int16Array; index: number }[] = [];
  const levels: { rms: number; peak: number; end: number }[] = [];
  const core = createCaptureCore({ frameSamples, levelSamples }, createResampler(inRate, outRate), {
    frame: (pcm, _floats, index) => frames.push({ pcm, index }),
    level: (rms, peak, end) => levels.push({ rms, peak, end }),
  });
  for (let at = 0; at < input.length; at += 128) core.push(input.subarray(at, at + 128));
  return { frames, levels, samples: core.flush() };
};

const tone = (length: number, rate: number, amplitude = 0.5) =>
  Float32Array.from({ length }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / rate));

describe('createCaptureCore', () => {
  test('cuts the resampled stream into numbered frames of the stated size, padding only the last', () => {
    // 1.0625 s at 48 kHz → 17000 samples at 16 kHz: 53 full frames of 20 ms and a padded 54th.
    const { frames, samples } = run(tone(48000 + 3000, 48000), 48000, 16000, 320);
    expect(samples).toBe(17000);
    expect(frames.map((f) => f.index)).toEqual(Array.from({ length: 54 }, (_, i) => i));
    expect(frames.every((f) => f.pcm.length === 320)).toBe(true);
    const last = frames.at(-1)?.pcm ?? new Int16Array();
    expect(last.subarray(17000 - 53 * 320).every((s) => s === 0)).toBe(true);
    expect(last.subarray(0, 17000 - 53 * 320).some((s) => s !== 0)).toBe(true);
  });

  test('converts to 16-bit with clipping and symmetric rounding', () => {
    const input = Float32Array.from([0.5, -0.5, 1.5, -1.5, 1, -1, 0]);
    const { frames } = run(input, 16000, 16000, 7);
    expect(Array.from(frames[0]?.pcm ?? [])).toEqual([16384, -16384, 32767, -32768, 32767, -32768, 0]);
  });

  test('reports RMS and peak of each level window at its end sample', () => {
    const { levels } = run(tone(16000, 16000, 0.5), 16000, 16000, 0, 800);
    expect(levels).toHaveLength(20);
    expect(levels.map((l) => l.end)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 800));
    for (const level of levels) {
      expect(level.rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
      expect(level.peak).toBeCloseTo(0.5, 2);
    }
  });

  test('sends no frames when asked for levels only', () => {
    const { frames, levels } = run(tone(4800, 48000), 48000, 48000, 0, 480);
    expect(frames).toHaveLength(0);
    expect(levels).toHaveLength(10);
  });
});
