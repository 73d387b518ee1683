import { manualClock } from './manualClock.ts';

/** XState's clock interface (the `clock` option of `createActor`). */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * Wraps a clock and counts the timers XState has scheduled and neither fired nor cleared, with
 * their delays: what `actor.stop()` must leave at zero.
 */
export function countingClock<C extends Clock>(inner: C) {
  const live = new Map<unknown, number>();
  return Object.assign(Object.create(inner) as C, {
    setTimeout(fn: () => void, ms: number) {
      const id = inner.setTimeout(() => {
        live.delete(id);
        fn();
      }, ms);
      live.set(id, ms);
      return id;
    },
    clearTimeout(id: unknown) {
      live.delete(id);
      inner.clearTimeout(id);
    },
    /** Delays (ms) of the timers still pending, ascending. */
    pending: () => [...live.values()].sort((a, b) => a - b),
  });
}

/** A manual clock (timers fire only when the test says so) that also lists what is pending. */
export const countingManualClock = () => countingClock(manualClock());

/** The real clock, counted. */
export const countingRealClock = () =>
  countingClock({
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>),
  });
