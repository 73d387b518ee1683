import { beforeAll, describe, expect, test } from 'vitest';
import { createEchoGate, DEFAULT_ECHO_GATE } from '../../src/audio/echoGate.ts';
import { createVad, DEFAULT_VAD } from '../../src/audio/vad.ts';
import { framesOf, mix, placed, RATE, rms, samplesOf, voices } from './voices.ts';

const FRAME_MS = (64 / RATE) * 1000; // about one render quantum, as the voice adapter frames by default
const FRAME = samplesOf(FRAME_MS);
const ECHO_GAIN = 10 ** (-15 / 20); // the agent heard 15 dB down

/**
 * Runs the gate and the detector over a microphone signal and the reference played meanwhile.
 * `gated: false` is the control: the detector on the raw microphone level.
 */
function listen(microphone: Float32Array, reference: Float32Array, gated = true) {
  const gate = createEchoGate({ ...DEFAULT_ECHO_GATE, sampleRate: RATE });
  const vad = createVad(DEFAULT_VAD, FRAME_MS);
  const starts: number[] = [];
  const delays: number[] = [];
  const refFrames = [...framesOf(reference, FRAME)];
  for (const [i, frame] of [...framesOf(microphone, FRAME)].entries()) {
    const match = gate.push(frame, refFrames[i] as Float32Array);
    if (match.correlation > 0.9) delays.push(match.delayMs);
    const change = vad.push(gated ? match.residual : match.rms);
    if (change?.type === 'start') starts.push((change.frame * FRAME * 1000) / RATE);
  }
  return { starts, delays };
}

describe('echo gate (normalised cross-correlation with the playback reference)', () => {
  let agent: Float32Array;
  let user: Float32Array;
  const length = 4000;
  beforeAll(async () => {
    ({ agent, user } = await voices());
  });
  const reference = () => placed(agent, 200, length);

  test.each([50, 100, 150, 240])(
    "the agent's own voice, %i ms late and 15 dB down, is never speech; without the gate it is",
    (delayMs) => {
      const echo = placed(agent, 200 + delayMs, length, ECHO_GAIN);
      expect(listen(echo, reference(), false).starts.length).toBeGreaterThan(0);
      const { starts, delays } = listen(echo, reference());
      expect(starts).toEqual([]);
      expect(delays.length).toBeGreaterThan(50);
      for (const delay of delays) expect(Math.abs(delay - delayMs)).toBeLessThan(1000 / RATE + 1e-9);
    },
  );

  test('a different voice at the same level as the echo is speech, as soon as it would be in silence', () => {
    const echo = placed(agent, 300, length, ECHO_GAIN);
    const level = rms(echo.subarray(samplesOf(300), samplesOf(300) + agent.length));
    const voice = placed(user, 1000, length, level / rms(user));
    const [alone] = listen(voice, reference(), false).starts;
    const [overEcho] = listen(mix(echo, voice), reference()).starts;
    expect(alone).toBeGreaterThanOrEqual(1000);
    expect(overEcho).toBeGreaterThanOrEqual(1000);
    expect(overEcho).toBeLessThanOrEqual((alone as number) + 20);
  });

  test('started while the agent already speaks, the gate takes the echo it has no reference for as echo', () => {
    // The detector starts 1 s into the reply: the first 100 ms of echo are of audio it never saw.
    const from = samplesOf(1000);
    const reference = placed(agent.subarray(from), 0, length);
    const echo = placed(agent.subarray(from - samplesOf(100)), 0, length, ECHO_GAIN);
    expect(listen(echo, reference).starts).toEqual([]);
  });

  test('a room whose reflections come 20 to 26 dB under the direct echo still hides the agent', () => {
    const direct = placed(agent, 300, length, 10 ** (-20 / 20));
    const reflections = [
      [37, 0.1],
      [101, 0.07],
      [263, 0.05],
    ].map(([ms, gain]) => placed(agent, 300 + (ms as number), length, (gain as number) * 10 ** (-20 / 20)));
    const echo = mix(direct, ...reflections);
    expect(listen(echo, reference(), false).starts.length).toBeGreaterThan(0);
    expect(listen(echo, placed(agent, 200, length)).starts).toEqual([]);
  });

  test('with no reference playing, the gate passes the microphone level through', () => {
    const gate = createEchoGate({ ...DEFAULT_ECHO_GATE, sampleRate: RATE });
    const frame = user.subarray(samplesOf(100), samplesOf(110));
    const match = gate.push(frame, new Float32Array(frame.length));
    expect(match.residual).toBe(match.rms);
    expect(match.rms).toBeCloseTo(rms(frame), 6);
  });
});
