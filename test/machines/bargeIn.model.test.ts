import { expect, test } from 'vitest';
import {
  type ActorLogic,
  type AnyTransitionDefinition,
  createActor,
  fromCallback,
  type SnapshotFrom,
} from 'xstate';
import { getStateNodes, TestModel } from 'xstate/graph';
import {
  type BargeInEmitted,
  type BargeInEvent,
  type BargeInInput,
  bargeInMachine,
} from '../../machines/bargeIn.machine.ts';
import { countingManualClock } from '../helpers/countingClock.ts';

/*
 * Model-based tests of the barge-in machine: `xstate/graph` walks its own transitions (the
 * confirmation delay as its `xstate.after` event) and every path is replayed on a real actor whose
 * duck, restore and stop actions drive a fake playback, on a manual clock. A vertex is a state
 * together with the transition that reached it, so every transition lies on some shortest path.
 */

type Snapshot = SnapshotFrom<typeof bargeInMachine>;

const CONFIRM_MS = 150;
const CONFIRM = 'xstate.after.confirm.bargeIn.ducked';
/** The machine's events, and the end of its confirmation delay. */
type ModelEvent = BargeInEvent | { type: typeof CONFIRM };

const EVENTS: ModelEvent[] = [
  { type: 'agent.start' },
  { type: 'agent.stop' },
  { type: 'speech.start', at: 1000 },
  { type: 'speech.end', at: 1100 },
  { type: 'interrupt' },
  { type: CONFIRM },
];
const modelLogic = bargeInMachine as unknown as ActorLogic<Snapshot, ModelEvent, BargeInInput>;
const transitionData = (s: Snapshot, e: ModelEvent) => bargeInMachine.getTransitionData(s, e as BargeInEvent);

const nodes = [bargeInMachine.root, ...getStateNodes(bargeInMachine.root)];
const transitionId = (t: AnyTransitionDefinition) =>
  `${t.source.id} ${t.eventType} #${t.source.transitions.get(t.eventType)?.indexOf(t)}`;
const allTransitions = nodes.flatMap((n) => [...n.transitions.values()].flat().map(transitionId));

/** Ever-growing `interruptions` is left out; whether speech is under way is kept. */
const core = (s: Snapshot) => JSON.stringify([s.value, s.context.onsetAt !== null]);

function serializeState(snapshot: Snapshot, event?: ModelEvent, previous?: Snapshot) {
  if (!event || !previous) return core(snapshot);
  const taken = transitionData(previous, event).map(transitionId);
  return `${core(snapshot)} via ${taken.join(', ')}`;
}

/** A barge-in actor whose actions play on a fake playback; its owner records what it is told. */
function harness() {
  const clock = countingManualClock();
  const playback = { ducked: false, stops: 0 };
  const told: BargeInEmitted[] = [];
  const owner = createActor(
    fromCallback<BargeInEmitted>(({ receive }) => receive((e) => told.push(e))),
  ).start();
  const machine = bargeInMachine.provide({
    actions: {
      duck: () => {
        playback.ducked = true;
      },
      restore: () => {
        playback.ducked = false;
      },
      // Stopping the reply silences it: nothing is left ducked.
      stop: () => {
        playback.ducked = false;
        playback.stops++;
      },
    },
  });
  const taken = new Set<string>();
  const actor = createActor(machine, {
    input: { confirmMs: CONFIRM_MS, owner },
    clock,
    inspect: (e) => {
      if (e.type === '@xstate.microstep') for (const t of e._transitions) taken.add(transitionId(t));
    },
  });
  const emitted: BargeInEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  return { actor, clock, playback, told, emitted, taken };
}

test('every path of the barge-in model replays on a real actor; every state and transition is covered', () => {
  const model = new TestModel(modelLogic, {
    events: (s) => EVENTS.filter((e) => transitionData(s, e).length > 0),
    serializeState,
    input: { confirmMs: CONFIRM_MS },
  });
  const paths = model.getShortestPaths();
  const taken = new Set<string>();
  const visited = new Set<string>();
  let steps = 0;

  for (const path of paths) {
    const h = harness();
    for (const [i, step] of path.steps.entries()) {
      if (i > 0) {
        if (step.event.type === CONFIRM) h.clock.fire(CONFIRM_MS);
        else h.actor.send(step.event as BargeInEvent);
        steps++;
      }
      const where = `${path.description}, step ${i}`;
      const snapshot = h.actor.getSnapshot();
      visited.add(`bargeIn.${snapshot.value}`);
      expect(snapshot.value, where).toEqual(step.state.value);
      // The agent is ducked exactly while speech may still turn out to be a barge-in.
      expect(h.playback.ducked, where).toBe(snapshot.value === 'ducked');
      // The confirmation timer runs exactly then too, and no timer outlives it.
      expect(h.clock.pending(), where).toEqual(snapshot.value === 'ducked' ? [CONFIRM_MS] : []);
      // Every stop is one interruption, reported to listeners and owner alike.
      const interrupted = h.emitted.filter((e) => e.type === 'bargeIn.interrupted');
      expect(interrupted.length, where).toBe(h.playback.stops);
      expect(snapshot.context.interruptions, where).toBe(h.playback.stops);
      expect(h.told, where).toEqual(h.emitted);
    }
    h.actor.stop();
    expect(h.clock.pending()).toEqual([]);
    for (const t of h.taken) taken.add(t);
  }

  const states = nodes.filter((n) => n.parent).map((n) => n.id);
  console.log(
    `bargeIn model: ${paths.length} paths, ${steps} steps; states ${states.filter((s) => visited.has(s)).length}/${states.length}, ` +
      `transitions ${allTransitions.filter((t) => taken.has(t)).length}/${allTransitions.length}`,
  );
  expect(states.filter((s) => !visited.has(s))).toEqual([]);
  expect(allTransitions.filter((t) => !taken.has(t))).toEqual([]);
});
