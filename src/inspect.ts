/**
 * `voxstate/inspect`: the conversation in the Stately inspector, and an offline event log. Kept out
 * of the core entry, so `@statelyai/inspect` is only loaded by apps that import this module.
 */
import { createBrowserInspector } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import { type SanitizeLimits, sanitizeInspection } from './inspect/sanitize.ts';

export type { EventLog, EventLogEntry, EventLogOptions } from './inspect/eventLog.ts';
export { actorName, createEventLog, formatState } from './inspect/eventLog.ts';
export type { SanitizeLimits } from './inspect/sanitize.ts';
export { sanitize, sanitizeEvent, sanitizeInspection } from './inspect/sanitize.ts';

type BrowserInspector = ReturnType<typeof createBrowserInspector>;

/** `@statelyai/inspect`'s browser options (`url`, `iframe`, `window`, `autoStart`, ...) and the sanitizer's limits. */
export type StatelyInspectorOptions = NonNullable<Parameters<typeof createBrowserInspector>[0]> &
  SanitizeLimits;

/** Pass it as the conversation's `inspect` option. */
export interface StatelyInspector extends Observer<InspectionEvent> {
  /** Stately's inspector, or null where there is no window (server-side rendering, Node). */
  readonly inspector: BrowserInspector | null;
  /** Tells the inspector window the session has ended. */
  stop(): void;
}

/**
 * Opens the Stately inspector (a new tab, or `iframe`) and streams the conversation's actors to it:
 * `conversation` with `session`, `connection` and `bargeIn` as named children. What is sent is
 * sanitized: audio bytes and long strings (token streams, base64 frames) arrive as short summaries.
 * Without a window (server-side rendering) it inspects nothing.
 *
 * @example
 * const inspector = createStatelyInspector();
 * const conversation = createVoiceConversation({ url, inspect: inspector });
 */
export function createStatelyInspector(options: StatelyInspectorOptions = {}): StatelyInspector {
  const { maxStringChars, maxArrayItems, maxDepth, ...browserOptions } = options;
  if (!browserOptions.window && typeof window === 'undefined') {
    return { inspector: null, next() {}, stop() {} };
  }
  const inspector = createBrowserInspector(browserOptions);
  const sanitized = sanitizeInspection(inspector.inspect, { maxStringChars, maxArrayItems, maxDepth });
  return {
    inspector,
    next: (event) => sanitized.next?.(event),
    stop: () => inspector.stop(),
  };
}
