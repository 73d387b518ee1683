import type { Outgoing } from './frames.ts';

/** The outgoing queue while the socket cannot take frames: FIFO, bounded by count and bytes. */
export interface Outbox {
  items: Outgoing[];
  bytes: number;
}

export interface OutboxLimits {
  maxMessages: number;
  maxBytes: number;
}

export const emptyOutbox: Outbox = { items: [], bytes: 0 };

const fits = (o: Outbox, item: Outgoing, limits: OutboxLimits) =>
  o.items.length + 1 <= limits.maxMessages && o.bytes + item.bytes <= limits.maxBytes;

const without = (o: Outbox, index: number): Outbox => ({
  items: o.items.filter((_, i) => i !== index),
  bytes: o.bytes - (o.items[index] as Outgoing).bytes,
});

/**
 * Adds a frame at the tail. When full, a realtime frame evicts the oldest realtime frames (fresh
 * audio matters more than stale audio); any other frame is refused, so what was accepted earlier
 * keeps its place. Everything dropped is returned, for the caller to report.
 */
export function push(
  outbox: Outbox,
  item: Outgoing,
  limits: OutboxLimits,
): { outbox: Outbox; dropped: Outgoing[] } {
  let next = outbox;
  const dropped: Outgoing[] = [];
  while (item.kind === 'realtime' && !fits(next, item, limits)) {
    const oldest = next.items.findIndex((i) => i.kind === 'realtime');
    if (oldest < 0) break;
    dropped.push(next.items[oldest] as Outgoing);
    next = without(next, oldest);
  }
  if (!fits(next, item, limits)) return { outbox: next, dropped: [...dropped, item] };
  return { outbox: { items: [...next.items, item], bytes: next.bytes + item.bytes }, dropped };
}

/**
 * Puts frames a dying socket did not take back at the head, ahead of frames never written, in write
 * order (their `seq`) with frames given back before: batches refused one by one keep their order.
 */
export function requeue(outbox: Outbox, items: Outgoing[]): Outbox {
  const written = outbox.items.findIndex((i) => i.seq === undefined);
  const at = written < 0 ? outbox.items.length : written;
  const head = [...outbox.items.slice(0, at), ...items].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return { items: [...head, ...outbox.items.slice(at)], bytes: outbox.bytes + sum(items) };
}

/** Splits the queue by a predicate, keeping order on both sides. */
export function take(
  outbox: Outbox,
  pick: (item: Outgoing) => boolean,
): { taken: Outgoing[]; outbox: Outbox } {
  const taken = outbox.items.filter(pick);
  const kept = outbox.items.filter((i) => !pick(i));
  return { taken, outbox: { items: kept, bytes: sum(kept) } };
}

export const sum = (items: Outgoing[]) => items.reduce((n, i) => n + i.bytes, 0);
