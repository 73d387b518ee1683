import { type ActorRefFrom, type AnyActorRef, assign, enqueueActions, setup } from 'xstate';

export interface BargeInInput {
  /** Speech must last this long (ms) before the agent is stopped for good; shorter sounds only duck it. */
  confirmMs: number;
  /** Receives every emitted event too (the conversation that owns this actor). */
  owner?: AnyActorRef;
}

export type BargeInEvent =
  /** The agent became audible / silent (the playback adapter's started and ended). */
  | { type: 'agent.start' }
  | { type: 'agent.stop' }
  /**
   * The voice-activity detector, with audio-clock timestamps (ms): `at` is where the speech began,
   * `now` (optional) when the detector said so. The confirmation window runs from `at`, so the time
   * the detector needed to decide counts towards it.
   */
  | { type: 'speech.start'; at: number; now?: number }
  | { type: 'speech.end'; at: number }
  /** A stop button: interrupt at once. */
  | { type: 'interrupt' };

export type BargeInEmitted =
  | { type: 'bargeIn.ducked'; onsetAt: number }
  | { type: 'bargeIn.restored'; onsetAt: number }
  /** The agent was stopped; `onsetAt` is null for a manual interrupt. */
  | { type: 'bargeIn.interrupted'; onsetAt: number | null; manual: boolean };

export interface BargeInContext {
  confirmMs: number;
  owner: AnyActorRef | undefined;
  /** Audio-clock time the current speech began, while ducked. */
  onsetAt: number | null;
  /** What is left of the confirmation window when the duck begins. */
  confirmLeftMs: number;
  interruptions: number;
}

type Notify = { emit(event: BargeInEmitted): void; sendTo(to: AnyActorRef, event: BargeInEmitted): void };

function notify(enqueue: Notify, context: BargeInContext, event: BargeInEmitted) {
  enqueue.emit(event);
  if (context.owner) enqueue.sendTo(context.owner, event);
}

/**
 * Armed while the agent speaks. The first speech frame ducks the agent at once; speech that lasts the
 * confirmation window (from its onset, not from the duck) stops it for good; speech that ends sooner
 * (a cough, a door) restores it.
 * The audio itself is touched only through the `duck`, `restore` and `stop` actions, which the owner
 * provides (the conversation binds them to the playback adapter and the session).
 */
export const bargeInMachine = setup({
  types: {
    context: {} as BargeInContext,
    events: {} as BargeInEvent,
    input: {} as BargeInInput,
    emitted: {} as BargeInEmitted,
  },
  delays: { confirm: ({ context }) => context.confirmLeftMs },
  actions: {
    /** Lower the agent's volume (provided). */
    duck: () => {},
    /** Bring the agent's volume back (provided). */
    restore: () => {},
    /** Stop the reply for good: playback, interrupt frame, transcript (provided). */
    stop: () => {},
    onset: assign(({ context, event }) => {
      if (event.type !== 'speech.start') return {};
      const age = event.now === undefined ? 0 : Math.max(0, event.now - event.at);
      return { onsetAt: event.at, confirmLeftMs: Math.max(0, context.confirmMs - age) };
    }),
    ducked: enqueueActions(({ context, enqueue }) => {
      notify(enqueue, context, { type: 'bargeIn.ducked', onsetAt: context.onsetAt ?? 0 });
    }),
    restored: enqueueActions(({ context, enqueue }) => {
      notify(enqueue, context, { type: 'bargeIn.restored', onsetAt: context.onsetAt ?? 0 });
      enqueue.assign({ onsetAt: null });
    }),
    interrupted: enqueueActions(({ context, event, enqueue }) => {
      const manual = event.type === 'interrupt';
      notify(enqueue, context, {
        type: 'bargeIn.interrupted',
        onsetAt: manual ? null : context.onsetAt,
        manual,
      });
      enqueue.assign({ onsetAt: null, interruptions: context.interruptions + 1 });
    }),
  },
}).createMachine({
  id: 'bargeIn',
  context: ({ input }) => ({
    confirmMs: input.confirmMs,
    owner: input.owner,
    onsetAt: null,
    confirmLeftMs: input.confirmMs,
    interruptions: 0,
  }),
  initial: 'idle',
  states: {
    /**
     * The agent is silent: speech is the user's turn, not an interruption. A stop button still
     * reaches the session, which may be waiting for a reply to cancel.
     */
    idle: { on: { 'agent.start': 'armed', interrupt: { actions: ['stop', 'interrupted'] } } },
    armed: {
      on: {
        'speech.start': { target: 'ducked', actions: 'onset' },
        interrupt: { target: 'idle', actions: ['stop', 'interrupted'] },
        'agent.stop': 'idle',
      },
    },
    ducked: {
      entry: ['duck', 'ducked'],
      after: { confirm: { target: 'idle', actions: ['stop', 'interrupted'] } },
      on: {
        'speech.end': { target: 'armed', actions: ['restore', 'restored'] },
        interrupt: { target: 'idle', actions: ['stop', 'interrupted'] },
        'agent.stop': { target: 'idle', actions: ['restore', 'restored'] },
      },
    },
  },
});

export type BargeInActor = ActorRefFrom<typeof bargeInMachine>;
