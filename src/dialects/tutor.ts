/**
 * `tutor`: the turn-based protocol of seed 004 (`/api/ws/voice`), the default dialect.
 *
 * Client: `{action:'init', thread_id, audio_format:'wav'}`, then one `{action:'audio', data}` per user
 * turn (base64 WAV, 16 kHz mono 16-bit), and `{action:'ping'}` as heartbeat. Server: `{event}` with
 * initialized (thread_id, kb_id), stt_start, stt_complete (text), rag_start, rag_token (token),
 * rag_complete (text), tts_start, tts_complete (base64 audio, format wav|mp3), done (duration in
 * seconds), error (message) and pong.
 *
 * Extensions, which a server of the seed may ignore:
 * - `{action:'interrupt', reply_id?}` asks the server to stop the reply it is working on.
 * - Every server event may carry `reply_id`, so frames of an interrupted reply can be recognised.
 *
 * A user turn is the one `audio` message; `audio.frame` and `audio.end` encode to nothing.
 * The heartbeat waits up to 30 s for a pong: a server of the seed reads its socket only between
 * turns, so a ping sent while it is transcribing, thinking or synthesising is answered late.
 */
import * as v from 'valibot';
import type { Frame } from '../../machines/frames.ts';
import {
  audioEvent,
  bytesToBase64,
  id,
  isJsonTagged,
  jsonDecoder,
  on,
  optionalId,
  text,
  withReply,
} from './codec.ts';
import type { ClientIntent, Dialect } from './types.ts';

const NAME = 'tutor';
const event = <T extends string>(name: T) => ({ event: v.literal(name), reply_id: optionalId });

// Server -> client
export const initialized = v.object({ ...event('initialized'), thread_id: id, kb_id: id });
export const sttStart = v.object(event('stt_start'));
/** Empty text is valid here: deciding what an empty transcript means is the session's job. */
export const sttComplete = v.object({ ...event('stt_complete'), text });
export const ragStart = v.object(event('rag_start'));
export const ragToken = v.object({ ...event('rag_token'), token: text });
export const ragComplete = v.object({ ...event('rag_complete'), text });
export const ttsStart = v.object(event('tts_start'));
export const ttsComplete = v.object({
  ...event('tts_complete'),
  audio: v.string(),
  format: v.picklist(['wav', 'mp3']),
});
export const done = v.object({ ...event('done'), duration: v.pipe(v.number(), v.finite(), v.minValue(0)) });
export const error = v.object({ ...event('error'), message: text });
export const pong = v.object(event('pong'));
export const serverMessage = v.variant('event', [
  initialized,
  sttStart,
  sttComplete,
  ragStart,
  ragToken,
  ragComplete,
  ttsStart,
  ttsComplete,
  done,
  error,
  pong,
]);

// Client -> server
export const initMessage = v.object({
  action: v.literal('init'),
  thread_id: id,
  audio_format: v.literal('wav'),
});
export const audioMessage = v.object({ action: v.literal('audio'), data: v.string() });
export const pingMessage = v.object({ action: v.literal('ping') });
export const interruptMessage = v.object({ action: v.literal('interrupt'), reply_id: v.optional(id) });
export const clientMessage = v.variant('action', [initMessage, audioMessage, pingMessage, interruptMessage]);

export type TutorServerMessage = v.InferInput<typeof serverMessage>;
export type TutorClientMessage = v.InferInput<typeof clientMessage>;

const wire = (message: TutorClientMessage): string => JSON.stringify(message);

const stage = (name: 'transcribing' | 'thinking' | 'synthesizing') => (m: { reply_id?: string | null }) => [
  withReply({ type: 'server.stage', stage: name } as const, m.reply_id),
];

const decode = jsonDecoder(NAME, 'event', [
  on(initialized, (m) => [{ type: 'server.ready', threadId: m.thread_id, kbId: m.kb_id }]),
  on(sttStart, stage('transcribing')),
  on(sttComplete, (m) => [withReply({ type: 'server.transcript', text: m.text, final: true }, m.reply_id)]),
  on(ragStart, stage('thinking')),
  on(ragToken, (m) => [withReply({ type: 'server.token', text: m.token }, m.reply_id)]),
  on(ragComplete, (m) => [withReply({ type: 'server.reply', text: m.text }, m.reply_id)]),
  on(ttsStart, stage('synthesizing')),
  on(ttsComplete, (m) =>
    audioEvent(NAME, 'tts_complete', { base64: m.audio, format: m.format }, true, m.reply_id),
  ),
  on(done, (m) => [
    withReply({ type: 'server.done', durationMs: Math.round(m.duration * 1000) }, m.reply_id),
  ]),
  on(error, (m) => [withReply({ type: 'server.error', message: m.message }, m.reply_id)]),
  // The connection machine consumes pongs before they get here; a stray one means nothing.
  on(pong, () => []),
]);

function encode(intent: ClientIntent): Frame[] {
  switch (intent.type) {
    case 'init':
      return [wire({ action: 'init', thread_id: intent.threadId, audio_format: 'wav' })];
    case 'audio':
      return [wire({ action: 'audio', data: bytesToBase64(intent.audio) })];
    case 'interrupt':
      return [wire({ action: 'interrupt', reply_id: intent.replyId })];
    default:
      return [];
  }
}

const PING = wire({ action: 'ping' });

export const tutor: Dialect = {
  name: NAME,
  path: '/api/ws/voice',
  protocols: [],
  transport: 'turn',
  capture: { mimeType: 'audio/wav', sampleRate: 16_000 },
  handshake: true,
  heartbeat: {
    intervalMs: 30_000,
    timeoutMs: 30_000,
    ping: () => PING,
    isPong: (frame) => isJsonTagged(frame, 'event', 'pong'),
  },
  encode,
  decode,
  schemas: { client: clientMessage, server: serverMessage },
};
