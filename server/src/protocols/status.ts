/**
 * Seed 001 (`/ws/audio`, dialect `status`): the server greets with `connected` and its config; the
 * client streams binary audio frames, each acknowledged with `chunk_received`, and ends its turn with
 * `{type:'end_of_audio'}`. The reply comes as `transcript`, `token`s, PCM `audio` and `done`, each with
 * `reply_id`; `{type:'interrupt'}` stops it.
 */
import * as v from 'valibot';
import { bytesToBase64 } from 'voxstate/dialects/codec';
import {
  audioFrame,
  endOfAudioMessage,
  interruptMessage,
  type StatusServerMessage,
  status,
} from 'voxstate/dialects/status';
import type { ServerEvent } from 'voxstate/dialects/types';
import { readBinary, readJson } from './read.ts';
import type { ClientRequest, ServerProtocol } from './types.ts';

const NAME = status.name;
/** Announced in `connected`: what headerless binary audio is taken to be. */
const SAMPLE_RATE = 16_000;
const wire = (message: StatusServerMessage) => JSON.stringify(message);
const control = v.variant('type', [endOfAudioMessage, interruptMessage]);

function read(frame: string | Uint8Array): ClientRequest | string {
  if (typeof frame !== 'string') {
    const audio = readBinary(NAME, audioFrame, frame);
    if (typeof audio === 'string') return audio;
    return { type: 'audio', audio, format: null, sampleRate: SAMPLE_RATE, last: false };
  }
  const message = readJson(NAME, 'type', control, frame);
  if (typeof message === 'string') return message;
  return message.type === 'end_of_audio'
    ? { type: 'audio.end' }
    : { type: 'interrupt', replyId: message.reply_id ?? null };
}

/** `connected` carries the limit the server passes in its ready event (its own `maxMessageBytes`). */
function write(e: ServerEvent): string[] {
  const reply_id = 'replyId' in e ? e.replyId : undefined;
  switch (e.type) {
    case 'server.ready':
      return [
        wire({
          status: 'connected',
          session_id: e.sessionId ?? '',
          config: {
            sample_rate: SAMPLE_RATE,
            channels: 1,
            sample_width: 2,
            max_message_size: e.maxMessageBytes ?? 1024 * 1024,
          },
        }),
      ];
    case 'server.ack':
      return [wire({ status: 'chunk_received' })];
    case 'server.transcript':
      return [wire({ status: 'transcript', text: e.text, is_final: e.final, reply_id })];
    case 'server.token':
      return [wire({ status: 'token', text: e.text, reply_id })];
    case 'server.audio':
      return [
        wire({
          status: 'audio',
          audio: bytesToBase64(e.audio),
          format: 'pcm_s16le',
          sample_rate: e.sampleRate,
          reply_id,
        }),
      ];
    case 'server.done':
      return [wire({ status: 'done', duration_ms: e.durationMs, reply_id })];
    case 'server.error':
      return [wire({ status: 'error', message: e.message, reply_id })];
    default:
      return [];
  }
}

export const statusProtocol: ServerProtocol = {
  dialect: status,
  handshake: 'greet',
  replyAudio: 'pcm',
  endsTurnOnSilence: false,
  inputSampleRate: SAMPLE_RATE,
  read,
  write,
};
