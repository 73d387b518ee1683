import { expect, test } from 'vitest';
import {
  type ActorLogic,
  type AnyTransitionDefinition,
  fromPromise,
  type SnapshotFrom,
  type StateValue,
  transition,
} from 'xstate';
import { getStateNodes, TestModel } from 'xstate/graph';
import {
  type ConnectionContext,
  type ConnectionEvent,
  type ConnectionInput,
  connectionMachine,
} from '../../machines/connection.machine.ts';
import {
  type Harness,
  type HarnessOptions,
  harness,
  settle,
  testSettings,
} from '../helpers/connectionHarness.ts';
import { fakeSockets } from '../helpers/fakeSocket.ts';
import { manualClock } from '../helpers/manualClock.ts';

/*
 * Model-based tests: `xstate/graph` walks the machine's own transitions (delays and the token
 * invocation included, as the events `xstate.after.*` and `xstate.done.actor.*`), and every path
 * it finds is replayed on a real actor (fake sockets, a token promise, a clock fired by hand),
 * whose state must match the model's at every step.
 */

type Snapshot = SnapshotFrom<typeof connectionMachine>;

const machine = connectionMachine.provide({ actors: { socket: fakeSockets().logic } });

/** Small limits and two retries keep the model finite; the two configurations reach every state. */
const small = { reconnect: { maxAttempts: 2 }, queue: { maxMessages: 2, maxBytes: 64 }, maxMessageBytes: 8 };
const CONFIGS: Record<string, HarnessOptions> = {
  'heartbeat, token source, handshake': { ...small, fetchToken: true, awaitHandshake: true },
  'no heartbeat': { ...small, heartbeat: false },
};

/**
 * Model events are templates resolved against the snapshot they meet: `socketId` counts sockets
 * back from the current one (0: current, 1: the one before) and `at` is ms since the last sign of
 * life. Literal ids and times would go stale, since the model merges snapshots that differ only in
 * those ever-growing fields.
 */
function resolve(event: ConnectionEvent, context: ConnectionContext): ConnectionEvent {
  return {
    ...event,
    ...('socketId' in event && { socketId: context.socketId - event.socketId }),
    ...('at' in event && event.type !== 'send' && { at: context.lastSeenAt + event.at }),
  } as ConnectionEvent;
}

const socketEvents = (back: number): ConnectionEvent[] => [
  { type: 'socket.open', socketId: back, protocol: '', at: 10 },
  ...(back === 0 ? ['pong', 'srv-ping', 'hello'] : ['hello']).map((data) => ({
    type: 'socket.message' as const,
    socketId: back,
    data,
    at: 10,
  })),
  ...[1006, 1008, 1002, 1000].map((code) => ({
    type: 'socket.close' as const,
    socketId: back,
    code,
    reason: '',
    wasClean: code !== 1006,
    at: 10,
  })),
  { type: 'socket.error', socketId: back, message: 'boom', at: 10 },
  { type: 'socket.pinged', socketId: back, at: 10 },
];

const nodes = [machine.root, ...getStateNodes(machine.root)];

/** Delays and the token invocation, as the machine names their events. */
const internalEvents = nodes
  .flatMap((node) => [...node.transitions.keys()])
  .filter((type) => type.startsWith('xstate.'))
  .map((type) => {
    if (type.startsWith('xstate.done.actor.')) return { type, output: 'fresh' };
    if (type.startsWith('xstate.error.actor.')) return { type, error: 'no token' };
    return { type };
  }) as unknown as ConnectionEvent[];

const TEMPLATES: ConnectionEvent[] = [
  { type: 'connect' },
  { type: 'disconnect' },
  { type: 'reconnect' },
  { type: 'send', frame: 'app', kind: 'app' },
  { type: 'send', frame: 'ctl', kind: 'control' },
  { type: 'send', frame: 'x'.repeat(12), kind: 'app' },
  { type: 'handshake.done' },
  { type: 'limits', maxMessageBytes: 16 },
  { type: 'discard' },
  { type: 'online' },
  { type: 'offline' },
  // Hidden, then visible after a short gap, a gap over the interval, a gap over interval + timeout.
  ...[0, 100, 1200, 1600].map((at) => ({ type: 'visibility' as const, visible: at > 0, at })),
  ...socketEvents(0),
  // Late events of the socket before: one of each kind is enough, they all must be ignored.
  ...socketEvents(1).filter((e) => e.type !== 'socket.close' || e.code === 1006),
  {
    type: 'socket.unsent',
    socketId: 0,
    items: [{ frame: 'app', kind: 'app', bytes: 3, at: undefined, seq: 1 }],
  },
  ...internalEvents,
];

const MIN_UPTIME: string = 'xstate.after.minUptime.connection.open';

/** The templates some transition takes in this snapshot (unhandled events would only add noise). */
function events(snapshot: Snapshot): ConnectionEvent[] {
  const { attempt, authRetried } = snapshot.context;
  return TEMPLATES.filter((template) => {
    // The uptime timer fires once per open; it is offered while it still has something to reset.
    if (template.type === MIN_UPTIME && attempt === 0 && !authRetried) return false;
    // The current socket speaks only once it exists (not while a token is fetched).
    if ('socketId' in template && template.socketId === 0 && !snapshot.children.socket) return false;
    return machine.getTransitionData(snapshot, resolve(template, snapshot.context)).length > 0;
  });
}

/** What the behaviour depends on; ever-growing fields (socket ids, timestamps, queues) are left out. */
function core(snapshot: Snapshot): string {
  const c = snapshot.context;
  const closed = snapshot.matches('closed') ? c.closedReason : null;
  const fields = [c.attempt, c.token !== undefined, c.authRetried, c.flowing, c.settings.maxMessageBytes];
  return JSON.stringify([snapshot.value, closed, ...fields]);
}

function transitionId(t: AnyTransitionDefinition): string {
  const always = t.source.always?.indexOf(t) ?? -1;
  if (always >= 0) return `${t.source.id} always #${always}`;
  return `${t.source.id} ${t.eventType} #${t.source.transitions.get(t.eventType)?.indexOf(t)}`;
}
const pairOf = (id: string) => id.replace(/ #\d+$/, '');

const takenBy = (snapshot: Snapshot, event: ConnectionEvent) =>
  machine.getTransitionData(snapshot, resolve(event, snapshot.context)).map(transitionId);

type Path = { description: string; steps: { event: ConnectionEvent; state: Snapshot }[] };

/**
 * The shortest path to every state, plus one step further wherever that takes a transition (a
 * guarded branch) no other path takes: every transition is then on some path.
 */
function coveringPaths(model: TestModel<Snapshot, ConnectionEvent, ConnectionInput>): Path[] {
  const toEach = model.getShortestPaths({ allowDuplicatePaths: true });
  const covered = new Set(
    toEach.flatMap((p) =>
      p.steps.slice(1).flatMap((step, i) => takenBy(p.steps[i]?.state as Snapshot, step.event)),
    ),
  );
  const further: Path[] = [];
  for (const path of toEach) {
    for (const event of events(path.state)) {
      const taken = takenBy(path.state, event);
      if (taken.every((t) => covered.has(t))) continue;
      for (const t of taken) covered.add(t);
      const [state] = transition(machine, path.state, resolve(event, path.state.context));
      further.push({
        description: `${path.description} → ${event.type}`,
        steps: [...path.steps, { event, state }],
      });
    }
  }
  // Replay only the longest: a path that another one extends is replayed within it.
  const all = [...toEach, ...further];
  const key = (steps: Path['steps']) => steps.map((s) => JSON.stringify(s.event)).join(' ');
  const extended = new Set(all.map((p) => key(p.steps.slice(0, -1))));
  return all.filter((p) => !extended.has(key(p.steps)));
}

/** The machine, fed templates: what the model traverses. */
const modelLogic = {
  transition: (snapshot: Snapshot, event: ConnectionEvent, scope: never) =>
    machine.transition(snapshot, resolve(event, snapshot.context), scope),
  getInitialSnapshot: (scope: never, input: ConnectionInput) => machine.getInitialSnapshot(scope, input),
} as unknown as ActorLogic<Snapshot, ConnectionEvent, ConnectionInput>;

/** A token source the test settles when the model says so. */
function tokenSource() {
  let pending: { resolve: (token: string) => void; reject: (error: Error) => void } | undefined;
  const logic = fromPromise<string>(
    () =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
      }),
  );
  const settled = () => {
    if (!pending) throw new Error('no token was asked for');
    const current = pending;
    pending = undefined;
    return current;
  };
  return {
    logic,
    resolve: (token: string) => settled().resolve(token),
    reject: (error: Error) => settled().reject(error),
  };
}

function delayOf(type: string, context: ConnectionContext): number {
  const name = type.slice('xstate.after.'.length).split('.')[0] as string;
  const delay = machine.implementations.delays[name] as
    | ((args: { context: ConnectionContext }) => number)
    | number;
  return typeof delay === 'number' ? delay : delay({ context });
}

/** Plays one model event on the real actor: the network's part, the clock's or the token source's. */
async function play(
  h: Harness,
  event: ConnectionEvent,
  clock: ReturnType<typeof manualClock>,
  token: ReturnType<typeof tokenSource>,
) {
  const { type } = event;
  if (type.startsWith('xstate.after.')) return clock.fire(delayOf(type, h.context()));
  if (type.startsWith('xstate.done.actor.')) {
    token.resolve((event as unknown as { output: string }).output);
    return settle();
  }
  if (type.startsWith('xstate.error.actor.')) {
    token.reject(new Error('no token'));
    return settle();
  }
  if ('socketId' in event) {
    const { socketId, ...rest } = event;
    const socket = h.net.alive().find((s) => s.input.socketId === socketId);
    // A socket the machine has left is stopped: its late events reach the machine directly.
    return socket ? socket.emit(rest) : h.actor.send(event);
  }
  h.actor.send(event);
}

function nodeIds(value: StateValue, prefix = 'connection'): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  return Object.entries(value).flatMap(([key, child]) => [
    `${prefix}.${key}`,
    ...(child ? nodeIds(child, `${prefix}.${key}`) : []),
  ]);
}

/** What must hold in every state, whatever the path: one socket at most, and the right one. */
function checkInvariants(h: Harness) {
  const snapshot = h.actor.getSnapshot();
  const needsSocket = snapshot.matches({ connecting: 'opening' }) || snapshot.matches('open');
  expect(h.net.alive().map((s) => s.input.socketId)).toEqual(needsSocket ? [snapshot.context.socketId] : []);
  const top = typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0];
  expect(h.lastStatus()).toBe(top);
}

test('every path of the model replays on a real actor; every state and transition is covered', async () => {
  const visitedStates = new Set<string>(['connection']);
  const taken = new Set<string>();
  let pathCount = 0;
  let stepCount = 0;

  for (const [name, options] of Object.entries(CONFIGS)) {
    const model = new TestModel(modelLogic, {
      events,
      serializeState: core,
      input: { settings: testSettings(options) },
    });
    const paths = coveringPaths(model);
    pathCount += paths.length;

    for (const path of paths) {
      const clock = manualClock();
      const token = tokenSource();
      const h = harness({
        ...options,
        actors: { token: token.logic },
        actorOptions: {
          clock,
          inspect: (e) => {
            if (e.type !== '@xstate.microstep') return;
            for (const t of e._transitions) taken.add(transitionId(t));
            for (const id of nodeIds((e.snapshot as Snapshot).value)) visitedStates.add(id);
          },
        },
      });
      for (const [i, step] of path.steps.entries()) {
        if (i > 0) {
          await play(h, resolve(step.event, h.context()), clock, token);
          stepCount++;
        }
        const where = `${name}: ${path.description}, step ${i} (${step.event.type})`;
        expect(h.value(), where).toEqual(step.state.value);
        expect(core(h.actor.getSnapshot()), where).toBe(core(step.state));
        checkInvariants(h);
      }
      h.actor.stop();
    }
  }

  const allStates = nodes.map((n) => n.id);
  const allTransitions = nodes.flatMap((node) => [
    ...[...node.transitions.values()].flat().map(transitionId),
    ...(node.always ?? []).map(transitionId),
  ]);
  const allPairs = [...new Set(allTransitions.map(pairOf))];
  const takenPairs = new Set([...taken].map(pairOf));
  console.log(
    `model: ${pathCount} paths, ${stepCount} steps; states ${allStates.filter((s) => visitedStates.has(s)).length}/${allStates.length}, ` +
      `(state, event) pairs ${allPairs.filter((p) => takenPairs.has(p)).length}/${allPairs.length}, ` +
      `guarded branches ${allTransitions.filter((t) => taken.has(t)).length}/${allTransitions.length}`,
  );
  expect(allStates.filter((s) => !visitedStates.has(s))).toEqual([]);
  expect(allPairs.filter((p) => !takenPairs.has(p))).toEqual([]);
  expect(allTransitions.filter((t) => !taken.has(t))).toEqual([]);
});
