/**
 * What the dialects share: base64 without Node's Buffer, JSON frames read into a VoxError instead of
 * an exception, valibot issues turned into messages that name the dialect, the message and the field,
 * and the limits on what a server may send. The reference server imports the same helpers.
 */
import * as v from 'valibot';
import type { Frame } from '../../machines/frames.ts';
import { VoxError } from '../errors.ts';
import type { Dialect, ServerEvent } from './types.ts';

/** What a dialect refuses with `dialect.too_large`. */
export const LIMITS = {
  /** A whole frame: UTF-16 units for text, bytes for binary. A minute of 48 kHz WAV in base64 fits. */
  frame: 16 * 1024 * 1024,
  /** One text field (token, transcript, reply, error message): no real reply comes near 256 Ki characters. */
  text: 256 * 1024,
  /** Identifiers: thread, session, knowledge-base and reply ids. */
  id: 1024,
};

/** Size of the frames a whole clip is cut into by streaming dialects. */
export const CLIP_FRAME_BYTES = 32 * 1024;

export type Decoded = ServerEvent[] | VoxError;

// ---------------------------------------------------------------------------------------------------
// Base64 (RFC 4648, standard alphabet). Table-driven, one output allocation: linear for MB-sized audio.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const TO_CODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const FROM_CODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) FROM_CODE[ALPHABET.charCodeAt(i)] = i;
const PAD = 61; // '='
const ascii = new TextDecoder();

export function bytesToBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const whole = bytes.length - (bytes.length % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = TO_CODE[n >>> 18] as number;
    out[o++] = TO_CODE[(n >>> 12) & 63] as number;
    out[o++] = TO_CODE[(n >>> 6) & 63] as number;
    out[o++] = TO_CODE[n & 63] as number;
  }
  const rest = bytes.length - whole;
  if (rest > 0) {
    const n = ((bytes[whole] as number) << 16) | (rest === 2 ? (bytes[whole + 1] as number) << 8 : 0);
    out[o++] = TO_CODE[n >>> 18] as number;
    out[o++] = TO_CODE[(n >>> 12) & 63] as number;
    out[o++] = rest === 2 ? (TO_CODE[(n >>> 6) & 63] as number) : PAD;
    out[o] = PAD;
  }
  return ascii.decode(out);
}

/** -1 for anything outside the alphabet (also past the end, where charCodeAt gives NaN). */
function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? (FROM_CODE[c] as number) : -1;
}

function badCharacter(text: string, from: number, to: number): RangeError {
  let i = from;
  while (i < to && sextet(text, i) >= 0) i++;
  return new RangeError(`unexpected character ${JSON.stringify(text.charAt(i))} at position ${i}`);
}

/**
 * Strict decoding: only the standard alphabet, no whitespace, padding optional but only at the end.
 * Throws a RangeError that says where the input goes wrong.
 */
export function base64ToBytes(text: string): Uint8Array {
  let end = text.length;
  if (end % 4 === 0 && text.charCodeAt(end - 1) === PAD) end -= text.charCodeAt(end - 2) === PAD ? 2 : 1;
  if (end % 4 === 1) throw new RangeError(`a length of ${text.length} characters cannot be base64`);
  const out = new Uint8Array((end * 3) >> 2);
  const whole = end - (end % 4);
  let o = 0;
  for (let i = 0; i < whole; i += 4) {
    const n =
      (sextet(text, i) << 18) |
      (sextet(text, i + 1) << 12) |
      (sextet(text, i + 2) << 6) |
      sextet(text, i + 3);
    if (n < 0) throw badCharacter(text, i, i + 4);
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  if (end > whole) {
    const n =
      (sextet(text, whole) << 18) |
      (sextet(text, whole + 1) << 12) |
      (end - whole === 3 ? sextet(text, whole + 2) << 6 : 0);
    if (n < 0) throw badCharacter(text, whole, end);
    out[o++] = n >>> 16;
    if (end - whole === 3) out[o] = (n >>> 8) & 255;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Errors

/** Shortens what a server sent before it goes into a message (a 10 MB token must not become one). */
export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/** A dialect error whose message starts with the dialect's name; details say which message and field. */
export function dialectError(
  dialect: string,
  code: string,
  message: string,
  where: { message?: string; field?: string } = {},
): VoxError {
  return new VoxError('dialect', code, `${dialect}: ${message}`, { details: { dialect, ...where } });
}

type Issue = v.BaseIssue<unknown>;

const keys = (issue: Issue) => issue.path?.map((item) => String(item.key)) ?? [];

/**
 * A union's issue is replaced by the issue of the option that got furthest (a `{text}` object whose
 * text is too long reports `data.text`, not "expected string | Object"). Sub-issue paths are relative.
 */
function innermost(issue: Issue): { issue: Issue; path: string[] } {
  let path = keys(issue);
  let current = issue;
  while (current.type === 'union' && current.issues) {
    const deeper = current.issues.reduce((a, b) => (keys(b).length > keys(a).length ? b : a));
    if (keys(deeper).length === 0) break;
    path = [...path, ...keys(deeper)];
    current = deeper;
  }
  return { issue: current, path };
}

function issueError(dialect: string, message: string, outer: Issue): VoxError {
  const { issue, path } = innermost(outer);
  const field = path.join('.');
  const where = field ? `${message}.${field}` : message;
  const details = { message, field };
  if (issue.type === 'max_length') {
    const text = `${where} is ${issue.received} characters long, more than the ${String(issue.requirement)} allowed`;
    return dialectError(dialect, 'dialect.too_large', text, details);
  }
  const problem =
    issue.received === 'undefined'
      ? ' is missing'
      : issue.expected
        ? `: expected ${clip(issue.expected)}, received ${clip(issue.received)}`
        : `: ${clip(issue.message)}`;
  return dialectError(dialect, 'dialect.invalid', `${where}${problem}`, details);
}

/** The schema's output, or a `dialect.invalid` / `dialect.too_large` error for the first problem. */
export function validate<S extends v.GenericSchema>(
  dialect: string,
  message: string,
  schema: S,
  value: unknown,
): v.InferOutput<S> | VoxError {
  const result = v.safeParse(schema, value, { abortEarly: true });
  return result.success ? result.output : issueError(dialect, message, result.issues[0]);
}

// ---------------------------------------------------------------------------------------------------
// Frames

function tooLarge(dialect: string, frame: Frame): VoxError | null {
  const size = typeof frame === 'string' ? frame.length : frame.byteLength;
  if (size <= LIMITS.frame) return null;
  const unit = typeof frame === 'string' ? 'characters' : 'bytes';
  return dialectError(
    dialect,
    'dialect.too_large',
    `a ${size}-${unit} frame is over the ${LIMITS.frame} limit`,
  );
}

/** A JSON object from a text frame, or why there is none. */
export function readJsonObject(dialect: string, frame: Frame): Record<string, unknown> | VoxError {
  if (typeof frame !== 'string') {
    const text = `a binary frame (${frame.byteLength} bytes) where a JSON text frame was expected`;
    return dialectError(dialect, 'dialect.frame', text);
  }
  const large = tooLarge(dialect, frame);
  if (large) return large;
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch (error) {
    const text = `a frame that is not JSON (${clip(String((error as Error).message))}): ${clip(frame, 40)}`;
    return dialectError(dialect, 'dialect.json', text);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
    return dialectError(dialect, 'dialect.invalid', `a JSON frame that is ${kind}, not an object`);
  }
  return value as Record<string, unknown>;
}

const SOME_AUDIO = new Uint8Array(2);

/**
 * For servers: a client frame (JSON text or binary audio) checked against the dialect's client schema,
 * with the same errors a client gets for a bad server frame.
 */
export function readClientFrame(dialect: Pick<Dialect, 'name' | 'schemas'>, frame: Frame): unknown {
  // A protocol takes binary frames if its client schema accepts some audio.
  const binaryAllowed = typeof frame !== 'string' && v.is(dialect.schemas.client, SOME_AUDIO);
  const value = typeof frame === 'string' || !binaryAllowed ? readJsonObject(dialect.name, frame) : frame;
  if (value instanceof VoxError) return value;
  return validate(dialect.name, 'client frame', dialect.schemas.client, value);
}

/** One server message: its wire schema (tagged by a literal) and its translation into events. */
export interface Handler {
  schema: v.ObjectSchema<v.ObjectEntries, undefined>;
  map: (message: never) => Decoded;
}

export function on<S extends v.ObjectSchema<v.ObjectEntries, undefined>>(
  schema: S,
  map: (message: v.InferOutput<S>) => Decoded,
): Handler {
  return { schema, map };
}

/**
 * A decoder for a protocol whose text frames are JSON objects tagged by `tagKey`. Binary frames go to
 * `binary`, or are refused. Never throws: a bug in a handler comes back as `dialect.internal`.
 */
export function jsonDecoder(
  dialect: string,
  tagKey: string,
  handlers: Handler[],
  binary?: (bytes: Uint8Array) => Decoded,
): (frame: Frame) => Decoded {
  const table = new Map<string, Handler>();
  for (const handler of handlers) {
    table.set((handler.schema.entries[tagKey] as v.LiteralSchema<string, undefined>).literal, handler);
  }
  const decodeText = (frame: Frame): Decoded => {
    if (binary && typeof frame !== 'string') return tooLarge(dialect, frame) ?? binary(frame);
    const value = readJsonObject(dialect, frame);
    if (value instanceof VoxError) return value;
    const tag = value[tagKey];
    if (typeof tag !== 'string') {
      const problem = tag === undefined ? 'has no' : `has a ${typeof tag} in its`;
      return dialectError(dialect, 'dialect.invalid', `a message that ${problem} "${tagKey}" field`, {
        field: tagKey,
      });
    }
    const handler = table.get(tag);
    if (!handler) {
      return dialectError(dialect, 'dialect.unknown', `unknown ${tagKey} "${clip(tag)}"`, {
        message: clip(tag),
      });
    }
    const message = validate(dialect, tag, handler.schema, value);
    return message instanceof VoxError ? message : (handler.map as (m: unknown) => Decoded)(message);
  };
  return (frame) => {
    try {
      return decodeText(frame);
    } catch (error) {
      return dialectError(dialect, 'dialect.internal', `decoding failed: ${String(error)}`);
    }
  };
}

/** A cheap test for a small JSON control frame such as a pong; other frames are not parsed. */
export function isJsonTagged(frame: Frame, key: string, value: string): boolean {
  if (typeof frame !== 'string' || frame.length > 1024 || !frame.includes(value)) return false;
  try {
    const parsed: unknown = JSON.parse(frame);
    return (
      typeof parsed === 'object' && parsed !== null && (parsed as Record<string, unknown>)[key] === value
    );
  } catch {
    return false;
  }
}

/** Views (not copies) of at most `size` bytes each. */
export function cut(bytes: Uint8Array, size = CLIP_FRAME_BYTES): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) frames.push(bytes.subarray(i, i + size));
  return frames;
}

// ---------------------------------------------------------------------------------------------------
// Schema pieces and audio

export const text = v.pipe(v.string(), v.maxLength(LIMITS.text));
export const id = v.pipe(v.string(), v.maxLength(LIMITS.id));
/** Optional fields accept `null` too: Python servers send `None` for what they do not have. */
export const optionalId = v.nullish(id);
export const sampleRate = v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(384_000));
/** An optional duration in milliseconds (a reply's `duration_ms`). */
export const durationMs = v.nullish(v.pipe(v.number(), v.finite(), v.minValue(0)));
/** Base64 reply audio as the JSON extensions carry it: 16-bit PCM (with its rate), or a whole WAV/MP3 file. */
export const base64Audio = {
  audio: v.string(),
  format: v.picklist(['pcm_s16le', 'wav', 'mp3']),
  sample_rate: v.nullish(sampleRate),
};

/** Audio formats a server may send, as a playback adapter names them. */
export const AUDIO_MIME = {
  pcm_s16le: 'audio/pcm',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  opus: 'audio/webm;codecs=opus',
} as const;
export type AudioFormat = keyof typeof AUDIO_MIME;

const hex = (bytes: Uint8Array) =>
  Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
const ascii4 = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

/** Why `bytes` cannot be `format`, or null. Whole files are recognised by their signature. */
function audioProblem(bytes: Uint8Array, format: AudioFormat): string | null {
  switch (format) {
    case 'wav':
      return ascii4(bytes, 0) === 'RIFF' && ascii4(bytes, 8) === 'WAVE'
        ? null
        : `is not a WAV file (starts with "${hex(bytes)}", not RIFF....WAVE)`;
    case 'mp3': {
      const id3 = ascii4(bytes, 0).startsWith('ID3');
      const sync = bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0;
      return id3 || sync
        ? null
        : `is not an MP3 file (starts with "${hex(bytes)}", no ID3 tag or frame sync)`;
    }
    case 'pcm_s16le':
      return bytes.length % 2 === 0 ? null : `has an odd length (${bytes.length} bytes) for 16-bit samples`;
    default:
      return null;
  }
}

/** Base64 audio from a server message, checked against the format it is announced as. */
export function audioBytes(
  dialect: string,
  message: string,
  field: string,
  base64: string,
  format: AudioFormat,
): Uint8Array | VoxError {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(base64);
  } catch (error) {
    const text = `${message}.${field} is not valid base64: ${(error as Error).message}`;
    return dialectError(dialect, 'dialect.base64', text, { message, field });
  }
  return checkAudio(dialect, message, field, bytes, format);
}

export function checkAudio(
  dialect: string,
  message: string,
  field: string,
  bytes: Uint8Array,
  format: AudioFormat,
): Uint8Array | VoxError {
  const problem = audioProblem(bytes, format);
  if (problem === null) return bytes;
  return dialectError(dialect, 'dialect.audio', `${message}.${field} announced as ${format} ${problem}`, {
    message,
    field,
  });
}

/** Audio as a server message carries it: base64 in `field` (default `audio`), a format, maybe a rate. */
export interface WireAudio {
  base64: string;
  format: AudioFormat;
  sampleRate?: number | null | undefined;
  field?: string;
}

/** A `server.audio` event, or why the audio is unusable. Raw PCM needs its sample rate. */
export function audioEvent(
  dialect: string,
  message: string,
  wire: WireAudio,
  whole: boolean,
  replyId?: string | null,
): Decoded {
  const field = wire.field ?? 'audio';
  if (wire.format === 'pcm_s16le' && wire.sampleRate == null) {
    const text = `${message}.sample_rate is missing (required when the format is pcm_s16le)`;
    return dialectError(dialect, 'dialect.invalid', text, { message, field: 'sample_rate' });
  }
  const audio = audioBytes(dialect, message, field, wire.base64, wire.format);
  if (!(audio instanceof Uint8Array)) return audio;
  const mimeType = AUDIO_MIME[wire.format];
  const event = {
    type: 'server.audio',
    audio,
    mimeType,
    ...given('sampleRate', wire.sampleRate),
    whole,
  } as const;
  return [withReply(event, replyId)];
}

/** `{[key]: value}` when the server sent a value (not null or undefined), else nothing to spread. */
export function given<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value == null ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Adds `replyId` only where the server sent one. */
export function withReply<E extends ServerEvent>(event: E, replyId: string | null | undefined): E {
  return replyId == null ? event : { ...event, replyId };
}
