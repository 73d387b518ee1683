/**
 * Seed 004 (`/api/ws/voice`, dialect `tutor`): `init` first, then one base64 WAV `audio` message per
 * turn, answered by stt_start, stt_complete, rag_start, rag_token..., rag_complete, tts_start,
 * tts_complete (the whole reply as one WAV) and done. Extensions honoured: `interrupt` and `reply_id`.
 */
import { bytesToBase64 } from 'voxstate/dialects/codec';
import { clientMessage, type TutorServerMessage, tutor } from 'voxstate/dialects/tutor';
import type { ServerEvent } from 'voxstate/dialects/types';
import { isWav } from '../audio/wav.ts';
import { readBase64, readJson } from './read.ts';
import type { ClientRequest, ServerProtocol } from './types.ts';

const NAME = tutor.name;
/** Seed 004 links a thread to a knowledge base; this server has one. */
const KB_ID = 'default';
const wire = (message: TutorServerMessage) => JSON.stringify(message);
const PONG = wire({ event: 'pong' });
const STAGES = { transcribing: 'stt_start', thinking: 'rag_start', synthesizing: 'tts_start' } as const;

function read(frame: string | Uint8Array): ClientRequest | string {
  const message = readJson(NAME, 'action', clientMessage, frame);
  if (typeof message === 'string') return message;
  switch (message.action) {
    case 'init':
      return { type: 'init', threadId: message.thread_id };
    case 'ping':
      return { type: 'ping', pong: PONG };
    case 'interrupt':
      return { type: 'interrupt', replyId: message.reply_id ?? null };
    case 'audio': {
      const audio = readBase64(NAME, 'audio.data', message.data);
      if (typeof audio === 'string') return `Invalid audio format: ${audio}`;
      if (!isWav(audio)) return 'Invalid audio format: audio.data must be a WAV file (16 kHz mono 16-bit)';
      return { type: 'audio', audio, format: 'wav', sampleRate: null, last: true };
    }
  }
}

function write(e: ServerEvent): string[] {
  const reply_id = 'replyId' in e ? e.replyId : undefined;
  switch (e.type) {
    case 'server.ready':
      return [wire({ event: 'initialized', thread_id: e.threadId ?? '', kb_id: KB_ID })];
    case 'server.stage':
      return [wire({ event: STAGES[e.stage], reply_id })];
    case 'server.transcript':
      return e.final ? [wire({ event: 'stt_complete', text: e.text, reply_id })] : [];
    case 'server.token':
      return [wire({ event: 'rag_token', token: e.text, reply_id })];
    case 'server.reply':
      return [wire({ event: 'rag_complete', text: e.text, reply_id })];
    case 'server.audio':
      return [wire({ event: 'tts_complete', audio: bytesToBase64(e.audio), format: 'wav', reply_id })];
    case 'server.done':
      return [wire({ event: 'done', duration: (e.durationMs ?? 0) / 1000, reply_id })];
    case 'server.error':
      return [wire({ event: 'error', message: e.message, reply_id })];
    default:
      return [];
  }
}

export const tutorProtocol: ServerProtocol = {
  dialect: tutor,
  handshake: 'init',
  replyAudio: 'wav',
  endsTurnOnSilence: false,
  inputSampleRate: tutor.capture.sampleRate,
  read,
  write,
};
