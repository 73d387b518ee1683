/**
 * What a soak counts: sockets and actors (created, still open or active, still reachable after a
 * forced GC), the listeners on what is still open, the resources that keep Node's event loop alive,
 * XState's scheduled events, and the heap after a forced GC.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import WebSocket from 'ws';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { frameBytes } from '../../machines/frames.ts';
import { connectionOf } from '../../src/selectors.ts';

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects twice, with a macrotask between, so WeakRefs read in the last job are released too. */
export async function collect(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

export const heapUsed = () => process.memoryUsage().heapUsed;

/** Used bytes per V8 heap space (`old_space`, `code_space`, ...). */
function heapSpaces(): Record<string, number> {
  return Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
}

/** Objects registered here are counted until they are garbage-collected; none is kept alive by it. */
class Census<T extends object> {
  private readonly live = new Set<WeakRef<T>>();
  private readonly registry = new FinalizationRegistry<WeakRef<T>>((ref) => this.live.delete(ref));
  created = 0;

  add(target: T) {
    const ref = new WeakRef(target);
    this.live.add(ref);
    this.registry.register(target, ref);
    this.created++;
  }

  /** Registered objects not collected yet (after `collect()`: the ones something still reaches). */
  reachable(): T[] {
    return [...this.live].flatMap((ref) => ref.deref() ?? []);
  }
}

export const sockets = new Census<WebSocket>();
let socketsClosed = 0;

/** The `ws` client, counting every socket it opens and every close. */
export class CountingWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    sockets.add(this);
    this.once('close', () => socketsClosed++);
  }
}

export const actors = new Census<AnyActorRef>();

/** The conversation's `inspect` option: every actor of its system is counted when it is created. */
export function inspect(event: InspectionEvent) {
  if (event.type === '@xstate.actor') actors.add(event.actorRef as AnyActorRef);
}

/** XState keeps these per actor (`observers`, `eventListeners`): subscriptions and `on` handlers. */
interface ActorInternals {
  observers?: Set<unknown>;
  eventListeners?: Map<string, Set<unknown>>;
}

function actorListeners(actor: AnyActorRef): number {
  const { observers, eventListeners } = actor as AnyActorRef & ActorInternals;
  let count = observers?.size ?? 0;
  for (const set of eventListeners?.values() ?? []) count += set.size;
  return count;
}

function socketListeners(socket: WebSocket): number {
  return socket.eventNames().reduce((sum, name) => sum + socket.listenerCount(name), 0);
}

/** Active resources by type (`Timeout`, `TCPSocketWrap`, ...): what keeps the event loop alive. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

export interface Counts {
  heapUsed: number;
  heapSpaces: Record<string, number>;
  socketsCreated: number;
  socketsOpen: number;
  socketsReachable: number;
  socketListeners: number;
  actorsCreated: number;
  actorsActive: number;
  /** The active actors by id (or by source, for unnamed ones). */
  activeActors: string[];
  actorsReachable: number;
  actorListeners: number;
  /** XState delayed events scheduled in the system of `root`. */
  scheduled: number;
  /** Frames `root`'s connection wrote and keeps until a pong proves them read. */
  unconfirmed: { frames: number; bytes: number };
  timers: number;
  tcpSockets: number;
  resources: Record<string, number>;
}

/** Everything above, after a forced GC. `root`: the conversation actor whose system is read. */
export async function count(root?: AnyActorRef): Promise<Counts> {
  await collect();
  const liveSockets = sockets.reachable();
  const liveActors = actors.reachable();
  const active = liveActors.filter((a) => a.getSnapshot().status === 'active');
  const open = liveSockets.filter((s) => s.readyState !== WebSocket.CLOSED);
  const system = root?.system as { _snapshot?: { _scheduledEvents?: object } } | undefined;
  const unconfirmed = root ? connectionOf(root).getSnapshot().context.unconfirmed : [];
  const res = resources();
  return {
    heapUsed: heapUsed(),
    heapSpaces: heapSpaces(),
    socketsCreated: sockets.created,
    socketsOpen: sockets.created - socketsClosed,
    socketsReachable: liveSockets.length,
    socketListeners: open.reduce((sum, s) => sum + socketListeners(s), 0),
    actorsCreated: actors.created,
    actorsActive: active.length,
    activeActors: active.map((a) => a.id).sort(),
    actorsReachable: liveActors.length,
    actorListeners: active.reduce((sum, a) => sum + actorListeners(a), 0),
    scheduled: Object.keys(system?._snapshot?._scheduledEvents ?? {}).length,
    unconfirmed: {
      frames: unconfirmed.length,
      bytes: unconfirmed.reduce((sum, item) => sum + frameBytes(item.frame), 0),
    },
    timers: res.Timeout ?? 0,
    tcpSockets: res.TCPSocketWrap ?? 0,
    resources: res,
  };
}
