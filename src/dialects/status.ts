/**
 * `status`: the binary streaming protocol of seed 001 (`/ws/audio`).
 *
 * From the seed: the client sends its audio as binary WebM frames (100 ms each, at most 1 MiB); the
 * server answers `{status:'connected', session_id, config:{sample_rate, channels, sample_width,
 * max_message_size}}` on open, `{status:'chunk_received'}` for each frame and
 * `{status:'error', message}`. There is no ping: the connection runs unmonitored.
 *
 * Handshake: the server speaks first. `handshake` is true and `init` encodes to no frame, so the
 * session waits for `connected` (`server.ready` with `sessionId`, `sampleRate` and `maxMessageBytes`,
 * which the session honours) before any audio flows.
 *
 * The seed has no reply and nothing that ends a turn; these are documented extensions:
 * - client `{type:'end_of_audio'}` ends the user's turn: the server answers what it received since the
 *   last one. This is the only thing that ends a turn.
 * - client `{type:'interrupt', reply_id?}` asks the server to stop the reply it is working on.
 * - server `{status:'transcript', text, is_final?}` (`is_final` defaults to true), `{status:'token',
 *   text}`, `{status:'audio', audio, format, sample_rate?}` (base64; format `pcm_s16le` with
 *   `sample_rate`, `wav` or `mp3`, each `wav`/`mp3` chunk a whole playable file) and
 *   `{status:'done', duration_ms?}`. Each may carry `reply_id`, as may `error`.
 */
import * as v from 'valibot';
import type { Frame } from '../../machines/frames.ts';
import {
  audioEvent,
  base64Audio,
  cut,
  durationMs,
  given,
  id,
  jsonDecoder,
  on,
  optionalId,
  sampleRate,
  text,
  withReply,
} from './codec.ts';
import type { ClientIntent, Dialect } from './types.ts';

const NAME = 'status';
const tagged = <T extends string>(name: T) => ({ status: v.literal(name), reply_id: optionalId });
const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));

// Server -> client
export const connected = v.object({
  ...tagged('connected'),
  session_id: id,
  config: v.object({
    sample_rate: sampleRate,
    channels: v.nullish(positiveInt),
    sample_width: v.nullish(positiveInt),
    max_message_size: positiveInt,
  }),
});
export const chunkReceived = v.object(tagged('chunk_received'));
export const error = v.object({ ...tagged('error'), message: text });
export const transcript = v.object({ ...tagged('transcript'), text, is_final: v.nullish(v.boolean()) });
export const token = v.object({ ...tagged('token'), text });
export const audio = v.object({
  ...tagged('audio'),
  ...base64Audio,
});
export const done = v.object({
  ...tagged('done'),
  duration_ms: durationMs,
});
export const serverMessage = v.variant('status', [
  connected,
  chunkReceived,
  error,
  transcript,
  token,
  audio,
  done,
]);

// Client -> server
/** The seed's only client message: a binary frame of WebM audio. */
export const audioFrame = v.pipe(
  v.instance(Uint8Array),
  v.check((bytes) => bytes.byteLength > 0, 'an audio frame must not be empty'),
);
export const endOfAudioMessage = v.object({ type: v.literal('end_of_audio') });
export const interruptMessage = v.object({ type: v.literal('interrupt'), reply_id: v.optional(id) });
export const clientMessage = v.union([audioFrame, v.variant('type', [endOfAudioMessage, interruptMessage])]);

export type StatusServerMessage = v.InferInput<typeof serverMessage>;
export type StatusClientMessage = v.InferInput<typeof clientMessage>;

const wire = (m: Exclude<StatusClientMessage, Uint8Array>): string => JSON.stringify(m);

function encode(intent: ClientIntent): Frame[] {
  switch (intent.type) {
    case 'audio':
      return cut(intent.audio);
    case 'audio.frame':
      return intent.audio.byteLength > 0 ? [intent.audio] : [];
    case 'audio.end':
      return [wire({ type: 'end_of_audio' })];
    case 'interrupt':
      return [wire({ type: 'interrupt', reply_id: intent.replyId })];
    default:
      return [];
  }
}

const decode = jsonDecoder(NAME, 'status', [
  on(connected, (m) => [
    {
      type: 'server.ready',
      sessionId: m.session_id,
      sampleRate: m.config.sample_rate,
      maxMessageBytes: m.config.max_message_size,
    },
  ]),
  on(chunkReceived, () => [{ type: 'server.ack' }]),
  on(error, (m) => [withReply({ type: 'server.error', message: m.message }, m.reply_id)]),
  on(transcript, (m) => [
    withReply({ type: 'server.transcript', text: m.text, final: m.is_final ?? true }, m.reply_id),
  ]),
  on(token, (m) => [withReply({ type: 'server.token', text: m.text }, m.reply_id)]),
  on(audio, (m) =>
    audioEvent(
      NAME,
      'audio',
      { base64: m.audio, format: m.format, sampleRate: m.sample_rate },
      false,
      m.reply_id,
    ),
  ),
  on(done, (m) => [withReply({ type: 'server.done', ...given('durationMs', m.duration_ms) }, m.reply_id)]),
]);

export const status: Dialect = {
  name: NAME,
  path: '/ws/audio',
  protocols: [],
  transport: 'stream',
  capture: { mimeType: 'audio/webm;codecs=opus', sampleRate: 44_100, frameMs: 100 },
  handshake: true,
  heartbeat: {},
  encode,
  decode,
  schemas: { client: clientMessage, server: serverMessage },
};
