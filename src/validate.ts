import { maxRecordingFor } from '../machines/session.machine.ts';
import type { ConversationOptions } from './conversation.ts';
import type { Dialect } from './dialects/types.ts';
import { VoxError } from './errors.ts';

/*
 * Options that are each valid but contradict one another. Each is refused at creation with a
 * VoxError (`options`, `option.conflict`) that names both sides, rather than one silently winning.
 */

const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

function conflict(option: string, other: string, message: string): VoxError {
  return new VoxError('options', 'option.conflict', message, { details: { option, with: other } });
}

/** `reconnect.schedule` replaces the exponential backoff: both at once would ignore one. */
function checkBackoff(options: ConversationOptions) {
  const reconnect = (options.reconnect ?? {}) as Record<string, unknown>;
  if (reconnect.schedule === undefined) return;
  const exponential = ['initialDelayMs', 'factor', 'maxDelayMs'].filter((k) => reconnect[k] !== undefined);
  if (exponential.length === 0) return;
  throw conflict(
    'reconnect.schedule',
    `reconnect.${exponential[0]}`,
    `reconnect.schedule replaces the exponential backoff: give either a schedule or ${exponential.map((k) => `reconnect.${k}`).join(', ')}, not both`,
  );
}

/** Heartbeat timings or pong recognition without a ping frame would time nothing. */
function checkHeartbeat(options: ConversationOptions, dialect: Dialect) {
  const heartbeat = options.heartbeat;
  if (!heartbeat || heartbeat.ping || dialect.heartbeat.ping) return;
  const given = (['intervalMs', 'timeoutMs', 'isPong'] as const).filter((k) => heartbeat[k] !== undefined);
  if (given.length === 0) return;
  throw conflict(
    `heartbeat.${given[0]}`,
    'heartbeat.ping',
    `heartbeat.${given[0]} has no effect: the ${dialect.name} dialect has no ping, so a dead connection is noticed only when the socket closes. Pass heartbeat.ping (and isPong) for a server that answers one, or leave the heartbeat out`,
  );
}

/** A turn-based dialect sends a recording as one message: a longer limit would only fail when sent. */
function checkRecording(options: ConversationOptions, dialect: Dialect) {
  if (options.maxRecordingMs === undefined || dialect.transport !== 'turn') return;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const fits = maxRecordingFor({
    maxRecordingMs: null,
    maxMessageBytes,
    sampleRate: dialect.capture.sampleRate,
    dialect,
  });
  if (options.maxRecordingMs <= fits) return;
  throw conflict(
    'maxRecordingMs',
    'maxMessageBytes',
    `maxRecordingMs ${options.maxRecordingMs} is longer than the ${fits} ms of ${dialect.capture.sampleRate / 1000} kHz WAV that fit in one ${dialect.name} message of ${maxMessageBytes} bytes (maxMessageBytes): such a recording could not be sent. Record at most ${fits} ms, or raise maxMessageBytes if the server accepts larger messages`,
  );
}

/** Throws the first contradiction among a conversation's options (each option alone is checked where it is used). */
export function validateConversationOptions(options: ConversationOptions, dialect: Dialect) {
  checkBackoff(options);
  checkHeartbeat(options, dialect);
  checkRecording(options, dialect);
}

const ALIASES: Record<string, string> = {
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/l16': 'audio/pcm',
};
const baseType = (mimeType: string) => {
  const type = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  return ALIASES[type] ?? type;
};

/**
 * Audio the dialect cannot carry (WAV to a server that streams WebM, WebM to one that takes WAV):
 * sent anyway, the server would fail to decode it, or worse, answer noise. Null when it fits.
 */
export function unfitAudio(dialect: Dialect, mimeType: string): VoxError | null {
  const wanted = dialect.capture.mimeType;
  if (baseType(mimeType) === baseType(wanted)) return null;
  return new VoxError(
    'conversation',
    'audio.unsupported',
    `The ${dialect.name} dialect carries ${wanted} audio; a ${mimeType} clip was not sent. Record or convert to ${baseType(wanted)}`,
    { details: { mimeType, expected: wanted, dialect: dialect.name } },
  );
}
