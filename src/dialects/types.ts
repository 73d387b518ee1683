import type { GenericSchema } from 'valibot';
import type { HeartbeatOptions } from '../../machines/connection.options.ts';
import type { Frame } from '../../machines/frames.ts';
import type { VoxError } from '../errors.ts';

/** Which part of a reply the server is working on (seed 004: stt, rag, tts). */
export type Stage = 'transcribing' | 'thinking' | 'synthesizing';

/**
 * What any backend can tell the session, whatever its wire format. A dialect decodes each server
 * frame into zero or more of these. `replyId` is set where the protocol (or a documented extension)
 * carries one, so late frames of an interrupted reply can be recognised.
 */
export type ServerEvent =
  /** The answer to the handshake; carries what the server announced. */
  | {
      type: 'server.ready';
      threadId?: string;
      kbId?: string;
      sessionId?: string;
      sampleRate?: number;
      maxMessageBytes?: number;
    }
  | { type: 'server.stage'; stage: Stage; replyId?: string }
  /** What the user said; `final: false` for interim results. */
  | { type: 'server.transcript'; text: string; final: boolean; replyId?: string }
  /** One streamed token of the agent's reply text. */
  | { type: 'server.token'; text: string; replyId?: string }
  /** The complete reply text (seed 004's rag_complete). */
  | { type: 'server.reply'; text: string; replyId?: string }
  /**
   * Reply audio: `whole` for one complete file (seed 004's tts_complete), otherwise a streamed chunk.
   * `mimeType` is `audio/wav`, `audio/mpeg`, `audio/pcm` (16-bit little-endian mono at `sampleRate`), ...
   */
  | {
      type: 'server.audio';
      audio: Uint8Array;
      mimeType: string;
      sampleRate?: number;
      whole: boolean;
      replyId?: string;
    }
  /** The reply is complete on the server's side. */
  | { type: 'server.done'; durationMs?: number; replyId?: string }
  | { type: 'server.error'; message: string; code?: string; replyId?: string }
  /** The server's own voice-activity detection (seed 002): the user started / finished speaking. */
  | { type: 'server.speech'; state: 'started' | 'ended' }
  /** The server acknowledged an audio chunk (seed 001). */
  | { type: 'server.ack' };

/** What the session asks a dialect to put on the wire. */
export type ClientIntent =
  | { type: 'init'; threadId: string }
  /** A whole recorded clip: one message for turn-based dialects, a run of frames for streaming ones. */
  | { type: 'audio'; audio: Uint8Array; mimeType: string }
  /** One live frame of a streaming capture. */
  | { type: 'audio.frame'; audio: Uint8Array }
  /** The user's turn ended (streaming dialects). */
  | { type: 'audio.end' }
  | { type: 'interrupt'; replyId?: string };

/** The audio a dialect wants from the capture adapter. */
export interface CaptureFormat {
  /** `audio/wav` for a whole WAV file per turn, `audio/pcm` for raw frames, `audio/webm;codecs=opus`, ... */
  mimeType: string;
  sampleRate: number;
  /** Frame (or MediaRecorder timeslice) length for streaming dialects. */
  frameMs?: number;
}

/**
 * A stateless translation table between one backend's wire format and the session's vocabulary.
 * Ordering rules (what may come when) live in the session machine, never here. Adding a backend is
 * a new dialect file, not a change to a machine.
 */
export interface Dialect {
  name: string;
  /** The path the seed's server listens on, for building URLs. */
  path: string;
  /** WebSocket sub-protocols to offer. */
  protocols: string[];
  /** `turn`: one message per user turn; `stream`: audio flows as frames while the user speaks. */
  transport: 'turn' | 'stream';
  capture: CaptureFormat;
  /** Whether the server answers an `init` with `server.ready` (the session waits for it). */
  handshake: boolean;
  /** Ping frame, pong recognition and answers to server pings, for the connection machine. */
  heartbeat: HeartbeatOptions;
  /** Frames for an intent; an empty array where the protocol has no such message. */
  encode(intent: ClientIntent): Frame[];
  /** Events in a server frame, or a typed error saying what is wrong with it. Never throws. */
  decode(frame: Frame): ServerEvent[] | VoxError;
  /** The wire schemas, both directions, for the reference server and for tests. */
  schemas: { client: GenericSchema; server: GenericSchema };
}
