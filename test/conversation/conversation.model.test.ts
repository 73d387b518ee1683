import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AnyStateMachine, AnyTransitionDefinition, InspectionEvent } from 'xstate';
import { type AdjacencyMap, getAdjacencyMap, getStateNodes } from 'xstate/graph';
import { bargeInMachine } from '../../machines/bargeIn.machine.ts';
import { connectionMachine } from '../../machines/connection.machine.ts';
import { conversationMachine } from '../../machines/conversation.machine.ts';
import { sessionMachine } from '../../machines/session.machine.ts';
import { createConversationMachine } from '../../src/conversation.ts';
import { NodeWebSocket } from '../helpers/tutorBackend.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { startWsServer, type WsServer } from '../helpers/wsServer.ts';
import {
  createWorld,
  enabled,
  eventKey,
  invariantViolations,
  type ModelEvent,
  type ModelSnapshot,
  modelLogic,
  observe,
  optionsFor,
  play,
  simulatedWorld,
  vertexOf,
  type World,
} from './model.ts';

/*
 * Model-based tests of the composed conversation (model.ts). `xstate/graph` maps every state the
 * three actors reach together and every event that leads out of it. Walks then cover each of those
 * edges at least once: a walk starts from a fresh conversation, takes an edge not yet covered when
 * its state has one, else heads for the nearest state that has, and ends after MAX_STEPS. Each walk
 * runs in lockstep on the model and on a real conversation (the `ws` WebSocket, a real `ws` server),
 * which must reach the model's state after every step and keep the invariants that bind the actors.
 *
 * Bounds that keep it within a few seconds: heartbeat off, no token source, two retries at most,
 * every delay on a manual clock (fired as model events), walks of at most MAX_STEPS steps.
 */

const MAX_STEPS = 40;

type Edge = { event: ModelEvent; state: ModelSnapshot };
type Edges = Map<string, Map<string, { event: ModelEvent; target: string }>>;

function edgesOf(adjacency: AdjacencyMap<ModelSnapshot, ModelEvent>): Edges {
  const edges: Edges = new Map();
  for (const [vertex, { transitions }] of Object.entries(adjacency)) {
    const out = new Map<string, { event: ModelEvent; target: string }>();
    for (const { event, state } of Object.values(transitions) as Edge[]) {
      out.set(eventKey(event), { event, target: vertexOf(state.observed) });
    }
    edges.set(vertex, out);
  }
  return edges;
}

/** The first event of a shortest route from `from` to a state with an edge not yet covered. */
function towardUncovered(edges: Edges, from: string, uncovered: Set<string>): ModelEvent | null {
  const hasUncovered = (v: string) =>
    [...(edges.get(v)?.keys() ?? [])].some((e) => uncovered.has(`${v} ${e}`));
  const firstStep = new Map<string, ModelEvent | null>([[from, null]]);
  const queue = [from];
  for (let v = queue.shift(); v !== undefined; v = queue.shift()) {
    if (v !== from && hasUncovered(v)) return firstStep.get(v) ?? null;
    for (const { event, target } of edges.get(v)?.values() ?? []) {
      if (firstStep.has(target)) continue;
      firstStep.set(target, firstStep.get(v) ?? event);
      queue.push(target);
    }
  }
  return null;
}

// Coverage as the real runs take transitions: per machine, its states and its transitions.
const transitionId = (t: AnyTransitionDefinition) => {
  const always = t.source.always?.indexOf(t) ?? -1;
  if (always >= 0) return `${t.source.id} always #${always}`;
  return `${t.source.id} ${t.eventType} #${t.source.transitions.get(t.eventType)?.indexOf(t)}`;
};
const taken = new Set<string>();
const visited = new Set<string>();
function record(e: InspectionEvent) {
  if (e.type !== '@xstate.microstep') return;
  for (const t of e._transitions) taken.add(transitionId(t));
  for (const node of (e.snapshot as { _nodes?: { id: string }[] })._nodes ?? []) visited.add(node.id);
}

function coverage(machine: AnyStateMachine) {
  const nodes = [machine.root, ...getStateNodes(machine.root)];
  const transitions = nodes.flatMap((n) => [
    ...[...n.transitions.values()].flat().map(transitionId),
    ...(n.always ?? []).map(transitionId),
  ]);
  return {
    machine: machine.id,
    states: nodes.filter((n) => visited.has(n.id)).length,
    allStates: nodes.length,
    transitions: transitions.filter((t) => taken.has(t)).length,
    allTransitions: transitions.length,
    unreached: nodes.filter((n) => !visited.has(n.id)).map((n) => n.id),
  };
}

let server: WsServer;
beforeAll(async () => {
  server = await startWsServer({
    pong: (frame) => {
      const message = JSON.parse(String(frame));
      return message.action === 'init'
        ? JSON.stringify({ event: 'initialized', thread_id: message.thread_id, kb_id: 'kb' })
        : null;
    },
  });
});
afterAll(() => server.stop());

/** A real conversation on the `ws` WebSocket and the real server; its sockets are the ones from now on. */
function realWorld(): World {
  const first = server.connections.length;
  const mine = () => server.connections.slice(first).filter((c) => c.closed === null);
  const real = {
    send: (frame: string) => {
      for (const c of mine()) c.send(frame);
    },
    drop: () => {
      for (const c of mine()) c.terminate();
    },
    openSockets: () => mine().length,
  };
  return createWorld(createConversationMachine(optionsFor(server.url, NodeWebSocket)), real, {
    inspect: record,
  });
}

/** Yields to I/O until `done` holds, for at most 5 s: a local socket answers within a few turns of the loop. */
async function settle(done: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
}

async function agree(real: World, model: World, where: string) {
  const expected = observe(model);
  // A real step settles asynchronously (sockets, the server): wait for it, then compare in full.
  await settle(() => JSON.stringify(observe(real)) === JSON.stringify(expected));
  expect(observe(real), where).toEqual(expected);
  expect(invariantViolations(expected), where).toEqual([]);
}

test('walks covering every edge of the composed model replay on a real conversation over a real ws server', async () => {
  const t0 = performance.now();
  const adjacency = getAdjacencyMap(modelLogic, {
    events: (s) => enabled(s.observed),
    serializeState: (s) => vertexOf(s.observed),
  });
  const edges = edgesOf(adjacency);
  const uncovered = new Set([...edges].flatMap(([v, out]) => [...out.keys()].map((e) => `${v} ${e}`)));
  const edgeCount = uncovered.size;
  const modelMs = performance.now() - t0;
  const t1 = performance.now();

  let walks = 0;
  let steps = 0;
  while (uncovered.size > 0) {
    const before = uncovered.size;
    const model = simulatedWorld();
    const real = realWorld();
    const history: string[] = [];
    walks++;
    await agree(real, model, 'the start');
    for (let i = 0; i < MAX_STEPS; i++) {
      const vertex = vertexOf(observe(model));
      const out = edges.get(vertex);
      const fresh = [...(out?.values() ?? [])].find((e) => uncovered.has(`${vertex} ${eventKey(e.event)}`));
      const event = fresh?.event ?? towardUncovered(edges, vertex, uncovered);
      if (!event) break;
      uncovered.delete(`${vertex} ${eventKey(event)}`);
      history.push(eventKey(event));
      play(model, event);
      play(real, event);
      steps++;
      await agree(real, model, `walk ${walks}: ${history.join(' → ')}`);
    }
    model.actor.stop();
    real.actor.stop();
    await waitFor(() => real.server.openSockets() === 0, { what: 'the server to see the socket closed' });
    // A walk that covers nothing new means the rest cannot be reached from the start.
    if (uncovered.size === before) break;
  }

  const machines = [conversationMachine, sessionMachine, connectionMachine, bargeInMachine].map(coverage);
  console.log(
    `conversation model: ${edges.size} states, ${edgeCount} edges (model built in ${Math.round(modelMs)} ms); ` +
      `${walks} walks, ${steps} steps on a real ws server in ${Math.round(performance.now() - t1)} ms; ${edgeCount - uncovered.size}/${edgeCount} edges covered\n` +
      machines
        .map(
          (c) =>
            `  ${c.machine}: states ${c.states}/${c.allStates}, transitions ${c.transitions}/${c.allTransitions}; ` +
            `not reached: ${c.unreached.join(', ') || 'none'}`,
        )
        .join('\n'),
  );
  expect([...uncovered]).toEqual([]);
  // Without capture, heartbeat or token source, these are out of the composition's reach in Node;
  // the session, connection and audio tests cover them.
  const unreached = Object.fromEntries(machines.map((c) => [c.machine, c.unreached]));
  expect(unreached).toEqual({
    conversation: [],
    session: [],
    connection: ['connection.connecting.authorizing', 'connection.open.awaitingPong'],
    bargeIn: [],
  });
});
