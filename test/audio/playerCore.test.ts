import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createPlayerCore, type PlayerCoreOptions } from '../../src/audio/playerCore.ts';

const QUANTUM = 128;

function player(options: Partial<PlayerCoreOptions> = {}) {
  const events: (string | number)[][] = [];
  const core = createPlayerCore(
    { jitterSamples: 0, rampSamples: 64, ...options },
    {
      started: (reply, frame) => events.push(['started', reply, frame]),
      ended: (reply, frame, played) => events.push(['ended', reply, frame, played]),
      stopped: (reply, frame, played) => events.push(['stopped', reply, frame, played]),
      underrun: (reply, frame) => events.push(['underrun', reply, frame]),
    },
  );
  const output: number[] = [];
  const render = (blocks = 1) => {
    for (let b = 0; b < blocks; b++) {
      const out = new Float32Array(QUANTUM);
      core.render(out, output.length);
      output.push(...out);
    }
  };
  return { core, events, output, render };
}

/** Distinct non-zero values, so any dropped, repeated or overlapping sample shows. */
const ramp = (from: number, length: number) =>
  Float32Array.from({ length }, (_, i) => (from + i + 1) / 100000);

describe('createPlayerCore', () => {
  test('plays chunks of any size back to back: no gap, no overlap, exact timestamps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 3 }),
        (sizes, idle) => {
          const { core, events, output, render } = player();
          render(idle);
          let total = 0;
          for (const size of sizes) {
            core.push(0, ramp(total, size));
            total += size;
          }
          core.end(0);
          render(Math.ceil(total / QUANTUM) + 2);
          const start = idle * QUANTUM;
          expect(output.slice(start, start + total)).toEqual(Array.from(ramp(0, total)));
          expect(output.slice(0, start).every((s) => s === 0)).toBe(true);
          expect(output.slice(start + total).every((s) => s === 0)).toBe(true);
          expect(events).toEqual([
            ['started', 0, start],
            ['ended', 0, start + total, total],
          ]);
        },
      ),
    );
  });

  test('waits for the jitter buffer before starting, unless the reply is complete', () => {
    const { core, events, render } = player({ jitterSamples: 300 });
    core.push(0, ramp(0, 200));
    render();
    expect(events).toEqual([]);
    core.push(0, ramp(200, 100));
    render();
    expect(events).toEqual([['started', 0, 128]]);

    const short = player({ jitterSamples: 300 });
    short.core.push(0, ramp(0, 50));
    short.core.end(0);
    short.render();
    expect(short.events).toEqual([
      ['started', 0, 0],
      ['ended', 0, 50, 50],
    ]);
  });

  test('reports an underrun, then re-buffers the same reply without a second start', () => {
    const { core, events, output, render } = player({ jitterSamples: 100 });
    core.push(0, ramp(0, 150));
    render();
    render();
    expect(events).toEqual([
      ['started', 0, 0],
      ['underrun', 0, 150],
    ]);
    core.push(0, ramp(150, 60));
    render();
    core.push(0, ramp(210, 60));
    core.end(0);
    render();
    expect(events.slice(2)).toEqual([['ended', 0, 384 + 120, 270]]);
    expect(output.slice(384, 384 + 120)).toEqual(Array.from(ramp(150, 120)));
  });

  test('starts the next reply on the very next sample after the previous one ends', () => {
    const { core, events, output, render } = player();
    core.push(0, ramp(0, 100));
    core.end(0);
    core.push(1, ramp(100, 100));
    core.end(1);
    render(2);
    expect(output.slice(0, 200)).toEqual(Array.from(ramp(0, 200)));
    expect(events).toEqual([
      ['started', 0, 0],
      ['ended', 0, 100, 100],
      ['started', 1, 100],
      ['ended', 1, 200, 100],
    ]);
  });

  test('a stop fades out within one block, drops the queue and every later chunk of the stopped replies', () => {
    const { core, events, output, render } = player({ rampSamples: 64 });
    const level = Float32Array.from({ length: 1000 }, () => 0.5);
    core.push(0, level);
    render(2);
    core.stop(0);
    core.push(0, level); // late audio of the stopped reply
    render(2);
    const fade = output.slice(256, 256 + 64);
    expect(fade[0]).toBeLessThan(0.5);
    expect(fade.every((s, i) => i === 0 || s <= (fade[i - 1] as number))).toBe(true);
    expect(output.slice(256 + 63).every((s) => s === 0)).toBe(true);
    expect(events).toEqual([
      ['started', 0, 0],
      ['stopped', 0, 256 + 64, 256 + 64],
    ]);
    core.push(1, ramp(0, 10));
    core.end(1);
    render();
    expect(output.slice(512, 522)).toEqual(Array.from(ramp(0, 10)));
  });

  test('a stop while nothing plays reports it at once and drops what waits in the jitter buffer', () => {
    const { core, events, output, render } = player({ jitterSamples: 1000 });
    core.push(3, ramp(0, 10));
    core.stop(3);
    render();
    core.end(3);
    render();
    expect(events).toEqual([['stopped', 3, 0, 0]]);
    expect(output.every((s) => s === 0)).toBe(true);
  });
});
