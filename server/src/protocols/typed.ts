/**
 * Seeds 002/003 (`/api/v1/stt`, dialect `typed`, sub-protocols `binary` and `stream-audio`): `type`-
 * tagged JSON with a timestamp. The client streams binary audio frames (or the seed's JSON
 * `audio_chunk`s) and sends `heartbeat`s, which the server echoes. The server's voice-activity
 * detection sends `speech_started` and `speech_final`, and `speech_final` ends the turn (so does the
 * client's `audio_end`, or an `audio_chunk` with `is_final`). The reply comes as `stt_result`,
 * `reply_token`s, `reply_text`, PCM `audio_chunk`s and `reply_done`, each with `reply_id`.
 */
import * as v from 'valibot';
import { bytesToBase64 } from 'voxstate/dialects/codec';
import {
  audioChunk,
  audioEndMessage,
  audioFrame,
  heartbeatMessage,
  interruptMessage,
  type TypedServerMessage,
  typed,
} from 'voxstate/dialects/typed';
import type { ServerEvent } from 'voxstate/dialects/types';
import type { InputFormat } from '../audio/input.ts';
import { readBase64, readBinary, readJson } from './read.ts';
import type { ClientRequest, ServerProtocol } from './types.ts';

const NAME = typed.name;
/** The seed's format: mono 16 kHz. */
const SAMPLE_RATE = typed.capture.sampleRate;
const wire = (message: Exclude<TypedServerMessage, Uint8Array>) => JSON.stringify(message);
const now = () => new Date().toISOString();
const json = v.variant('type', [heartbeatMessage, audioEndMessage, interruptMessage, audioChunk]);
const CODECS: Record<v.InferOutput<typeof audioChunk>['format']['codec'], InputFormat> = {
  pcm: 'pcm_s16le',
  wav: 'wav',
  mp3: 'mp3',
  opus: 'webm',
};

function read(frame: string | Uint8Array): ClientRequest | string {
  if (typeof frame !== 'string') {
    const audio = readBinary(NAME, audioFrame, frame);
    if (typeof audio === 'string') return audio;
    return { type: 'audio', audio, format: null, sampleRate: SAMPLE_RATE, last: false };
  }
  const message = readJson(NAME, 'type', json, frame);
  if (typeof message === 'string') return message;
  switch (message.type) {
    case 'heartbeat':
      return { type: 'ping', pong: wire({ type: 'heartbeat', timestamp: now() }) };
    case 'audio_end':
      return { type: 'audio.end' };
    case 'interrupt':
      return { type: 'interrupt', replyId: message.reply_id ?? null };
    case 'audio_chunk': {
      const audio = readBase64(NAME, 'audio_chunk.data', message.data);
      if (typeof audio === 'string') return audio;
      const format = CODECS[message.format.codec];
      const sampleRate = message.format.sample_rate ?? (format === 'pcm_s16le' ? SAMPLE_RATE : null);
      return { type: 'audio', audio, format, sampleRate, last: message.is_final ?? false };
    }
  }
}

function write(e: ServerEvent): string[] {
  const envelope = { timestamp: now(), reply_id: 'replyId' in e ? e.replyId : undefined };
  switch (e.type) {
    case 'server.speech':
      return [wire({ type: e.state === 'started' ? 'speech_started' : 'speech_final', ...envelope })];
    case 'server.transcript':
      return [wire({ type: 'stt_result', data: { text: e.text, is_final: e.final }, ...envelope })];
    case 'server.token':
      return [wire({ type: 'reply_token', data: e.text, ...envelope })];
    case 'server.reply':
      return [wire({ type: 'reply_text', data: e.text, ...envelope })];
    case 'server.audio': {
      const rate = e.sampleRate ?? SAMPLE_RATE;
      const format = {
        codec: 'pcm' as const,
        sample_rate: rate,
        channels: 1,
        bit_depth: 16,
        duration_ms: Math.round((e.audio.length / 2 / rate) * 1000),
      };
      return [wire({ type: 'audio_chunk', data: bytesToBase64(e.audio), format, ...envelope })];
    }
    case 'server.done':
      return [wire({ type: 'reply_done', data: { duration_ms: e.durationMs }, ...envelope })];
    case 'server.error':
      return [wire({ type: 'error', data: { message: e.message, code: e.code }, ...envelope })];
    default:
      return [];
  }
}

export const typedProtocol: ServerProtocol = {
  dialect: typed,
  handshake: 'none',
  replyAudio: 'pcm',
  endsTurnOnSilence: true,
  inputSampleRate: SAMPLE_RATE,
  read,
  write,
};
