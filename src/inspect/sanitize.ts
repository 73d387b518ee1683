import type { AnyEventObject, InspectionEvent, Observer } from 'xstate';

export interface SanitizeLimits {
  /** Strings longer than this are replaced by a summary with their first characters (default 120). */
  maxStringChars?: number;
  /** Arrays longer than this keep their first items and a count of the rest (default 20). */
  maxArrayItems?: number;
  /** Objects nested deeper than this are summarised (default 6). */
  maxDepth?: number;
}

const DEFAULTS: Required<SanitizeLimits> = { maxStringChars: 120, maxArrayItems: 20, maxDepth: 6 };
const PREVIEW_CHARS = 24;

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};
const isActorRef = (value: object): value is { id: string; systemId?: string; sessionId: string } =>
  'sessionId' in value && typeof (value as { send?: unknown }).send === 'function';
const isDialect = (value: object): value is { name: string } =>
  typeof (value as { name?: unknown }).name === 'string' &&
  typeof (value as { encode?: unknown }).encode === 'function' &&
  typeof (value as { decode?: unknown }).decode === 'function';

/**
 * Returns a copy of `value` that is small and JSON-safe: audio bytes, long strings (token streams,
 * base64 frames), long arrays and deep nesting are replaced by short summaries such as
 * `<Uint8Array 32000 bytes>` or `<string 10000 chars: "Hello wor…">`. Actors and dialects appear by
 * name, errors as their JSON, other class instances by class name.
 */
export function sanitize(value: unknown, limits: SanitizeLimits = {}): unknown {
  const maxStringChars = limits.maxStringChars ?? DEFAULTS.maxStringChars;
  const maxArrayItems = limits.maxArrayItems ?? DEFAULTS.maxArrayItems;
  const maxDepth = limits.maxDepth ?? DEFAULTS.maxDepth;
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      return v.length <= maxStringChars
        ? v
        : `<string ${v.length} chars: ${JSON.stringify(v.slice(0, PREVIEW_CHARS)).slice(0, -1)}…">`;
    }
    if (typeof v === 'function') return `<function ${v.name || 'anonymous'}>`;
    if (typeof v === 'bigint' || typeof v === 'symbol') return String(v);
    if (typeof v !== 'object' || v === null) return v;
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      return `<${v.constructor.name} ${v.byteLength} bytes>`;
    }
    if (typeof Blob !== 'undefined' && v instanceof Blob) return `<Blob ${v.size} bytes ${v.type}>`;
    if (seen.has(v)) return '<circular>';
    if (isActorRef(v)) return `<actor ${v.systemId ?? v.id}>`;
    if (isDialect(v)) return `<dialect ${v.name}>`;
    if (v instanceof Error) {
      const json =
        'toJSON' in v && typeof v.toJSON === 'function' ? v.toJSON() : { name: v.name, message: v.message };
      return walk(json, depth);
    }
    if (v instanceof Date) return v.toISOString();
    if (!Array.isArray(v) && !isPlain(v)) return `<${v.constructor?.name ?? 'object'}>`;
    if (depth >= maxDepth)
      return Array.isArray(v) ? `<array ${v.length} items>` : `<object ${Object.keys(v).length} keys>`;
    seen.add(v);
    let copy: unknown;
    if (Array.isArray(v)) {
      const kept = v.slice(0, maxArrayItems).map((item) => walk(item, depth + 1));
      copy = v.length > maxArrayItems ? [...kept, `<… ${v.length - maxArrayItems} more>`] : kept;
    } else {
      copy = Object.fromEntries(Object.entries(v).map(([key, item]) => [key, walk(item, depth + 1)]));
    }
    seen.delete(v);
    return copy;
  };
  return walk(value, 0);
}

/** An event with its payload sanitized; its `type` is kept as it is. */
export const sanitizeEvent = (event: AnyEventObject, limits?: SanitizeLimits): AnyEventObject => ({
  ...(sanitize(event, limits) as object),
  type: event.type,
});

/** What an inspector needs of a snapshot: status, state value, context, output and error, sanitized. */
function sanitizeSnapshot(snapshot: unknown, limits?: SanitizeLimits) {
  const s = snapshot as {
    status?: string;
    value?: unknown;
    context?: unknown;
    output?: unknown;
    error?: unknown;
  };
  return {
    status: s.status,
    ...('value' in s && { value: s.value }),
    ...('context' in s && { context: sanitize(s.context, limits) }),
    ...(s.output !== undefined && { output: sanitize(s.output, limits) }),
    ...(s.error !== undefined && { error: sanitize(s.error, limits) }),
  };
}

/**
 * Wraps an XState inspection observer (Stately's, or any other) so that it only ever sees sanitized
 * events and snapshots: nothing of the audio or of long token streams reaches it.
 */
export function sanitizeInspection(
  observer: Observer<InspectionEvent> | ((event: InspectionEvent) => void),
  limits?: SanitizeLimits,
): Observer<InspectionEvent> {
  const next = typeof observer === 'function' ? observer : (e: InspectionEvent) => observer.next?.(e);
  return {
    next(e) {
      next(sanitizeInspectionEvent(e, limits));
    },
  };
}

function sanitizeInspectionEvent(e: InspectionEvent, limits?: SanitizeLimits): InspectionEvent {
  switch (e.type) {
    case '@xstate.actor': {
      // Inspectors read the registered actor's snapshot through `getSnapshot`; the rest is its own.
      const actor = e.actorRef;
      const actorRef = Object.create(actor, {
        getSnapshot: { value: () => sanitizeSnapshot(actor.getSnapshot(), limits) },
      });
      return { ...e, actorRef };
    }
    case '@xstate.event':
      return { ...e, event: sanitizeEvent(e.event, limits) };
    case '@xstate.action':
      return { ...e, action: { type: e.action.type, params: sanitize(e.action.params, limits) } };
    default:
      return {
        ...e,
        event: sanitizeEvent(e.event, limits),
        snapshot: sanitizeSnapshot(e.snapshot, limits) as typeof e.snapshot,
      };
  }
}
