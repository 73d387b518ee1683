/**
 * An XState clock whose timers fire only when the test says so, in any order: a model fires
 * delayed transitions as events, without a notion of time. A timer is named by its delay.
 */
export function manualClock() {
  const pending = new Map<number, { fire: () => void; ms: number }>();
  let last = 0;
  return {
    setTimeout(fire: () => void, ms: number) {
      pending.set(++last, { fire, ms });
      return last;
    },
    clearTimeout(id: number) {
      pending.delete(id);
    },
    /** Fires the one pending timer of `ms` milliseconds; throws if there is none or several. */
    fire(ms: number) {
      const due = [...pending].filter(([, timer]) => timer.ms === ms);
      if (due.length !== 1) throw new Error(`${due.length} pending timers of ${ms} ms, expected one`);
      const [id, timer] = due[0] as [number, { fire: () => void }];
      pending.delete(id);
      timer.fire();
    },
  };
}
