/** The three swappable parts every reply goes through. */
import type { TurnAudio } from '../audio/input.ts';
import type { Pcm } from '../audio/pcm.ts';
import type { SpeechAnalysis } from '../audio/speech.ts';

export interface Transcript {
  /** What goes to the client as the user's words. */
  text: string;
  /** What the embedded transcriber measured, when it could decode the audio. */
  analysis?: SpeechAnalysis;
}

export interface Transcriber {
  transcribe(audio: TurnAudio, signal: AbortSignal): Promise<Transcript>;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ResponderInput {
  transcript: Transcript;
  audio: TurnAudio;
  /** Earlier turns of this thread, oldest first. */
  history: readonly ChatMessage[];
  /** 1 for the thread's first turn. */
  turn: number;
  signal: AbortSignal;
}

export interface Responder {
  /** The reply, token by token; stops when `signal` aborts. */
  respond(input: ResponderInput): AsyncIterable<string>;
}

export interface Synthesizer {
  synthesize(text: string, signal: AbortSignal): Promise<Pcm>;
}

export interface Pipeline {
  name: string;
  transcriber: Transcriber;
  responder: Responder;
  synthesizer: Synthesizer;
}
