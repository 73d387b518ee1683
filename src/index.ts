export { delayBounds, retryDelay } from '../machines/backoff.ts';
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
export type { Frame, FrameKind } from '../machines/frames.ts';
export { browserSignals } from './adapters/browserSignals.ts';
export type { WebSocketConstructor, WebSocketLike } from './adapters/websocket.ts';
export { webSocketAdapter } from './adapters/websocket.ts';
export type { CreateConnectionOptions } from './connection.ts';
export { createConnection, createConnectionMachine } from './connection.ts';
export type { VoxErrorDetails, VoxErrorSource } from './errors.ts';
export { isVoxError, VoxError } from './errors.ts';
