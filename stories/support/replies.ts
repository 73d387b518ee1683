import { bytesToBase64 } from '../../src/dialects/codec.ts';
import type { TutorServerMessage } from '../../src/dialects/tutor.ts';
import { tone } from './audio.ts';

/** What the user asks in every story, and the agent's answer. */
export const QUESTION = 'What does a statechart add to a state machine?';
export const ANSWER =
  'Nested and parallel states: each part of the app waits only for the events that can happen next, and every transition is explicit.';

const TOKENS = ANSWER.split(/(?<= )/);
/** The reply text streamed so far while the agent is still thinking. */
export const PARTIAL_ANSWER = TOKENS.slice(0, 8).join('').trim();

/**
 * The seed 004 server's answer to a turn, cut after each stage: a story sends the prefix that leaves
 * the turn in the stage it shows.
 */
const transcribing: TutorServerMessage[] = [{ event: 'stt_start' }];
const thinking: TutorServerMessage[] = [
  ...transcribing,
  { event: 'stt_complete', text: QUESTION },
  { event: 'rag_start' },
  ...TOKENS.slice(0, 8).map((token) => ({ event: 'rag_token' as const, token })),
];
const synthesizing: TutorServerMessage[] = [
  ...thinking,
  ...TOKENS.slice(8).map((token) => ({ event: 'rag_token' as const, token })),
  { event: 'rag_complete', text: ANSWER },
  { event: 'tts_start' },
];
const speaking: TutorServerMessage[] = [
  ...synthesizing,
  { event: 'tts_complete', audio: bytesToBase64(tone(6)), format: 'wav' },
  { event: 'done', duration: 6 },
];

export const replies = { transcribing, thinking, synthesizing, speaking };
