/**
 * Model-based tests: the session machine's own graph (xstate/graph) gives the paths; a real session
 * actor (the real connection machine on a fake socket, fake timers, controlled adapters) is driven
 * along each path by real stimuli (socket opens and drops, server frames through the dialect, adapter
 * reports, elapsed time), and its state must match the model's at every step. The paths cover every
 * edge of the model graph; the transitions the real actors took must cover every state node and
 * every transition of the machine definition, for the four dialects together.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type {
  ActorLogic,
  AnyStateNode,
  AnyTransitionDefinition,
  InspectionEvent,
  SnapshotFrom,
} from 'xstate';
import { type AdjacencyMap, getStateNodes, TestModel } from 'xstate/graph';
import type { SessionEvent } from '../../machines/session.types.ts';
import { VoxError } from '../../src/errors.ts';
import {
  dotted,
  type HarnessOptions,
  type SessionHarness,
  type SessionRig,
  sessionRig,
  startSession,
} from './harness.ts';
import { type DialectScript, PCM, SCRIPTS, WAV } from './scripts.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const FAR = 100_000_000;
const OPTIONS: HarnessOptions = {
  replyTimeoutMs: 1_000,
  maxRecordingMs: 5_000,
  maxTurns: 2,
  maxMessageBytes: 2_048,
  autoPlayback: false,
  // Hands-free adds its transitions; push-to-talk's record.start and record.stop still work.
  turnTaking: 'hands-free',
  silenceMs: 300,
  // Time only moves when a stimulus says so: no retry or connect timeout fires on its own.
  reconnect: { initialDelayMs: FAR, maxDelayMs: FAR, connectTimeoutMs: FAR, maxAttempts: FAR, jitter: 0 },
};

type Machine = SessionHarness['machine'];
type Snapshot = SnapshotFrom<Machine>;
type ModelEvent = SessionEvent | { type: 'link.down' };

/** One model event and the real-world stimulus that makes a real session receive it. */
interface Stimulus {
  label: string;
  event: ModelEvent;
  when: (snapshot: Snapshot) => boolean;
  run: (h: SessionHarness) => void;
}

const linkOpen = (s: Snapshot) => s.context.link === 'open';
const recording = (s: Snapshot) => s.matches('recording');
const replying = (s: Snapshot) => s.matches('processing') || s.matches({ speaking: 'streaming' });
const anytime = () => true;
const status = (value: 'open' | 'reconnecting' | 'closed'): ModelEvent => ({
  type: 'connection.status',
  status: value,
  attempt: 0,
  delayMs: null,
  reason: null,
});
const direct = (label: string, event: ModelEvent): Stimulus => ({
  label,
  event,
  when: anytime,
  run: (h) => h.send(event as SessionEvent),
});
const capture = (event: Extract<SessionEvent, { type: `capture.${string}` }>): Stimulus => ({
  label: event.type,
  event,
  when: recording,
  run: (h) => h.capture.send(event),
});
const playback = (event: Extract<SessionEvent, { type: `playback.${string}` }>): Stimulus => ({
  label: event.type,
  event,
  when: anytime,
  run: (h) => h.playback.send(event),
});

/** Opens a socket the way an app would get one: connect, or reconnect from a resting connection. */
function openLink(h: SessionHarness) {
  const connection = h.actor.getSnapshot().children.connection?.getSnapshot();
  if (connection?.matches('closed')) h.send({ type: 'connect' });
  else if (!connection?.matches('connecting')) h.send({ type: 'reconnect' });
  h.open();
}

function stimuli(script: DialectScript): Stimulus[] {
  const frames = { ...script.samples, garbage: '{"not json' };
  const error = new VoxError('capture', 'capture.failed', 'test');
  return [
    { label: 'link open', event: status('open'), when: (s) => !linkOpen(s), run: openLink },
    { label: 'link drop', event: status('reconnecting'), when: linkOpen, run: (h) => h.drop() },
    {
      label: 'link closed',
      event: status('closed'),
      when: linkOpen,
      run: (h) => h.send({ type: 'disconnect' }),
    },
    ...Object.entries(frames).map(
      ([name, data]): Stimulus => ({
        label: `frame ${name}`,
        event: { type: 'connection.message', data, at: 0 },
        when: linkOpen,
        run: (h) => h.server(data),
      }),
    ),
    direct('audio.send', { type: 'audio.send', audio: WAV, mimeType: 'audio/wav' }),
    direct('audio.send too large', {
      type: 'audio.send',
      audio: new Uint8Array(4_000),
      mimeType: 'audio/wav',
    }),
    direct('record.start', { type: 'record.start' }),
    direct('record.stop', { type: 'record.stop' }),
    direct('record.toggle', { type: 'record.toggle' }),
    direct('speech.start', { type: 'speech.start', at: 0 }),
    direct('speech.end', { type: 'speech.end', at: 0 }),
    direct('speech.end a second after its start', { type: 'speech.end', at: 1000 }),
    direct('interrupt', { type: 'interrupt' }),
    direct('turn.retry', { type: 'turn.retry' }),
    direct('audio.resume', { type: 'audio.resume' }),
    direct('connection.rtt', { type: 'connection.rtt', rttMs: 12 }),
    capture({ type: 'capture.frame', audio: PCM, at: 0 }),
    capture({ type: 'capture.level', rms: 0.5, at: 0 }),
    capture({ type: 'capture.done', audio: WAV, mimeType: 'audio/wav', durationMs: 10 }),
    capture({ type: 'capture.error', error }),
    {
      label: 'max recording elapsed',
      event: { type: 'xstate.after.maxRecording.session.recording' } as unknown as ModelEvent,
      // While the user speaks: no silence timer is armed that would end the recording first.
      when: (s) => recording(s) && s.context.speakingSince !== null,
      run: () => vi.advanceTimersByTime(OPTIONS.maxRecordingMs as number),
    },
    {
      label: 'the user falls silent',
      event: { type: 'turn.silence' },
      // Between stretches of speech, so that the speech.end that arms the silence changes nothing else.
      when: (s) => recording(s) && s.context.speakingSince === null,
      run: (h) => {
        h.send({ type: 'speech.end', at: 0 });
        vi.advanceTimersByTime(OPTIONS.silenceMs as number);
      },
    },
    {
      label: 'reply timeout elapsed',
      event: { type: 'turn.stalled' },
      when: replying,
      run: () => vi.advanceTimersByTime(OPTIONS.replyTimeoutMs as number),
    },
    playback({ type: 'playback.started', at: 0 }),
    playback({ type: 'playback.ended', heardMs: 0, at: 0 }),
    playback({ type: 'playback.blocked' }),
    playback({ type: 'playback.resumed' }),
    playback({ type: 'playback.error', error: new VoxError('playback', 'playback.failed', 'test') }),
  ];
}

/** What decides the session's behaviour: its state and the context the guards and actions read. */
function serialize(snapshot: Snapshot): string {
  const c = snapshot.context;
  const turn = c.turn && [c.turn.replyId !== null, c.turn.at.firstEvent !== null, c.turn.resent];
  return JSON.stringify([
    dotted(snapshot.value),
    c.link === 'open',
    c.initialised,
    turn,
    c.clip !== null,
    c.failedClip !== null,
    c.autoResend,
    c.draining,
    c.droppedReplies.length > 0,
    c.maxMessageBytes,
    c.spokenMs >= c.minSpeechMs,
    c.speakingSince,
  ]);
}

// ------------------------------------------------------------------------------------------------
// Coverage of the machine definition

const transitionKey = (node: AnyStateNode, kind: string, index: number) => `${node.id} ${kind} #${index}`;

function definedTransitions(machine: Machine): string[] {
  const keys: string[] = [];
  for (const node of [machine.root, ...getStateNodes(machine.root)]) {
    for (const [type, list] of node.transitions)
      list.forEach((_, i) => keys.push(transitionKey(node, type, i)));
    (node.always ?? []).forEach((_, i) => keys.push(transitionKey(node, 'always', i)));
  }
  return keys;
}

function takenKey(t: AnyTransitionDefinition): string {
  const always = t.source.always?.indexOf(t) ?? -1;
  if (always >= 0) return transitionKey(t.source, 'always', always);
  return transitionKey(t.source, t.eventType, t.source.transitions.get(t.eventType)?.indexOf(t) ?? -1);
}

/** `processing.thinking` → the ids of `processing` and `processing.thinking` (and the root). */
const nodeIds = (value: string) => [
  'session',
  ...value.split('.').map((_, i, parts) => `session.${parts.slice(0, i + 1).join('.')}`),
];

const covered = { transitions: new Set<string>(), nodes: new Set<string>() };
const figures: string[] = [];

function recorder() {
  return (event: InspectionEvent) => {
    if (event.type !== '@xstate.microstep' || event.actorRef.sessionId !== event.rootId) return;
    for (const t of event._transitions) covered.transitions.add(takenKey(t));
    for (const id of nodeIds(dotted((event.snapshot as Snapshot).value))) covered.nodes.add(id);
  };
}

// ------------------------------------------------------------------------------------------------

interface Step {
  event: ModelEvent;
  state: Snapshot;
}

type Adjacency = AdjacencyMap<Snapshot, ModelEvent>;

/**
 * Paths that together take every edge of the model graph: from the initial state, take an untaken
 * edge while the current state has one, else walk the shortest way to the nearest state that has;
 * a path ends after `maxSteps` steps (so a failure names a short trail) and the next starts over.
 */
function edgePaths(adjacency: Adjacency, label: (e: ModelEvent) => string, maxSteps = 200) {
  const keys = Object.keys(adjacency);
  const outgoing = (key: string) =>
    Object.values(adjacency[key as keyof Adjacency]?.transitions ?? {}) as Step[];
  const untaken = new Map<string, Map<string, Step>>();
  let edges = 0;
  for (const key of keys) {
    const out = new Map(outgoing(key).map((t) => [label(t.event), t]));
    edges += out.size;
    untaken.set(key, out);
  }
  const outOf = (key: string) => untaken.get(key) as Map<string, Step>;
  /** The steps from `from` to the nearest state with an untaken edge, or null when none is left. */
  function nearest(from: string): Step[] | null {
    const via = new Map<string, [string, Step]>();
    const queue = [from];
    for (const key of queue) {
      if (outOf(key).size > 0) {
        const steps: Step[] = [];
        for (let k = key; k !== from; k = (via.get(k) as [string, Step])[0]) {
          steps.unshift((via.get(k) as [string, Step])[1]);
        }
        return steps;
      }
      for (const t of outgoing(key)) {
        const next = serialize(t.state);
        if (next !== from && !via.has(next)) {
          via.set(next, [key, t as Step]);
          queue.push(next);
        }
      }
    }
    return null;
  }
  const initialKey = keys[0];
  const initial = adjacency[initialKey as keyof Adjacency];
  if (!initialKey || !initial) throw new Error('empty model');
  const paths: Step[][] = [];
  for (;;) {
    const steps: Step[] = [{ event: { type: 'xstate.init' } as unknown as ModelEvent, state: initial.state }];
    let at = initialKey;
    while (steps.length <= maxSteps) {
      const hop = nearest(at);
      if (!hop) break;
      for (const step of hop) {
        outOf(at).delete(label(step.event));
        at = serialize(step.state);
      }
      const [name, step] = outOf(at).entries().next().value as [string, Step];
      outOf(at).delete(name);
      steps.push(...hop, step);
      at = serialize(step.state);
    }
    if (steps.length === 1) break;
    paths.push(steps);
  }
  return { paths, states: untaken.size, edges };
}

/** Drives a fresh real session along `steps`; throws at the first step where it parts from the model. */
function drive(rig: SessionRig, steps: Step[], byEvent: Map<ModelEvent, Stimulus>) {
  const h = startSession(rig, recorder());
  const trail: string[] = [];
  try {
    const [initial, ...rest] = steps;
    if (!initial || serialize(h.actor.getSnapshot()) !== serialize(initial.state)) {
      throw new Error('the initial states differ');
    }
    for (const step of rest) {
      const stimulus = byEvent.get(step.event);
      if (!stimulus) throw new Error(`no stimulus for ${step.event.type}`);
      trail.push(stimulus.label);
      stimulus.run(h);
      const real = serialize(h.actor.getSnapshot());
      const model = serialize(step.state);
      if (real !== model) {
        const recent = trail.slice(-12).join(' → ');
        throw new Error(`step ${trail.length}, after … ${recent}:\n  model ${model}\n  real  ${real}`);
      }
    }
  } finally {
    h.actor.stop();
    vi.clearAllTimers();
  }
}

const POLICIES = ['manual', 'unanswered'] as const;
const CASES = SCRIPTS.flatMap((script) => POLICIES.map((resend) => ({ script, resend })));

describe('model-based: the real session follows the machine graph', () => {
  test.each(CASES.map((c) => [c.script.dialect.name, c.resend, c] as const))(
    '%s, resend %s',
    (_, __, { script, resend }) => {
      const rig = sessionRig({ ...OPTIONS, dialect: script.dialect, resend });
      const all = stimuli(script);
      const byEvent = new Map(all.map((s) => [s.event, s]));
      const label = (event: ModelEvent) => byEvent.get(event)?.label ?? event.type;
      const logic = rig.machine as unknown as ActorLogic<Snapshot, ModelEvent, unknown>;
      const model = new TestModel(logic, {
        input: rig.input,
        events: (snapshot) => all.filter((s) => s.when(snapshot)).map((s) => s.event),
        serializeState: serialize,
        serializeEvent: label as (e: ModelEvent) => never,
      });
      const { paths, states, edges } = edgePaths(model.getAdjacencyMap(), label);
      for (const steps of paths) drive(rig, steps, byEvent);
      const stepCount = paths.reduce((n, p) => n + p.length - 1, 0);
      figures.push(
        `${script.dialect.name}/${resend}: ${states} model states, ${edges} edges, ${paths.length} paths, ${stepCount} steps driven`,
      );
      expect(paths.length).toBeGreaterThan(0);
    },
  );

  test('together the paths cover every state node and every transition of the machine', () => {
    const { machine } = sessionRig(OPTIONS);
    const defined = definedTransitions(machine);
    const nodes = [machine.root, ...getStateNodes(machine.root)].map((n) => n.id);
    const missedTransitions = defined.filter((k) => !covered.transitions.has(k));
    const missedNodes = nodes.filter((id) => !covered.nodes.has(id));
    console.log(
      [
        ...figures,
        `state nodes covered: ${nodes.length - missedNodes.length}/${nodes.length}`,
        `transitions covered: ${defined.length - missedTransitions.length}/${defined.length}`,
      ].join('\n'),
    );
    expect(missedNodes).toEqual([]);
    expect(missedTransitions).toEqual([]);
  });
});
