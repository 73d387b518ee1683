/**
 * `messageType`: the `message_type` protocol of seed 000 (`/api/ws/voice-stt`), a streaming protocol
 * of JSON text frames.
 *
 * From the seed: `{message_type:'ping'}` answered by `{message_type:'pong'}` in both directions
 * (25 s interval, 10 s pong timeout), and `{message_type:'stop_audio'}`, the barge-in: the server
 * cancels its speech and stops sending `audio_chunk`s.
 *
 * The seed never shows the other messages; these are documented extensions:
 * - client `{message_type:'audio_chunk', audio, format, sample_rate?}`: base64 audio of the user's
 *   turn. The chunks of a turn are one byte stream in `format` (`pcm_s16le`, `wav`, `webm`, `ogg`,
 *   `mp3`, else the MIME type as given); `sample_rate` comes with `pcm_s16le`.
 * - client `{message_type:'audio_end'}` ends the user's turn: this, not silence, is what ends it.
 * - `stop_audio` may carry the `response_id` of the reply being interrupted.
 * - server `{message_type:'transcript', text, is_final?}` (`is_final` defaults to true),
 *   `{message_type:'response_token', text}`, `{message_type:'audio_chunk', audio, format, sample_rate?}`
 *   with format `pcm_s16le` (a piece of a stream, `sample_rate` required), `wav` or `mp3` (each chunk a
 *   whole playable file), `{message_type:'response_done', duration_ms?}`, and
 *   `{message_type:'error', message, code?}`. Each may carry `response_id`, the reply it belongs to.
 *
 * No handshake: the server needs no init (the token travels in the URL), so the session is ready on open.
 */
import * as v from 'valibot';
import type { Frame } from '../../machines/frames.ts';
import {
  audioEvent,
  base64Audio,
  bytesToBase64,
  cut,
  durationMs,
  given,
  id,
  isJsonTagged,
  jsonDecoder,
  on,
  optionalId,
  sampleRate,
  text,
  withReply,
} from './codec.ts';
import type { ClientIntent, Dialect } from './types.ts';

const NAME = 'messageType';
const SAMPLE_RATE = 16_000;
const message = <T extends string>(name: T) => ({ message_type: v.literal(name), response_id: optionalId });

// Server -> client
export const serverPing = v.object(message('ping'));
export const serverPong = v.object(message('pong'));
export const transcript = v.object({ ...message('transcript'), text, is_final: v.nullish(v.boolean()) });
export const responseToken = v.object({ ...message('response_token'), text });
export const serverAudioChunk = v.object({
  ...message('audio_chunk'),
  ...base64Audio,
});
export const responseDone = v.object({
  ...message('response_done'),
  duration_ms: durationMs,
});
export const error = v.object({ ...message('error'), message: text, code: v.nullish(id) });
export const serverMessage = v.variant('message_type', [
  serverPing,
  serverPong,
  transcript,
  responseToken,
  serverAudioChunk,
  responseDone,
  error,
]);

// Client -> server
export const pingMessage = v.object({ message_type: v.literal('ping') });
export const pongMessage = v.object({ message_type: v.literal('pong') });
export const stopAudioMessage = v.object({
  message_type: v.literal('stop_audio'),
  response_id: v.optional(id),
});
export const audioChunkMessage = v.object({
  message_type: v.literal('audio_chunk'),
  audio: v.string(),
  format: id,
  sample_rate: v.optional(sampleRate),
});
export const audioEndMessage = v.object({ message_type: v.literal('audio_end') });
export const clientMessage = v.variant('message_type', [
  pingMessage,
  pongMessage,
  stopAudioMessage,
  audioChunkMessage,
  audioEndMessage,
]);

export type MessageTypeServerMessage = v.InferInput<typeof serverMessage>;
export type MessageTypeClientMessage = v.InferInput<typeof clientMessage>;

const wire = (m: MessageTypeClientMessage): string => JSON.stringify(m);

const FORMATS: [prefix: string, format: string][] = [
  ['audio/pcm', 'pcm_s16le'],
  ['audio/l16', 'pcm_s16le'],
  ['audio/wav', 'wav'],
  ['audio/x-wav', 'wav'],
  ['audio/webm', 'webm'],
  ['audio/ogg', 'ogg'],
  ['audio/mpeg', 'mp3'],
];

function audioChunks(audio: Uint8Array, mimeType: string): Frame[] {
  const lower = mimeType.toLowerCase();
  const format = FORMATS.find(([prefix]) => lower.startsWith(prefix))?.[1] ?? mimeType;
  const rate = format === 'pcm_s16le' ? SAMPLE_RATE : undefined;
  // 24 KiB of audio is 32 KiB of base64.
  return cut(audio, 24 * 1024).map((chunk) =>
    wire({ message_type: 'audio_chunk', audio: bytesToBase64(chunk), format, sample_rate: rate }),
  );
}

function encode(intent: ClientIntent): Frame[] {
  switch (intent.type) {
    case 'audio':
      return audioChunks(intent.audio, intent.mimeType);
    case 'audio.frame':
      return audioChunks(intent.audio, 'audio/pcm');
    case 'audio.end':
      return [wire({ message_type: 'audio_end' })];
    case 'interrupt':
      return [wire({ message_type: 'stop_audio', response_id: intent.replyId })];
    default:
      return [];
  }
}

const decode = jsonDecoder(NAME, 'message_type', [
  // Pings and pongs are the connection machine's (see `heartbeat`); here they mean nothing.
  on(serverPing, () => []),
  on(serverPong, () => []),
  on(transcript, (m) => [
    withReply({ type: 'server.transcript', text: m.text, final: m.is_final ?? true }, m.response_id),
  ]),
  on(responseToken, (m) => [withReply({ type: 'server.token', text: m.text }, m.response_id)]),
  on(serverAudioChunk, (m) =>
    audioEvent(
      NAME,
      'audio_chunk',
      { base64: m.audio, format: m.format, sampleRate: m.sample_rate },
      false,
      m.response_id,
    ),
  ),
  on(responseDone, (m) => [
    withReply({ type: 'server.done', ...given('durationMs', m.duration_ms) }, m.response_id),
  ]),
  on(error, (m) => [
    withReply({ type: 'server.error', message: m.message, ...given('code', m.code) }, m.response_id),
  ]),
]);

const PING = wire({ message_type: 'ping' });
const PONG = wire({ message_type: 'pong' });

export const messageType: Dialect = {
  name: NAME,
  path: '/api/ws/voice-stt',
  protocols: [],
  transport: 'stream',
  capture: { mimeType: 'audio/pcm', sampleRate: SAMPLE_RATE, frameMs: 100 },
  handshake: false,
  heartbeat: {
    intervalMs: 25_000,
    timeoutMs: 10_000,
    ping: () => PING,
    isPong: (frame) => isJsonTagged(frame, 'message_type', 'pong'),
    reply: (frame) => (isJsonTagged(frame, 'message_type', 'ping') ? PONG : null),
  },
  encode,
  decode,
  schemas: { client: clientMessage, server: serverMessage },
};
