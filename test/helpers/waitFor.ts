import type { EventObject, Subscription } from 'xstate';

/** Generous by default: tests must pass on a loaded machine; only a broken behaviour waits this long. */
const DEFAULT_TIMEOUT_MS = 5_000;

interface WaitOptions {
  timeoutMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

/** Resolves once `predicate` holds, polling every few milliseconds; rejects after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  { timeoutMs = DEFAULT_TIMEOUT_MS, what = 'a condition' }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The next event of `type` the actor emits (matching `where`); subscribe before causing it. */
export function nextEvent<E extends EventObject, K extends E['type']>(
  actor: { on(type: '*', handler: (event: E) => void): Subscription },
  type: K,
  {
    where = () => true,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  }: { where?: (event: Extract<E, { type: K }>) => boolean; timeoutMs?: number } = {},
): Promise<Extract<E, { type: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for a ${type} event`));
    }, timeoutMs);
    const subscription = actor.on('*', (emitted) => {
      const event = emitted as Extract<E, { type: K }>;
      if (event.type !== type || !where(event)) return;
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve(event);
    });
  });
}
