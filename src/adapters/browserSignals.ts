import { type EventObject, fromCallback } from 'xstate';
import type { ConnectionEvent } from '../../machines/connection.machine.ts';

/**
 * Forwards the browser's `online`/`offline` events and page visibility (with a wall-clock
 * timestamp, since timers in hidden tabs are throttled). Does nothing where there is no window.
 */
export const browserSignals = fromCallback<EventObject>(({ sendBack }) => {
  const send = (event: ConnectionEvent) => sendBack(event);
  const target = globalThis as unknown as Partial<Window>;
  const doc = target.document;
  if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function')
    return;
  const online = () => send({ type: 'online' });
  const offline = () => send({ type: 'offline' });
  const visibility = () =>
    send({ type: 'visibility', visible: doc?.visibilityState === 'visible', at: Date.now() });
  target.addEventListener('online', online);
  target.addEventListener('offline', offline);
  doc?.addEventListener('visibilitychange', visibility);
  return () => {
    target.removeEventListener?.('online', online);
    target.removeEventListener?.('offline', offline);
    doc?.removeEventListener('visibilitychange', visibility);
  };
});
