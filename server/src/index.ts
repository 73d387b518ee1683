/** voxstate-server as a library: start it on port 0 in a test, trigger faults, stop it. */
export type { InputFormat, TurnAudio } from './audio/input.ts';
export type { Pcm } from './audio/pcm.ts';
export type { Segment, SpeechAnalysis } from './audio/speech.ts';
export { DISCLAIMER } from './control.ts';
export type { FaultState, ServerLogEvent } from './events.ts';
export type { EmbeddedOptions } from './pipeline/embedded.ts';
export {
  analyse,
  embeddedPipeline,
  embeddedReply,
  energyTranscriber,
  scriptedResponder,
} from './pipeline/embedded.ts';
export type { OpenAIConfig } from './pipeline/openai.ts';
export { openAIConfigFromEnv, openAIPipeline } from './pipeline/openai.ts';
export { cachedSynthesizer, espeakSynthesizer } from './pipeline/synthesis.ts';
export type {
  ChatMessage,
  Pipeline,
  Responder,
  ResponderInput,
  Synthesizer,
  Transcriber,
  Transcript,
} from './pipeline/types.ts';
export { protocolFor, protocols } from './protocols/index.ts';
export type { ServerProtocol } from './protocols/types.ts';
export type { FaultControls, ServerOptions, VoiceServer } from './server.ts';
export { startServer } from './server.ts';
