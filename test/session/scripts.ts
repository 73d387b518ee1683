/**
 * The server's side of each dialect, for session tests: the frames a backend of each seed sends, a
 * clean reply in the order the seed documents (with the dialect's extensions), and how to recognise
 * the client's frames. One entry per dialect; tests iterate over `SCRIPTS`.
 */
import type { Frame } from '../../machines/frames.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { messageType } from '../../src/dialects/messageType.ts';
import { status } from '../../src/dialects/status.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { typed } from '../../src/dialects/typed.ts';
import type { Dialect } from '../../src/dialects/types.ts';

/** 10 ms of 16 kHz 16-bit mono: raw PCM, and the same as a WAV file. */
export const PCM = new Uint8Array(320).map((_, i) => i % 251);
export const WAV = encodeWav({ sampleRate: 16_000, channels: 1, samples: new Int16Array(160).fill(1000) });

export interface ReplyOptions {
  /** What the server heard. */
  user: string;
  /** The reply's tokens; the reply text is their concatenation. */
  words: string[];
  replyId?: string;
  /** Reply audio (default true). */
  audio?: boolean;
}

export interface DialectScript {
  dialect: Dialect;
  /** The server's answer to the handshake (null: the dialect has none, the session is ready on open). */
  ready: Frame | null;
  /** Whether the server speaks first (status: `connected` on open) rather than answering an init. */
  serverFirst: boolean;
  /** A clean reply to one user turn. */
  reply(options: ReplyOptions): Frame[];
  /** The server reports a failed turn. */
  error(message: string, replyId?: string): Frame;
  /** One frame of each message the dialect decodes, by name, for model and fuzz tests. */
  samples: Record<string, Frame>;
  /** The client frame that completes a user turn (the audio message, or the end-of-audio marker). */
  isTurnEnd(frame: Frame): boolean;
  /** The client frame that interrupts a reply. */
  isInterrupt(frame: Frame): boolean;
  /** The client's init frame (dialects with an init). */
  isInit(frame: Frame): boolean;
}

/** A frame parsed when it is JSON text; anything else as it is. */
export function parse(frame: Frame): unknown {
  if (typeof frame !== 'string') return frame;
  try {
    return JSON.parse(frame);
  } catch {
    return frame;
  }
}

const json = (value: object): string => JSON.stringify(value);
const field = (frame: Frame, key: string): unknown => (parse(frame) as Record<string, unknown> | null)?.[key];
const isText = (frame: Frame, key: string, value: string) =>
  typeof frame === 'string' && field(frame, key) === value;
const withId = (replyId: string | undefined, key: string) => (replyId ? { [key]: replyId } : {});

const tutorScript: DialectScript = {
  dialect: tutor,
  ready: json({ event: 'initialized', thread_id: 'thread-1', kb_id: 'kb-1' }),
  serverFirst: false,
  reply({ user, words, replyId, audio = true }) {
    const id = withId(replyId, 'reply_id');
    const frames = [
      { event: 'stt_start', ...id },
      { event: 'stt_complete', text: user, ...id },
      { event: 'rag_start', ...id },
      ...words.map((token) => ({ event: 'rag_token', token, ...id })),
      { event: 'rag_complete', text: words.join(''), ...id },
      ...(audio
        ? [
            { event: 'tts_start', ...id },
            { event: 'tts_complete', audio: bytesToBase64(WAV), format: 'wav', ...id },
          ]
        : []),
      { event: 'done', duration: 1.5, ...id },
    ];
    return frames.map(json);
  },
  error: (message, replyId) => json({ event: 'error', message, ...withId(replyId, 'reply_id') }),
  samples: {
    initialized: json({ event: 'initialized', thread_id: 'thread-1', kb_id: 'kb-1' }),
    stt_start: json({ event: 'stt_start' }),
    stt_complete: json({ event: 'stt_complete', text: 'hello' }),
    stt_complete_empty: json({ event: 'stt_complete', text: '' }),
    rag_start: json({ event: 'rag_start' }),
    rag_token: json({ event: 'rag_token', token: 'Hi' }),
    rag_token_r1: json({ event: 'rag_token', token: 'Hi', reply_id: 'r1' }),
    rag_complete: json({ event: 'rag_complete', text: 'Hi there' }),
    tts_start: json({ event: 'tts_start' }),
    tts_complete: json({ event: 'tts_complete', audio: bytesToBase64(WAV), format: 'wav' }),
    done: json({ event: 'done', duration: 0.5 }),
    done_r1: json({ event: 'done', duration: 0.5, reply_id: 'r1' }),
    error: json({ event: 'error', message: 'Invalid audio format' }),
    pong: json({ event: 'pong' }),
  },
  isTurnEnd: (frame) => isText(frame, 'action', 'audio'),
  isInterrupt: (frame) => isText(frame, 'action', 'interrupt'),
  isInit: (frame) => isText(frame, 'action', 'init'),
};

const pcmChunk = (key: string, tag: string, replyId?: string) =>
  json({
    [key]: tag,
    audio: bytesToBase64(PCM),
    format: 'pcm_s16le',
    sample_rate: 16_000,
    ...withId(replyId, key === 'status' ? 'reply_id' : 'response_id'),
  });

const messageTypeScript: DialectScript = {
  dialect: messageType,
  ready: null,
  serverFirst: false,
  reply({ user, words, replyId, audio = true }) {
    const id = withId(replyId, 'response_id');
    return [
      json({ message_type: 'transcript', text: user, is_final: true, ...id }),
      ...words.map((text) => json({ message_type: 'response_token', text, ...id })),
      ...(audio
        ? [pcmChunk('message_type', 'audio_chunk', replyId), pcmChunk('message_type', 'audio_chunk', replyId)]
        : []),
      json({ message_type: 'response_done', duration_ms: 1500, ...id }),
    ];
  },
  error: (message, replyId) =>
    json({ message_type: 'error', message, code: 'stt.failed', ...withId(replyId, 'response_id') }),
  samples: {
    ping: json({ message_type: 'ping' }),
    transcript_interim: json({ message_type: 'transcript', text: 'hel', is_final: false }),
    transcript: json({ message_type: 'transcript', text: 'hello' }),
    transcript_empty: json({ message_type: 'transcript', text: '', is_final: true }),
    response_token: json({ message_type: 'response_token', text: 'Hi' }),
    response_token_r1: json({ message_type: 'response_token', text: 'Hi', response_id: 'r1' }),
    audio_chunk: pcmChunk('message_type', 'audio_chunk'),
    audio_chunk_wav: json({ message_type: 'audio_chunk', audio: bytesToBase64(WAV), format: 'wav' }),
    response_done: json({ message_type: 'response_done', duration_ms: 10 }),
    response_done_r1: json({ message_type: 'response_done', response_id: 'r1' }),
    error: json({ message_type: 'error', message: 'boom' }),
  },
  isTurnEnd: (frame) => isText(frame, 'message_type', 'audio_end'),
  isInterrupt: (frame) => isText(frame, 'message_type', 'stop_audio'),
  isInit: () => false,
};

const connected = (maxMessageSize = 1_048_576) =>
  json({
    status: 'connected',
    session_id: 'session-1',
    config: { sample_rate: 44_100, channels: 1, sample_width: 2, max_message_size: maxMessageSize },
  });

const statusScript: DialectScript = {
  dialect: status,
  ready: connected(),
  serverFirst: true,
  reply({ user, words, replyId, audio = true }) {
    const id = withId(replyId, 'reply_id');
    return [
      json({ status: 'transcript', text: user, ...id }),
      ...words.map((text) => json({ status: 'token', text, ...id })),
      ...(audio ? [pcmChunk('status', 'audio', replyId)] : []),
      json({ status: 'done', duration_ms: 1500, ...id }),
    ];
  },
  error: (message, replyId) => json({ status: 'error', message, ...withId(replyId, 'reply_id') }),
  samples: {
    connected: connected(),
    chunk_received: json({ status: 'chunk_received' }),
    transcript: json({ status: 'transcript', text: 'hello', is_final: true }),
    transcript_empty: json({ status: 'transcript', text: '' }),
    token: json({ status: 'token', text: 'Hi' }),
    token_r1: json({ status: 'token', text: 'Hi', reply_id: 'r1' }),
    audio: pcmChunk('status', 'audio'),
    done: json({ status: 'done' }),
    done_r1: json({ status: 'done', reply_id: 'r1' }),
    error: json({ status: 'error', message: 'error description' }),
  },
  isTurnEnd: (frame) => isText(frame, 'type', 'end_of_audio'),
  isInterrupt: (frame) => isText(frame, 'type', 'interrupt'),
  isInit: () => false,
};

const stamp = '2025-01-01T00:00:00.000Z';
const typedMessage = (type: string, extra: object = {}) => json({ type, timestamp: stamp, ...extra });

const typedScript: DialectScript = {
  dialect: typed,
  ready: null,
  serverFirst: false,
  reply({ user, words, replyId, audio = true }) {
    const id = withId(replyId, 'reply_id');
    return [
      typedMessage('speech_final', id),
      typedMessage('stt_result', { data: { text: user, is_final: true }, ...id }),
      ...words.map((data) => typedMessage('reply_token', { data, ...id })),
      typedMessage('reply_text', { data: words.join(''), ...id }),
      ...(audio
        ? [
            // Binary frames carry no reply id; the JSON audio chunk does.
            ...(replyId ? [] : [PCM]),
            typedMessage('audio_chunk', { data: bytesToBase64(WAV), format: { codec: 'wav' }, ...id }),
          ]
        : []),
      typedMessage('reply_done', { data: { duration_ms: 1500 }, ...id }),
    ];
  },
  error: (message, replyId) =>
    typedMessage('error', { data: { message, code: 'stt' }, ...withId(replyId, 'reply_id') }),
  samples: {
    heartbeat: typedMessage('heartbeat'),
    speech_started: typedMessage('speech_started', { session_id: 's' }),
    speech_final: typedMessage('speech_final'),
    stt_result: typedMessage('stt_result', { data: 'hello' }),
    stt_result_empty: typedMessage('stt_result', { data: { text: '', is_final: true } }),
    stt_result_interim: typedMessage('stt_result', { data: { text: 'hel', is_final: false } }),
    reply_token: typedMessage('reply_token', { data: 'Hi' }),
    reply_token_r1: typedMessage('reply_token', { data: 'Hi', reply_id: 'r1' }),
    reply_text: typedMessage('reply_text', { data: { text: 'Hi there' } }),
    binary_audio: PCM,
    audio_chunk: typedMessage('audio_chunk', {
      data: bytesToBase64(PCM),
      is_final: false,
      chunk_index: 0,
      format: { sample_rate: 16_000, channels: 1, bit_depth: 16, codec: 'pcm', duration_ms: 10 },
    }),
    reply_done: typedMessage('reply_done'),
    reply_done_r1: typedMessage('reply_done', { reply_id: 'r1' }),
    error: typedMessage('error', { data: 'boom' }),
  },
  isTurnEnd: (frame) => isText(frame, 'type', 'audio_end'),
  isInterrupt: (frame) => isText(frame, 'type', 'interrupt'),
  isInit: () => false,
};

export const SCRIPTS: DialectScript[] = [tutorScript, messageTypeScript, statusScript, typedScript];
export const scriptFor = (name: string): DialectScript => {
  const script = SCRIPTS.find((s) => s.dialect.name === name);
  if (!script) throw new Error(`no script for ${name}`);
  return script;
};
