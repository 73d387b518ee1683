import type { ActorRefLike, AnyEventObject, InspectionEvent, Observer, StateValue } from 'xstate';

export interface EventLogOptions {
  /** Entries kept; older ones are dropped (default 500). */
  limit?: number;
  /** Only these actors (by name, e.g. `['session', 'bargeIn']`); default: every actor. */
  actors?: string[];
}

/** One event delivered to an actor, in the order events were sent. */
export interface EventLogEntry {
  /** Milliseconds since the log was created. */
  at: number;
  /** The actor's system id (`connection`, `session`, `bargeIn`), else its id (`socket`, `playback`). */
  actor: string;
  event: string;
  /** The actor's state before and after the event; null for actors without states. */
  before: string | null;
  after: string | null;
  /** The actor had stopped: the event was dropped. */
  dropped: boolean;
}

export interface EventLog extends Observer<InspectionEvent> {
  entries(): EventLogEntry[];
  /** One aligned line per entry: `   12.3 ms  session       audio.send      ready → processing.transcribing`. */
  lines(): string[];
  toString(): string;
  clear(): void;
  /** Called with each entry once the actor has processed it (a live view); returns the unsubscribe function. */
  subscribe(listener: (entry: EventLogEntry) => void): () => void;
}

const DEFAULT_LIMIT = 500;

/** `processing.thinking` for `{ processing: 'thinking' }`; parallel regions joined by `, `. */
export function formatState(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child && Object.keys(child).length > 0 ? `${key}.${formatState(child)}` : key))
    .join(', ');
}

/** What XState's actors carry besides the `ActorRefLike` interface. */
interface InspectedActor {
  id: string;
  systemId?: string;
  src?: unknown;
  logic?: { id?: string };
  _parent?: unknown;
}

/** An actor's name: its system id, else its id; an invocation without an id by its source's name. */
export function actorName(actorRef: ActorRefLike): string {
  const actor = actorRef as ActorRefLike & InspectedActor;
  if (actor.systemId) return actor.systemId;
  if (!actor._parent) return actor.logic?.id ?? actor.id;
  return /^\d+\./.test(actor.id) && typeof actor.src === 'string' ? actor.src : actor.id;
}

const stateOf = (snapshot: unknown): string | null => {
  const value = (snapshot as { value?: StateValue } | undefined)?.value;
  if (value === undefined) return null;
  return formatState(value) || null;
};

function formatEntry(entry: EventLogEntry): string {
  const state = entry.dropped
    ? 'dropped: the actor has stopped'
    : entry.before === entry.after
      ? (entry.after ?? '')
      : `${entry.before ?? '∅'} → ${entry.after ?? '∅'}`;
  const at = `${entry.at.toFixed(1).padStart(9)} ms`;
  return `${at}  ${entry.actor.padEnd(12)}  ${entry.event.padEnd(26)}  ${state}`.trimEnd();
}

interface Pending {
  actor: ActorRefLike;
  entry: EventLogEntry;
}

/**
 * A readable, offline record of what every actor of a conversation did: pass it as the `inspect`
 * option, or to `actor.system.inspect(log)` before starting. Each entry is one event delivered to
 * one actor, in the order events were sent, with the actor's state before and after it. Payloads are
 * not kept, so nothing of the audio or the transcript is held.
 */
export function createEventLog(options: EventLogOptions = {}): EventLog {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const wanted = options.actors ? new Set(options.actors) : null;
  const origin = performance.now();
  const states = new WeakMap<ActorRefLike, string | null>();
  // Delivered, not yet processed: keyed by the event object, which one send may share among actors.
  const pending = new Map<AnyEventObject, Pending[]>();
  const listeners = new Set<(entry: EventLogEntry) => void>();
  let entries: EventLogEntry[] = [];

  const add = (entry: EventLogEntry) => {
    entries.push(entry);
    if (entries.length > limit) entries = entries.slice(-limit);
  };
  const publish = (entry: EventLogEntry) => {
    for (const listener of listeners) listener(entry);
  };
  const newEntry = (actor: ActorRefLike, event: AnyEventObject): EventLogEntry | null => {
    const name = actorName(actor);
    if (wanted && !wanted.has(name)) return null;
    const before = states.get(actor) ?? null;
    const at = performance.now() - origin;
    return { at, actor: name, event: event.type, before, after: before, dropped: false };
  };

  /** An event reached an actor: its entry takes its place in send order, completed once processed. */
  const delivered = (actor: ActorRefLike, event: AnyEventObject) => {
    const entry = newEntry(actor, event);
    if (!entry) return;
    add(entry);
    if (actor.getSnapshot()?.status === 'stopped') {
      entry.dropped = true;
      publish(entry);
      return;
    }
    pending.set(event, [...(pending.get(event) ?? []), { actor, entry }]);
    // Events a stopping actor never processed: forget the oldest rather than hold them forever.
    if (pending.size > limit) pending.delete(pending.keys().next().value as AnyEventObject);
  };

  /** An actor processed an event (or stopped, which no send announces). */
  const processed = (actor: ActorRefLike, event: AnyEventObject, snapshot: unknown) => {
    const after = stateOf(snapshot);
    const waiting = pending.get(event) ?? [];
    const match = waiting.find((p) => p.actor === actor);
    const rest = waiting.filter((p) => p !== match);
    if (rest.length > 0) pending.set(event, rest);
    else pending.delete(event);
    const entry = match?.entry ?? newEntry(actor, event);
    // The state it left is the one of its previous snapshot: an actor processes its events in order.
    const before = states.get(actor) ?? null;
    states.set(actor, after);
    if (!entry) return;
    if (!match) add(entry);
    entry.before = before;
    entry.after = after;
    publish(entry);
  };

  return {
    next(e) {
      if (e.type === '@xstate.event') delivered(e.actorRef, e.event);
      else if (e.type === '@xstate.snapshot') processed(e.actorRef, e.event, e.snapshot);
    },
    entries: () => entries.map((entry) => ({ ...entry })),
    lines: () => entries.map(formatEntry),
    toString() {
      return this.lines().join('\n');
    },
    clear() {
      entries = [];
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
