export { delayBounds, retryDelay } from '../machines/backoff.ts';
export type { BargeInEmitted, BargeInEvent, BargeInInput } from '../machines/bargeIn.machine.ts';
export { bargeInMachine } from '../machines/bargeIn.machine.ts';
export type { CloseInfo, ClosePolicy, CloseVerdict } from '../machines/closePolicy.ts';
export { defaultClosePolicy } from '../machines/closePolicy.ts';
export type {
  ClosedReason,
  ConnectionContext,
  ConnectionEmitted,
  ConnectionEvent,
  ConnectionStatus,
  SocketCommand,
  SocketEvent,
  SocketInput,
} from '../machines/connection.machine.ts';
export { connectionMachine, redactToken } from '../machines/connection.machine.ts';
export type {
  ConnectionOptions,
  ConnectionSettings,
  HeartbeatOptions,
  QueueOptions,
  ReconnectOptions,
} from '../machines/connection.options.ts';
export {
  connectionSettings,
  DEFAULT_BACKOFF,
  DEFAULT_HEARTBEAT,
  DEFAULT_QUEUE,
} from '../machines/connection.options.ts';
export type {
  ConversationCommand,
  ConversationEmitted,
  ConversationEvent,
  ConversationInput,
  VoiceEvent,
} from '../machines/conversation.machine.ts';
export { conversationMachine } from '../machines/conversation.machine.ts';
export type { Frame, FrameKind } from '../machines/frames.ts';
export type { SessionContext, SessionInput } from '../machines/session.machine.ts';
export { maxRecordingFor, sessionMachine } from '../machines/session.machine.ts';
export type {
  Clip,
  SessionEmitted,
  SessionEvent,
  TimedServerEvent,
  Turn,
} from '../machines/session.types.ts';
export { browserSignals } from './adapters/browserSignals.ts';
export type { CaptureAdapterOptions } from './adapters/capture.ts';
export type { MediaRecorderCaptureOptions } from './adapters/mediaRecorderCapture.ts';
export { mediaRecorderCapture } from './adapters/mediaRecorderCapture.ts';
export { pcmCapture } from './adapters/pcmCapture.ts';
export type { PlaybackOptions } from './adapters/playback.ts';
export { playback } from './adapters/playback.ts';
export type { VoiceAdapterEvent, VoiceOptions } from './adapters/voice.ts';
export { voice, voiceWorkletSource } from './adapters/voice.ts';
export type { WebSocketConstructor, WebSocketLike } from './adapters/websocket.ts';
export { webSocketAdapter } from './adapters/websocket.ts';
export type { AudioHost, AudioHostOptions } from './audio/host.ts';
export { createAudioHost } from './audio/host.ts';
export type {
  AudioInputDevice,
  CaptureCommand,
  CaptureEvent,
  CaptureInput,
  PlaybackAudio,
  PlaybackCommand,
  PlaybackEvent,
} from './audio/types.ts';
export { encodeWav, parseWav } from './audio/wav.ts';
export { workletSource } from './audio/worklet.ts';
export type { CreateConnectionOptions } from './connection.ts';
export { createConnection, createConnectionMachine } from './connection.ts';
export type { ConversationOptions } from './conversation.ts';
export { createConversationMachine, createVoiceConversation } from './conversation.ts';
export type { CaptureFormat, ClientIntent, Dialect, ServerEvent, Stage } from './dialects/types.ts';
export type { VoxErrorDetails, VoxErrorSource } from './errors.ts';
export { isVoxError, VoxError } from './errors.ts';
export type {
  BargeInSnapshot,
  BargeInState,
  ConnectionSnapshot,
  ConversationChildren,
  SessionSnapshot,
  SessionState,
} from './selectors.ts';
export {
  bargeInOf,
  childOf,
  connectionOf,
  selectAttempt,
  selectBargeInState,
  selectClosedReason,
  selectConnectionError,
  selectConnectionStatus,
  selectInputLevel,
  selectMaxAttempts,
  selectPlaybackBlocked,
  selectReplyText,
  selectRetryDelay,
  selectRtt,
  selectSessionError,
  selectSessionState,
  selectStage,
  selectTranscript,
  selectUserText,
  sessionOf,
} from './selectors.ts';
export type { SessionOptions } from './session.ts';
export { createSession, createSessionMachine } from './session.ts';
