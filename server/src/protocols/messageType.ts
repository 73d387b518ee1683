/**
 * Seed 000 (`/api/ws/voice-stt`, dialect `messageType`): `message_type` JSON frames. The client
 * streams base64 `audio_chunk`s and ends its turn with `audio_end`; `stop_audio` is the barge-in;
 * pings are answered with pongs. The reply comes as `transcript`, `response_token`s, PCM
 * `audio_chunk`s and `response_done`, each with the reply's `response_id`.
 */
import { bytesToBase64 } from 'voxstate/dialects/codec';
import { clientMessage, type MessageTypeServerMessage, messageType } from 'voxstate/dialects/messageType';
import type { ServerEvent } from 'voxstate/dialects/types';
import { formatNamed } from '../audio/input.ts';
import { readBase64, readJson } from './read.ts';
import type { ClientRequest, ServerProtocol } from './types.ts';

const NAME = messageType.name;
const wire = (message: MessageTypeServerMessage) => JSON.stringify(message);
const PONG = wire({ message_type: 'pong' });

function read(frame: string | Uint8Array): ClientRequest | string {
  const message = readJson(NAME, 'message_type', clientMessage, frame);
  if (typeof message === 'string') return message;
  switch (message.message_type) {
    case 'ping':
      return { type: 'ping', pong: PONG };
    case 'pong':
      return { type: 'none' };
    case 'stop_audio':
      return { type: 'interrupt', replyId: message.response_id ?? null };
    case 'audio_end':
      return { type: 'audio.end' };
    case 'audio_chunk': {
      const audio = readBase64(NAME, 'audio_chunk.audio', message.audio);
      if (typeof audio === 'string') return audio;
      const format = formatNamed(message.format);
      const sampleRate =
        message.sample_rate ?? (format === 'pcm_s16le' ? messageType.capture.sampleRate : null);
      return { type: 'audio', audio, format, sampleRate, last: false };
    }
  }
}

function write(e: ServerEvent): string[] {
  const response_id = 'replyId' in e ? e.replyId : undefined;
  switch (e.type) {
    case 'server.transcript':
      return [wire({ message_type: 'transcript', text: e.text, is_final: e.final, response_id })];
    case 'server.token':
      return [wire({ message_type: 'response_token', text: e.text, response_id })];
    case 'server.audio': {
      const audio = bytesToBase64(e.audio);
      return [
        wire({
          message_type: 'audio_chunk',
          audio,
          format: 'pcm_s16le',
          sample_rate: e.sampleRate,
          response_id,
        }),
      ];
    }
    case 'server.done':
      return [wire({ message_type: 'response_done', duration_ms: e.durationMs, response_id })];
    case 'server.error':
      return [wire({ message_type: 'error', message: e.message, code: e.code, response_id })];
    default:
      return [];
  }
}

export const messageTypeProtocol: ServerProtocol = {
  dialect: messageType,
  handshake: 'none',
  replyAudio: 'pcm',
  endsTurnOnSilence: false,
  inputSampleRate: messageType.capture.sampleRate,
  read,
  write,
};
