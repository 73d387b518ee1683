import { type ActorLogic, createActor, type InspectionEvent, type Snapshot } from 'xstate';
import type { ConversationCommand, ConversationEmitted } from '../../machines/conversation.machine.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { type ConversationOptions, createConversationMachine } from '../../src/conversation.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { formatState } from '../../src/inspect/eventLog.ts';
import { countingManualClock } from '../helpers/countingClock.ts';
import { wavClip } from '../helpers/tutorBackend.ts';
import { fakeTutorNetwork } from './fakeTutorNetwork.ts';

/*
 * The model of the composed conversation: the conversation itself, on a synchronous fake network
 * (fakeTutorNetwork.ts), replayed from scratch for each event history. Its vertices are the
 * combinations of the three actors' states with what decides their future (attempt counter, turn,
 * failed clip, reply draining, pending timers); ever-growing fields (transcript) are left out.
 */

/** Distinct delays, so a test names the timer it fires by its length. */
export const DELAYS = { retry: 1001, reply: 1002, confirm: 1003, connect: 1004, uptime: 1005 };
const TIMER_NAMES = Object.fromEntries(Object.entries(DELAYS).map(([name, ms]) => [ms, name]));

/** Heartbeat off and no token source (the connection model test covers both); two retries at most. */
export const optionsFor = (url: string, WebSocket: WebSocketConstructor): ConversationOptions => ({
  url,
  WebSocket,
  threadId: 'thread-1',
  heartbeat: false,
  reconnect: {
    schedule: [DELAYS.retry],
    jitter: 0,
    maxAttempts: 2,
    connectTimeoutMs: DELAYS.connect,
    minUptimeMs: DELAYS.uptime,
  },
  replyTimeoutMs: DELAYS.reply,
  bargeIn: { confirmMs: DELAYS.confirm },
});

const SERVER_SAYS = {
  transcribing: { event: 'stt_start' },
  thinking: { event: 'rag_start' },
  synthesizing: { event: 'tts_start' },
  transcript: { event: 'stt_complete', text: 'hello' },
  token: { event: 'rag_token', token: 'Hi' },
  audio: { event: 'tts_complete', audio: bytesToBase64(wavClip), format: 'wav' },
  done: { event: 'done', duration: 0.1 },
  error: { event: 'error', message: 'overloaded' },
};

export type ModelEvent =
  | {
      type:
        | 'connect'
        | 'disconnect'
        | 'reconnect'
        | 'audio.send'
        | 'record.start'
        | 'interrupt'
        | 'turn.retry'
        | 'speech.start'
        | 'speech.end';
    }
  | { type: 'server'; says: keyof typeof SERVER_SAYS }
  | { type: 'server.drop' }
  | { type: 'timer'; timer: 'retry' | 'reply' | 'confirm' };

const APP_EVENTS = [
  'connect',
  'disconnect',
  'reconnect',
  'audio.send',
  'record.start',
  'interrupt',
  'turn.retry',
  'speech.start',
  'speech.end',
] as const;

export const EVENTS: ModelEvent[] = [
  ...APP_EVENTS.map((type) => ({ type })),
  ...(Object.keys(SERVER_SAYS) as (keyof typeof SERVER_SAYS)[]).map((says) => ({
    type: 'server' as const,
    says,
  })),
  { type: 'server.drop' },
  ...(['retry', 'reply', 'confirm'] as const).map((timer) => ({ type: 'timer' as const, timer })),
];

export const eventKey = (event: ModelEvent) => JSON.stringify(event);

/** A conversation, its clock and its server, simulated or real: model events act on both alike. */
export interface World {
  actor: ReturnType<typeof createActor<Built['machine']>>;
  clock: ReturnType<typeof countingManualClock>;
  emitted: ConversationEmitted[];
  server: { send(frame: string): void; drop(): void; openSockets(): number };
  /** Delivers what is in flight (the fake network); nothing for a real one. */
  flush(): void;
}

type Built = ReturnType<typeof createConversationMachine>;

export function createWorld(
  { machine, input }: Built,
  server: World['server'],
  options: { flush?: () => void; inspect?: (e: InspectionEvent) => void } = {},
): World {
  const clock = countingManualClock();
  const actor = createActor(machine, { input, clock, inspect: options.inspect });
  const emitted: ConversationEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  const flush = options.flush ?? (() => {});
  flush();
  return { actor, clock, emitted, server, flush };
}

// One network and one machine for every simulated conversation (building a machine costs more than
// running one): simulations run one at a time, each on a network reset for it.
const network = fakeTutorNetwork();
const simulatedMachine = createConversationMachine(optionsFor('ws://model.invalid', network.WebSocket));

/** A conversation on the synchronous fake network; the previous one must have been stopped. */
export function simulatedWorld(): World {
  network.reset();
  const server = { send: network.send, drop: network.drop, openSockets: () => network.open().length };
  return createWorld(simulatedMachine, server, { flush: network.flush });
}

export function play(world: World, event: ModelEvent) {
  const { actor } = world;
  if (event.type === 'server') world.server.send(JSON.stringify(SERVER_SAYS[event.says]));
  else if (event.type === 'server.drop') world.server.drop();
  else if (event.type === 'timer') world.clock.fire(DELAYS[event.timer]);
  else if (event.type === 'audio.send')
    actor.send({ type: 'audio.send', audio: wavClip, mimeType: 'audio/wav' });
  else if (event.type === 'speech.start' || event.type === 'speech.end')
    actor.send({ type: event.type, at: 0 });
  else actor.send(event as ConversationCommand);
  world.flush();
}

/** What the model and the real run must agree on after each step. */
export interface Observed {
  connection: string;
  session: string;
  bargeIn: string;
  attempt: number;
  turn: boolean;
  failedClip: boolean;
  draining: boolean;
  timers: string[];
  transcript: number;
  turnsEmitted: number;
  serverSockets: number;
}

export function observe(world: World): Observed {
  const { system } = world.actor;
  const connection = system.get('connection').getSnapshot();
  const session = system.get('session').getSnapshot();
  return {
    connection: formatState(connection.value),
    session: formatState(session.value),
    bargeIn: formatState(system.get('bargeIn').getSnapshot().value),
    attempt: connection.context.attempt,
    turn: session.context.turn !== null,
    failedClip: session.context.failedClip !== null,
    draining: session.context.draining,
    timers: world.clock.pending().map((ms) => TIMER_NAMES[ms] ?? `${ms} ms`),
    transcript: session.context.transcript.length,
    turnsEmitted: world.emitted.filter((e) => e.type === 'session.turn').length,
    serverSockets: world.server.openSockets(),
  };
}

/** The vertex: everything that decides what comes next. */
export const vertexOf = (o: Observed) =>
  JSON.stringify([o.connection, o.session, o.bargeIn, o.attempt, o.turn, o.failedClip, o.draining, o.timers]);

/** Events that can do something in this state: the server speaks on an open socket, pending timers fire. */
export function enabled(o: Observed): ModelEvent[] {
  return EVENTS.filter((e) => {
    if (e.type === 'server' || e.type === 'server.drop') return o.serverSockets > 0;
    if (e.type === 'timer') return o.timers.includes(e.timer);
    if (e.type === 'turn.retry') return o.failedClip;
    return true;
  });
}

const simulated = new Map<string, Observed>();

/** Plays `history` on a fresh simulated conversation; what it observes at the end. */
export function simulate(history: ModelEvent[]): Observed {
  const key = JSON.stringify(history);
  const cached = simulated.get(key);
  if (cached) return cached;
  const world = simulatedWorld();
  for (const event of history) play(world, event);
  const observed = observe(world);
  world.actor.stop();
  simulated.set(key, observed);
  return observed;
}

export type ModelSnapshot = Snapshot<undefined> & { history: ModelEvent[]; observed: Observed };

/** The model as XState logic, for `xstate/graph`. */
export const modelLogic = {
  getInitialSnapshot: () => ({
    status: 'active',
    output: undefined,
    error: undefined,
    history: [],
    observed: simulate([]),
  }),
  transition: (snapshot: ModelSnapshot, event: ModelEvent) => {
    const history = [...snapshot.history, event];
    return { ...snapshot, history, observed: simulate(history) };
  },
} as unknown as ActorLogic<ModelSnapshot, ModelEvent>;

/** What must hold whatever the path: the actors agree with each other and with the server. */
export function invariantViolations(o: Observed): string[] {
  const broken: string[] = [];
  if (o.serverSockets > 1) broken.push('more than one socket open on the server');
  if (o.bargeIn !== 'idle' && !o.session.startsWith('speaking'))
    broken.push('barge-in armed while the agent is silent');
  if (/^(ready|processing|speaking\.streaming)/.test(o.session) && !o.connection.startsWith('open'))
    broken.push('a turn without a connection');
  if (o.connection.startsWith('open') !== (o.serverSockets === 1))
    broken.push('connection and server disagree');
  if (o.turnsEmitted !== o.transcript) broken.push('session.turn events and transcript disagree');
  return broken;
}
