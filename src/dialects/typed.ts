/**
 * `typed`: the `type`-tagged streaming protocol of seeds 002/003 (`/api/v1/stt`).
 *
 * From the seeds: sub-protocols `binary` and `stream-audio` are both offered (the server picks one; the
 * framing is the same); the client streams mono 16 kHz WebM/Opus in 250 ms binary frames; JSON
 * messages are `{type, data?, timestamp, session_id?}` with type `audio_chunk` (base64 `data`,
 * `is_final`, `chunk_index`, `format:{sample_rate, channels, bit_depth, codec, duration_ms}`),
 * `heartbeat`, `speech_started`, `speech_final`, `stt_result` and `error`. `{type:'heartbeat'}` goes
 * both ways: the client sends one every 30 s and the server's echo is the pong. Server heartbeats are
 * not answered (an echoing server would loop).
 *
 * The seeds leave `data` open and have no reply; these are documented extensions:
 * - `stt_result.data` is the transcript: a string, or `{text, is_final?}` (`is_final` defaults to true).
 *   `error.data` is a string or `{message, code?}`.
 * - server `{type:'reply_token', data}` (streamed reply text), `{type:'reply_text', data}` (the whole
 *   reply), with `data` shaped like `stt_result`'s, and `{type:'reply_done', data?:{duration_ms?}}`.
 * - server audio: binary frames are 16-bit little-endian mono PCM at 16 kHz (the seed's format); a
 *   JSON `audio_chunk` says its own `format.codec`: `pcm` (with `sample_rate`), `wav` or `mp3` (each a
 *   whole playable file) or `opus` (WebM).
 * - client `{type:'audio_end', timestamp}` ends the user's turn, as `is_final` would: a stateless
 *   dialect cannot number chunks, so it sends binary frames and this marker instead.
 * - client `{type:'interrupt', reply_id?, timestamp}`; any server message may carry `reply_id`.
 *
 * A user turn ends when the server's voice-activity detection says `speech_final` (`server.speech`
 * ended), or when the client sends `audio_end`, whichever comes first. No handshake.
 */
import * as v from 'valibot';
import type { Frame } from '../../machines/frames.ts';
import {
  type AudioFormat,
  audioEvent,
  checkAudio,
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

const NAME = 'typed';
const SAMPLE_RATE = 16_000;
const optionalInt = v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0)));
/** The seed's envelope; the server's `timestamp` and `session_id` are accepted and not used. */
const envelope = <T extends string>(name: T) => ({
  type: v.literal(name),
  timestamp: v.nullish(id),
  session_id: optionalId,
  reply_id: optionalId,
});
const textData = v.union([text, v.object({ text, is_final: v.nullish(v.boolean()) })]);

// Server -> client (and the seed's JSON audio_chunk, which either side may send)
export const heartbeat = v.object(envelope('heartbeat'));
export const speechStarted = v.object(envelope('speech_started'));
export const speechFinal = v.object(envelope('speech_final'));
export const sttResult = v.object({ ...envelope('stt_result'), data: textData });
export const error = v.object({
  ...envelope('error'),
  data: v.union([text, v.object({ message: text, code: v.nullish(id) })]),
});
export const audioChunk = v.object({
  ...envelope('audio_chunk'),
  data: v.string(),
  is_final: v.nullish(v.boolean()),
  chunk_index: optionalInt,
  format: v.object({
    codec: v.picklist(['pcm', 'wav', 'mp3', 'opus']),
    sample_rate: v.nullish(sampleRate),
    channels: optionalInt,
    bit_depth: optionalInt,
    duration_ms: optionalInt,
  }),
});
export const replyToken = v.object({ ...envelope('reply_token'), data: textData });
export const replyText = v.object({ ...envelope('reply_text'), data: textData });
export const replyDone = v.object({
  ...envelope('reply_done'),
  data: v.nullish(v.object({ duration_ms: durationMs })),
});
/** Reply audio as a binary frame: 16-bit little-endian mono PCM at 16 kHz. */
export const binaryAudio = v.instance(Uint8Array);
export const serverMessage = v.union([
  binaryAudio,
  v.variant('type', [
    heartbeat,
    speechStarted,
    speechFinal,
    sttResult,
    error,
    audioChunk,
    replyToken,
    replyText,
    replyDone,
  ]),
]);

// Client -> server
const clientEnvelope = <T extends string>(name: T) => ({ type: v.literal(name), timestamp: id });
/** The client's audio: binary frames of WebM/Opus, never empty. */
export const audioFrame = v.pipe(
  v.instance(Uint8Array),
  v.check((bytes) => bytes.byteLength > 0, 'an audio frame must not be empty'),
);
export const heartbeatMessage = v.object(clientEnvelope('heartbeat'));
export const audioEndMessage = v.object(clientEnvelope('audio_end'));
export const interruptMessage = v.object({ ...clientEnvelope('interrupt'), reply_id: v.optional(id) });
export const clientMessage = v.union([
  audioFrame,
  v.variant('type', [heartbeatMessage, audioEndMessage, interruptMessage, audioChunk]),
]);

export type TypedServerMessage = v.InferInput<typeof serverMessage>;
export type TypedClientMessage = v.InferInput<typeof clientMessage>;

const wire = (m: Exclude<TypedClientMessage, Uint8Array>): string => JSON.stringify(m);
const now = () => new Date().toISOString();

function encode(intent: ClientIntent): Frame[] {
  switch (intent.type) {
    case 'audio':
      return cut(intent.audio);
    case 'audio.frame':
      return intent.audio.byteLength > 0 ? [intent.audio] : [];
    case 'audio.end':
      return [wire({ type: 'audio_end', timestamp: now() })];
    case 'interrupt':
      return [wire({ type: 'interrupt', timestamp: now(), reply_id: intent.replyId })];
    default:
      return [];
  }
}

const transcriptOf = (data: v.InferOutput<typeof textData>) =>
  typeof data === 'string' ? { text: data, final: true } : { text: data.text, final: data.is_final ?? true };

const CODECS: Record<v.InferOutput<typeof audioChunk>['format']['codec'], AudioFormat> = {
  pcm: 'pcm_s16le',
  wav: 'wav',
  mp3: 'mp3',
  opus: 'opus',
};

function binary(bytes: Uint8Array) {
  const audio = checkAudio(NAME, 'binary frame', 'audio', bytes, 'pcm_s16le');
  if (!(audio instanceof Uint8Array)) return audio;
  return [
    { type: 'server.audio', audio, mimeType: 'audio/pcm', sampleRate: SAMPLE_RATE, whole: false } as const,
  ];
}

const decode = jsonDecoder(
  NAME,
  'type',
  [
    // The server's echo of our heartbeat is the pong, taken by the connection machine.
    on(heartbeat, () => []),
    on(speechStarted, () => [{ type: 'server.speech', state: 'started' }]),
    on(speechFinal, () => [{ type: 'server.speech', state: 'ended' }]),
    on(sttResult, (m) => [withReply({ type: 'server.transcript', ...transcriptOf(m.data) }, m.reply_id)]),
    on(error, (m) => {
      const body = typeof m.data === 'string' ? { message: m.data } : m.data;
      return [
        withReply({ type: 'server.error', message: body.message, ...given('code', body.code) }, m.reply_id),
      ];
    }),
    on(audioChunk, (m) => {
      const audio = {
        base64: m.data,
        format: CODECS[m.format.codec],
        sampleRate: m.format.sample_rate,
        field: 'data',
      };
      return audioEvent(NAME, 'audio_chunk', audio, false, m.reply_id);
    }),
    on(replyToken, (m) => [withReply({ type: 'server.token', text: transcriptOf(m.data).text }, m.reply_id)]),
    on(replyText, (m) => [withReply({ type: 'server.reply', text: transcriptOf(m.data).text }, m.reply_id)]),
    on(replyDone, (m) => [
      withReply({ type: 'server.done', ...given('durationMs', m.data?.duration_ms) }, m.reply_id),
    ]),
  ],
  binary,
);

export const typed: Dialect = {
  name: NAME,
  path: '/api/v1/stt',
  protocols: ['binary', 'stream-audio'],
  transport: 'stream',
  capture: { mimeType: 'audio/webm;codecs=opus', sampleRate: SAMPLE_RATE, frameMs: 250 },
  handshake: false,
  heartbeat: {
    intervalMs: 30_000,
    timeoutMs: 10_000,
    ping: () => wire({ type: 'heartbeat', timestamp: now() }),
    isPong: (frame) => isJsonTagged(frame, 'type', 'heartbeat'),
  },
  encode,
  decode,
  schemas: { client: clientMessage, server: serverMessage },
};
