import { describe, expect, test } from 'vitest';
import {
  CAPTURE_PROCESSOR,
  type CaptureMessage,
  PLAYER_PROCESSOR,
  type PlayerMessage,
} from '../../src/audio/worklet.ts';
import { loadWorkletScope } from '../helpers/workletScope.ts';

const QUANTUM = 128;

describe('the worklet module source', () => {
  test('is self-contained: it registers both processors in a scope with nothing but worklet globals', () => {
    const { processors } = loadWorkletScope(48000);
    expect([...processors.keys()]).toEqual([CAPTURE_PROCESSOR, PLAYER_PROCESSOR]);
  });

  test('capture: device-rate quanta in, 20 ms frames at 16 kHz out, numbered from the first quantum frame', () => {
    const { scope, create } = loadWorkletScope(48000);
    const node = create(CAPTURE_PROCESSOR, { outRate: 16000, frameSamples: 320, levelSamples: 800 });
    scope.currentFrame = 4096;
    const input = Float32Array.from({ length: QUANTUM }, (_, i) => Math.sin(i / 10));
    for (let q = 0; q < 375; q++, scope.currentFrame += QUANTUM) node.process([[input, input]], [[]]);
    node.port.deliver({ type: 'flush' });
    expect(node.process([[input]], [[]])).toBe(false);
    const sent = node.port.sent as CaptureMessage[];
    expect(sent[0]).toEqual({ type: 'start', frame: 4096 });
    const frames = sent.filter((m) => m.type === 'frame');
    expect(frames).toHaveLength(50);
    expect(frames.every((m, i) => m.index === i && m.pcm.length === 320)).toBe(true);
    expect(sent.filter((m) => m.type === 'level')).toHaveLength(20);
    expect(sent.at(-1)).toEqual({ type: 'flushed', samples: 16000 });
  });

  test('player: pushes are rendered into the output block, events carry audio-clock frames', () => {
    const { scope, create } = loadWorkletScope(48000);
    const node = create(PLAYER_PROCESSOR, { jitterSamples: 0, rampSamples: 64 });
    node.port.deliver({ type: 'push', reply: 0, samples: Float32Array.from([0.1, 0.2, 0.3]) });
    node.port.deliver({ type: 'end', reply: 0 });
    scope.currentFrame = 256;
    const out = new Float32Array(QUANTUM);
    node.process([], [[out]]);
    expect(Array.from(out.subarray(0, 4))).toEqual([0.1, 0.2, 0.3, 0].map(Math.fround));
    expect(node.port.sent as PlayerMessage[]).toEqual([
      { type: 'started', reply: 0, frame: 256 },
      { type: 'ended', reply: 0, frame: 259, played: 3 },
    ]);
    node.port.deliver({ type: 'close' });
    expect(node.process([], [[out]])).toBe(false);
  });
});
