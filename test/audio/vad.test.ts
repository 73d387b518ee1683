import { beforeAll, describe, expect, test } from 'vitest';
import { createVad, DEFAULT_VAD, type VadChange, type VadOptions } from '../../src/audio/vad.ts';
import { framesOf, placed, RATE, rms, samplesOf, voices } from './voices.ts';

const FRAME_MS = 10;
const FRAME = samplesOf(FRAME_MS);
/** Seed 000's rule: RMS threshold 0.01, two consecutive loud frames. */
const SEED_000 = { ...DEFAULT_VAD, threshold: 0.01, startFrames: 2 };

/** Every change the detector reports over a signal cut in 10 ms frames, with the frame's start in ms. */
function detect(signal: Float32Array, options = DEFAULT_VAD) {
  const vad = createVad(options, FRAME_MS);
  const changes: { type: 'start' | 'end'; ms: number }[] = [];
  for (const frame of framesOf(signal, FRAME)) {
    const change: VadChange = vad.push(rms(frame));
    if (change) changes.push({ type: change.type, ms: (change.frame * FRAME * 1000) / RATE });
  }
  return changes;
}

const levels = (options: VadOptions, ...values: number[]) => {
  const vad = createVad(options, FRAME_MS);
  return values.map((v) => vad.push(v)?.type ?? null);
};
const quiet = (frames: number, level = 0.001) => Array<number>(frames).fill(level);

describe('energy voice-activity detector', () => {
  let user: Float32Array;
  beforeAll(async () => {
    ({ user } = await voices());
  });

  test("seed 000's rule as options: RMS threshold 0.01, two consecutive loud frames start speech", () => {
    expect(levels(SEED_000, 0, 0.05, 0, 0.05, 0)).toEqual([null, null, null, null, null]);
    expect(levels(SEED_000, 0, 0.05, 0.05)).toEqual([null, null, 'start']);
  });

  test('the default: one frame over 0.005 (and over the floor) starts speech; the hangover is 40 ms', () => {
    expect(levels(DEFAULT_VAD, ...quiet(5), 0.004, 0.006)).toEqual([...quiet(6).map(() => null), 'start']);
    const ended = levels(DEFAULT_VAD, ...quiet(5), 0.05, ...quiet(4));
    expect(ended.indexOf('end') - ended.indexOf('start')).toBe(4);
  });

  test('hysteresis: once speaking, a level under the threshold but above half of it keeps the speech', () => {
    const quietAfter = levels(SEED_000, ...quiet(5), 0.05, 0.05, ...quiet(20, 0.007));
    expect(quietAfter.filter(Boolean)).toEqual(['start']);
    expect(levels(SEED_000, ...quiet(20, 0.007)).filter(Boolean)).toEqual([]);
    const silence = levels(SEED_000, 0.05, 0.05, ...quiet(4));
    expect(silence.at(-1)).toBe('end');
  });

  test('a room louder than the threshold from the start is learnt as the floor: speech ends within floorMs and a block', () => {
    const changes = levels(DEFAULT_VAD, ...quiet(300, 0.02));
    expect(changes.filter(Boolean)).toEqual(['start', 'end']);
    expect(changes.indexOf('end')).toBeLessThanOrEqual((1.25 * DEFAULT_VAD.floorMs) / FRAME_MS);
    const voice = levels(DEFAULT_VAD, ...quiet(300, 0.02), 0.2);
    expect(voice.at(-1)).toBe('start');
  });

  test('speech in silence: starts at the first frame of the voice, ends after its last frame (pauses may split it)', () => {
    const signal = placed(user, 500, 4000);
    const changes = detect(signal);
    expect(changes.map((c) => c.type)).toEqual(changes.map((_, i) => (i % 2 ? 'end' : 'start')));
    expect(changes[0]?.ms).toBeGreaterThanOrEqual(490);
    expect(changes[0]?.ms).toBeLessThanOrEqual(510);
    let last = user.length - 1;
    while (Math.abs(user[last] as number) <= 0.01) last--;
    const lastLoud = 500 + (last * 1000) / RATE;
    expect(changes.at(-1)?.ms).toBeGreaterThan(lastLoud - 20);
    expect(changes.at(-1)?.ms).toBeLessThan(lastLoud + 100);
  });

  test('the noise floor: a hum that rises slowly above the threshold is not speech; a voice over it is', () => {
    const hum = Float32Array.from(
      { length: samplesOf(6000) },
      (_, i) =>
        Math.min(0.04, (0.04 * i) / samplesOf(4000)) * Math.SQRT2 * Math.sin((2 * Math.PI * 100 * i) / RATE),
    );
    expect(detect(hum)).toEqual([]);
    const voice = placed(user, 5000, 6000, 4);
    const voiced = hum.map((s, i) => s + (voice[i] as number));
    const changes = detect(voiced);
    expect(changes[0]?.type).toBe('start');
    expect(Math.abs((changes[0]?.ms ?? 0) - 5000)).toBeLessThanOrEqual(20);
  });
});
