import type { Dialect } from 'voxstate';
import { messageType } from 'voxstate/dialects/messageType';
import { status } from 'voxstate/dialects/status';
import { tutor } from 'voxstate/dialects/tutor';
import { typed } from 'voxstate/dialects/typed';

export interface DialectChoice {
  dialect: Dialect;
  label: string;
  seed: string;
  /** How the user's audio travels, in a few words. */
  audio: string;
}

/** The default: seed 004's turn-based protocol. */
export const TUTOR: DialectChoice = {
  dialect: tutor,
  label: 'Tutor',
  seed: 'seed 004',
  audio: 'one WAV per turn',
};

/** The four wire protocols the reference server speaks, each on its seed's path. */
export const DIALECTS: readonly DialectChoice[] = [
  TUTOR,
  { dialect: messageType, label: 'Message type', seed: 'seed 000', audio: 'streamed PCM frames' },
  { dialect: status, label: 'Status', seed: 'seed 001', audio: 'streamed WebM (MediaRecorder)' },
  { dialect: typed, label: 'Typed', seed: 'seed 002', audio: 'streamed Opus (MediaRecorder)' },
];

export const dialectNamed = (name: string | null): DialectChoice | undefined =>
  DIALECTS.find((choice) => choice.dialect.name === name);
