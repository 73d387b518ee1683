import type { Frame } from 'voxstate';
import type { Dialect, ServerEvent } from 'voxstate/dialects/types';
import type { InputFormat } from '../audio/input.ts';

/** What a client frame asks of the server, whatever the dialect. */
export type ClientRequest =
  | { type: 'init'; threadId: string }
  /** A heartbeat ping, with the dialect's answer. */
  | { type: 'ping'; pong: Frame }
  /**
   * Audio of the user's turn: the whole turn (`last`) or one chunk of it. `format` is null when the
   * dialect does not say (binary frames): the server then recognises it from the first bytes.
   */
  | { type: 'audio'; audio: Uint8Array; format: InputFormat | null; sampleRate: number | null; last: boolean }
  | { type: 'audio.end' }
  | { type: 'interrupt'; replyId: string | null }
  /** Valid, and needs nothing (a client's pong). */
  | { type: 'none' };

/**
 * The server's side of one dialect: the inverse of the client's translation table. It reads client
 * frames with the dialect's own client schemas and writes the session's event vocabulary as the
 * dialect's server messages, so client and server cannot drift apart.
 */
export interface ServerProtocol {
  dialect: Dialect;
  /** `init`: the client's init must come first; `greet`: the server speaks first; `none`: neither. */
  handshake: 'init' | 'greet' | 'none';
  /** Reply audio as one WAV file per reply, or as streamed PCM chunks. */
  replyAudio: 'wav' | 'pcm';
  /** The server's voice-activity detection ends the user's turn (seed 002's `speech_final`). */
  endsTurnOnSilence: boolean;
  /** Sample rate of headerless binary audio (the rate the server announces or the seed states). */
  inputSampleRate: number;
  /** A client frame as a request, or what is wrong with it (sent back as the dialect's error). */
  read(frame: Frame): ClientRequest | string;
  /** The frames that carry `event`; none where the dialect has no such message. */
  write(event: ServerEvent): Frame[];
}
