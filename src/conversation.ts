import { type AnyActorLogic, createActor, type InspectionEvent, type Observer } from 'xstate';
import { type ConversationInput, conversationMachine } from '../machines/conversation.machine.ts';
import { tutor } from './dialects/tutor.ts';
import type { Dialect } from './dialects/types.ts';
import { VoxError } from './errors.ts';
import { createSessionMachine, type SessionOptions } from './session.ts';
import { validateConversationOptions } from './validate.ts';

export interface ConversationOptions extends Omit<SessionOptions, 'dialect' | 'adapters'> {
  /** The backend's wire protocol; default `tutor` (seed 004). */
  dialect?: Dialect;
  /** Browser adapters: microphone capture, Web Audio playback, voice activity. None in Node. */
  adapters?: { capture?: AnyActorLogic; playback?: AnyActorLogic; voice?: AnyActorLogic };
  bargeIn?: { confirmMs?: number };
  /** Connect as soon as the actor starts. */
  autoConnect?: boolean;
  /** An inspector (`voxstate/inspect`, or any XState inspection observer). */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/** The conversation machine with its adapters provided, and its validated input. */
export function createConversationMachine(options: ConversationOptions) {
  const { adapters = {} } = options;
  validateConversationOptions(options, options.dialect ?? tutor);
  const session = createSessionMachine({ ...options, dialect: options.dialect ?? tutor, adapters });
  const confirmMs = options.bargeIn?.confirmMs ?? 150;
  if (!(confirmMs >= 0)) {
    throw new VoxError('options', 'option.invalid', `bargeIn.confirmMs must be >= 0, got ${confirmMs}`, {
      details: { option: 'bargeIn.confirmMs' },
    });
  }
  const input: ConversationInput = {
    session: session.input,
    bargeIn: { confirmMs },
    autoConnect: options.autoConnect ?? false,
  };
  const machine = conversationMachine.provide({
    actors: { session: session.machine, ...(adapters.voice ? { voice: adapters.voice } : {}) },
  });
  return { machine, input };
}

/** A voice conversation actor, not yet started. Starting does not connect; `connect` does. */
export function createVoiceConversation(options: ConversationOptions) {
  const { machine, input } = createConversationMachine(options);
  return createActor(machine, { input, inspect: options.inspect });
}
