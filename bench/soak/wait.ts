/** Waiting on actors without polling: a subscription, removed once it has answered. */
import type { EventObject, Subscription } from 'xstate';

const TIMEOUT_MS = 10_000;

interface Observable<T> {
  getSnapshot(): T;
  subscribe(next: (snapshot: T) => void): Subscription;
}

/** The reference server as something to wait on: its log events are its changes. */
interface VoiceServerLike {
  onEvent(listener: () => void): () => void;
}

/** Resolves once `holds()` after one of the server's events (at once if it already does). */
export function untilServer(server: VoiceServerLike, holds: () => boolean, what: string) {
  return until(
    {
      getSnapshot: () => null,
      subscribe: (next: (snapshot: null) => void) => ({ unsubscribe: server.onEvent(() => next(null)) }),
    },
    holds,
    what,
  );
}

/** Resolves once `predicate` holds for the actor's snapshot (at once if it already does). */
export function until<T>(actor: Observable<T>, predicate: (snapshot: T) => boolean, what: string) {
  return new Promise<void>((resolve, reject) => {
    if (predicate(actor.getSnapshot())) return resolve();
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`soak: timed out after ${TIMEOUT_MS} ms waiting for ${what}`));
    }, TIMEOUT_MS);
    const subscription = actor.subscribe((snapshot) => {
      if (!predicate(snapshot)) return;
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve();
    });
  });
}

/** The next event of `type` the actor emits. */
export function nextEmitted<E extends EventObject>(
  actor: { on(type: E['type'], handler: (event: E) => void): Subscription },
  type: E['type'],
) {
  return new Promise<E>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`soak: timed out after ${TIMEOUT_MS} ms waiting for ${type}`));
    }, TIMEOUT_MS);
    const subscription = actor.on(type, (event) => {
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve(event);
    });
  });
}
