import { type ActorRefFrom, type EventObject, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import type { VoxError } from '../src/errors.ts';
import { unfitAudio } from '../src/validate.ts';
import { type BargeInEmitted, type BargeInEvent, bargeInMachine } from './bargeIn.machine.ts';
import type { ConnectionEmitted } from './connection.machine.ts';
import { type SessionInput, sessionMachine } from './session.machine.ts';
import type { SessionEmitted, SessionEvent } from './session.types.ts';

export interface ConversationInput {
  session: Omit<SessionInput, 'owner'>;
  bargeIn: { confirmMs: number };
  /** Send `connect` as soon as the actor starts. */
  autoConnect: boolean;
}

/** What an app sends the conversation. */
export type ConversationCommand =
  | { type: 'connect' }
  | { type: 'disconnect' }
  | { type: 'reconnect' }
  | { type: 'record.start' }
  | { type: 'record.stop' }
  | { type: 'record.toggle' }
  | { type: 'audio.send'; audio: Uint8Array; mimeType: string }
  | { type: 'interrupt' }
  | { type: 'turn.retry' }
  | { type: 'audio.resume' };

/**
 * What the conversation tells the voice-activity adapter: start listening. Sent at once when hands-free,
 * otherwise with the user's first turn, so that no microphone prompt greets a user who has not spoken.
 */
export type VoiceCommand = { type: 'voice.listen' };

/** The voice-activity adapter could not open the microphone: no barge-in or hands-free until a restart. */
export type VoiceError = { type: 'voice.error'; error: VoxError };

/** Everything the conversation emits for an app to log: its children's events, relayed. */
export type ConversationEmitted = SessionEmitted | ConnectionEmitted | BargeInEmitted | VoiceError;

/** The voice-activity adapter's events (src/adapters), with audio-clock timestamps. */
export type VoiceEvent = Extract<BargeInEvent, { type: 'speech.start' | 'speech.end' }>;

export type ConversationEvent = ConversationCommand | ConversationEmitted | VoiceEvent;

/**
 * The conversation: a coarse parent that owns three named actors, `session` (which owns
 * `connection`), `bargeIn` and `voice`, routes the app's commands to them and relays what they
 * report. Every decision lives in a child; the parent only wires them together.
 */
export const conversationMachine = setup({
  types: {
    context: {} as ConversationInput,
    events: {} as ConversationEvent,
    input: {} as ConversationInput,
    emitted: {} as ConversationEmitted,
  },
  actors: {
    session: sessionMachine,
    bargeIn: bargeInMachine.provide({
      actions: {
        duck: sendTo(({ system }) => system.get('playback'), { type: 'duck' }),
        restore: sendTo(({ system }) => system.get('playback'), { type: 'restore' }),
        stop: sendTo(({ system }) => system.get('session'), { type: 'interrupt' }),
      },
    }),
    /** Voice activity on the microphone (browser); none in Node. */
    voice: fromCallback<EventObject>(() => {}),
  },
  guards: {
    audioUnfit: ({ context, event }) =>
      event.type === 'audio.send' && unfitAudio(context.session.dialect, event.mimeType) !== null,
    floorToUser: ({ context, event }) =>
      context.session.handsFree && event.type === 'bargeIn.interrupted' && !event.manual,
  },
  actions: {
    toSession: sendTo('session', ({ event }) => event as SessionEvent),
    /** A clip the dialect cannot carry is refused here, with the error an app already listens for. */
    refuseAudio: enqueueActions(({ context, event, enqueue }) => {
      const error = event.type === 'audio.send' ? unfitAudio(context.session.dialect, event.mimeType) : null;
      if (error) enqueue.emit({ type: 'session.error', error });
    }),
    toBargeIn: sendTo('bargeIn', ({ event }) => event as BargeInEvent),
    listen: sendTo('voice', { type: 'voice.listen' } satisfies VoiceCommand),
    arm: sendTo('bargeIn', ({ event }) =>
      event.type === 'session.speaking' && event.speaking ? { type: 'agent.start' } : { type: 'agent.stop' },
    ),
    relay: enqueueActions(({ event, enqueue }) => enqueue.emit(event as ConversationEmitted)),
  },
}).createMachine({
  id: 'conversation',
  context: ({ input }) => input,
  invoke: [
    {
      id: 'session',
      systemId: 'session',
      src: 'session',
      input: ({ context, self }) => ({ ...context.session, owner: self }),
    },
    {
      id: 'bargeIn',
      systemId: 'bargeIn',
      src: 'bargeIn',
      input: ({ context, self }) => ({ confirmMs: context.bargeIn.confirmMs, owner: self }),
    },
    { id: 'voice', systemId: 'voice', src: 'voice' },
  ],
  entry: enqueueActions(({ context, enqueue }) => {
    if (context.autoConnect) enqueue.sendTo('session', { type: 'connect' });
    if (context.session.handsFree) enqueue('listen');
  }),
  on: {
    connect: { actions: 'toSession' },
    disconnect: { actions: 'toSession' },
    reconnect: { actions: 'toSession' },
    'record.start': { actions: ['toSession', 'listen'] },
    'record.stop': { actions: 'toSession' },
    'record.toggle': { actions: ['toSession', 'listen'] },
    'audio.send': [{ guard: 'audioUnfit', actions: 'refuseAudio' }, { actions: ['toSession', 'listen'] }],
    'turn.retry': { actions: 'toSession' },
    'audio.resume': { actions: 'toSession' },
    interrupt: { actions: 'toBargeIn' },
    // Voice activity: barge-in while the agent speaks, hands-free turn-taking otherwise.
    'speech.start': { actions: ['toBargeIn', 'toSession'] },
    'speech.end': { actions: ['toBargeIn', 'toSession'] },
    'voice.error': { actions: 'relay' },
    'session.speaking': { actions: ['arm', 'relay'] },
    'session.turn': { actions: 'relay' },
    'session.error': { actions: 'relay' },
    'session.warning': { actions: 'relay' },
    'connection.status': { actions: 'relay' },
    'connection.error': { actions: 'relay' },
    'connection.rtt': { actions: 'relay' },
    'connection.lost': { actions: 'relay' },
    'bargeIn.ducked': { actions: 'relay' },
    'bargeIn.restored': { actions: 'relay' },
    'bargeIn.interrupted': [
      // Hands-free, the user who barged in is already speaking: their turn starts now.
      { guard: 'floorToUser', actions: ['relay', sendTo('session', { type: 'record.start' })] },
      { actions: 'relay' },
    ],
  },
});

export type ConversationActor = ActorRefFrom<typeof conversationMachine>;
