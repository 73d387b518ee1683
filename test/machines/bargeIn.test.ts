import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createActor } from 'xstate';
import { type BargeInEmitted, bargeInMachine } from '../../machines/bargeIn.machine.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A barge-in actor whose provided actions are recorded in order, with what it emitted. */
function start(confirmMs = 200) {
  const calls: string[] = [];
  const emitted: BargeInEmitted[] = [];
  const machine = bargeInMachine.provide({
    actions: {
      duck: () => calls.push('duck'),
      restore: () => calls.push('restore'),
      stop: () => calls.push('stop'),
    },
  });
  const actor = createActor(machine, { input: { confirmMs } });
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  return { actor, calls, emitted, state: () => actor.getSnapshot().value };
}

describe('barge-in', () => {
  test('speech while the agent is silent is not an interruption', () => {
    const b = start();
    b.actor.send({ type: 'speech.start', at: 10 });
    vi.advanceTimersByTime(1000);
    expect(b.state()).toBe('idle');
    expect(b.calls).toEqual([]);
  });

  test('speech during the reply ducks at once, then stops the agent after the confirmation window', () => {
    const b = start(200);
    b.actor.send({ type: 'agent.start' });
    b.actor.send({ type: 'speech.start', at: 1000 });
    expect(b.state()).toBe('ducked');
    expect(b.calls).toEqual(['duck']);
    vi.advanceTimersByTime(199);
    expect(b.calls).toEqual(['duck']);
    vi.advanceTimersByTime(1);
    expect(b.calls).toEqual(['duck', 'stop']);
    expect(b.state()).toBe('idle');
    expect(b.emitted.at(-1)).toEqual({ type: 'bargeIn.interrupted', onsetAt: 1000, manual: false });
    expect(b.actor.getSnapshot().context.interruptions).toBe(1);
  });

  test('the window runs from the onset: the time the detector took to decide counts towards it', () => {
    const b = start(200);
    b.actor.send({ type: 'agent.start' });
    b.actor.send({ type: 'speech.start', at: 1000, now: 1030 });
    vi.advanceTimersByTime(169);
    expect(b.calls).toEqual(['duck']);
    vi.advanceTimersByTime(1);
    expect(b.calls).toEqual(['duck', 'stop']);
  });

  test('a detector that decided after the whole window stops the agent at once', () => {
    const b = start(200);
    b.actor.send({ type: 'agent.start' });
    b.actor.send({ type: 'speech.start', at: 1000, now: 1500 });
    vi.advanceTimersByTime(0);
    expect(b.calls).toEqual(['duck', 'stop']);
  });

  test('a short burst ducks then restores, and nothing is stopped', () => {
    const b = start(200);
    b.actor.send({ type: 'agent.start' });
    b.actor.send({ type: 'speech.start', at: 5 });
    vi.advanceTimersByTime(100);
    b.actor.send({ type: 'speech.end', at: 105 });
    vi.advanceTimersByTime(1000);
    expect(b.calls).toEqual(['duck', 'restore']);
    expect(b.state()).toBe('armed');
    expect(b.emitted.map((e) => e.type)).toEqual(['bargeIn.ducked', 'bargeIn.restored']);
  });

  test('a manual interrupt stops at once, from armed or ducked', () => {
    const b = start(200);
    b.actor.send({ type: 'agent.start' });
    b.actor.send({ type: 'interrupt' });
    expect(b.calls).toEqual(['stop']);
    expect(b.emitted.at(-1)).toEqual({ type: 'bargeIn.interrupted', onsetAt: null, manual: true });
    b.actor.send({ type: 'agent.start' });
    b.actor.send({ type: 'speech.start', at: 1 });
    b.actor.send({ type: 'interrupt' });
    expect(b.calls).toEqual(['stop', 'duck', 'stop']);
    vi.advanceTimersByTime(1000);
    expect(b.calls).toEqual(['stop', 'duck', 'stop']);
  });

  test('the reply ending while ducked restores the volume and disarms', () => {
    const b = start(200);
    b.actor.send({ type: 'agent.start' });
    b.actor.send({ type: 'speech.start', at: 1 });
    b.actor.send({ type: 'agent.stop' });
    vi.advanceTimersByTime(1000);
    expect(b.calls).toEqual(['duck', 'restore']);
    expect(b.state()).toBe('idle');
  });

  test('a stop button while the agent is silent is passed on (a reply may be on its way)', () => {
    const b = start();
    b.actor.send({ type: 'interrupt' });
    expect(b.calls).toEqual(['stop']);
    expect(b.state()).toBe('idle');
  });
});
