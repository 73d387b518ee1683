/** Shared by the reference-server tests: a quick server, speech-like clips, real client sessions. */
import WebSocket from 'ws';
import { fromCallback } from 'xstate';
import type { ConnectionEmitted } from '../../machines/connection.machine.ts';
import type { Frame } from '../../machines/frames.ts';
import type { PlaybackCommand, PlaybackEvent, SessionEmitted, Turn } from '../../machines/session.types.ts';
import { type ServerOptions, startServer, type VoiceServer } from '../../server/src/index.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import type { Dialect, ServerEvent } from '../../src/dialects/types.ts';
import { VoxError } from '../../src/errors.ts';
import { createSession, type SessionOptions } from '../../src/session.ts';
import { nextEvent, waitFor } from '../helpers/waitFor.ts';

/** No pacing: replies come as fast as they are made. */
export const startQuickServer = (options: ServerOptions = {}) =>
  startServer({ tokenMs: 0, audioSpeed: 0, ...options });

/**
 * A mono 16-bit WAV with a voiced sound (a 150 Hz tone and its harmonics) during each `speech` span
 * and faint noise elsewhere: what an energy detector cannot tell from a voice.
 */
export function speechClip({
  durationMs,
  speech,
  sampleRate = 16_000,
}: {
  durationMs: number;
  speech: [startMs: number, endMs: number][];
  sampleRate?: number;
}): Uint8Array {
  const samples = new Int16Array(Math.round((durationMs * sampleRate) / 1000));
  let seed = 1;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed / 2 ** 31 - 0.5) * 0.002;
  };
  for (let i = 0; i < samples.length; i++) {
    const ms = (i * 1000) / sampleRate;
    const voiced = speech.some(([from, to]) => ms >= from && ms < to);
    const t = i / sampleRate;
    const tone = voiced ? 0.2 * Math.sin(2 * Math.PI * 150 * t) + 0.1 * Math.sin(2 * Math.PI * 300 * t) : 0;
    samples[i] = Math.round((tone + noise()) * 32767);
  }
  return encodeWav({ sampleRate, channels: 1, samples });
}

/** Length and loudness of the reply audio the playback adapter was asked to play (the server's WAVs have a 44-byte header). */
export function rmsOf(commands: PlaybackCommand[]): { seconds: number; rms: number } {
  let sum = 0;
  let count = 0;
  let seconds = 0;
  for (const command of commands) {
    if (command.type !== 'play') continue;
    const wav = command.mimeType === 'audio/wav';
    const view = new DataView(command.audio.buffer, command.audio.byteOffset, command.audio.byteLength);
    const rate = wav ? view.getUint32(24, true) : (command.sampleRate ?? 0);
    for (let at = wav ? 44 : 0; at + 1 < command.audio.length; at += 2) {
      const x = view.getInt16(at, true) / 32768;
      sum += x * x;
      count++;
    }
    seconds += (command.audio.length - (wav ? 44 : 0)) / 2 / rate;
  }
  return { seconds, rms: count ? Math.sqrt(sum / count) : 0 };
}

/** A playback adapter that keeps what it is asked to play and ends at once. */
function recordingPlayback(played: PlaybackCommand[]) {
  return fromCallback<PlaybackCommand>(({ sendBack, receive }) => {
    receive((command) => {
      played.push(command);
      if (command.type === 'finish' || command.type === 'stop') {
        sendBack({ type: 'playback.ended', heardMs: 0, at: Date.now() } satisfies PlaybackEvent);
      }
    });
  });
}

export type ClientSession = Awaited<ReturnType<typeof openSession>>;

/** The real voxstate client session, connected to `server` in `dialect`, ready for a turn. */
export async function openSession(
  server: VoiceServer,
  dialect: Dialect,
  options: Partial<SessionOptions> = {},
) {
  const played: PlaybackCommand[] = [];
  const emitted: (SessionEmitted | ConnectionEmitted)[] = [];
  const actor = createSession({
    dialect,
    url: server.wsUrl(dialect.path),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0, minUptimeMs: 0 },
    adapters: { playback: recordingPlayback(played) },
    ...options,
  });
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  actor.send({ type: 'connect' });
  const session = {
    actor,
    played,
    emitted,
    state: () => actor.getSnapshot().value,
    ready: () => waitFor(() => actor.getSnapshot().matches('ready'), { what: `${dialect.name} ready` }),
    /** Sends a clip and resolves with the finished turn. */
    async turn(audio: Uint8Array, mimeType = 'audio/wav'): Promise<Turn> {
      const finished = nextEvent(actor, 'session.turn', { timeoutMs: 15_000 });
      actor.send({ type: 'audio.send', audio, mimeType });
      return (await finished).turn;
    },
    stop: () => actor.stop(),
  };
  await session.ready();
  return session;
}

export type RawClient = Awaited<ReturnType<typeof rawClient>>;

/** A plain `ws` client that keeps every frame and decodes them with the dialect, for what the session hides. */
export async function rawClient(server: VoiceServer, dialect: Dialect, path = dialect.path) {
  const ws = new WebSocket(server.wsUrl(path), dialect.protocols);
  const frames: Frame[] = [];
  let closed: { code: number } | null = null;
  ws.on('message', (data, isBinary) => {
    frames.push(isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString());
  });
  ws.on('close', (code) => {
    closed = { code };
  });
  ws.on('error', () => {});
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const events = () =>
    frames.flatMap((f) => {
      const decoded = dialect.decode(f);
      if (decoded instanceof VoxError) throw decoded;
      return decoded;
    });
  return {
    ws,
    frames,
    events,
    closed: () => closed,
    send: (...sent: Frame[]) => {
      for (const frame of sent) ws.send(frame);
    },
    /** Waits for a decoded event of `type` after the first `from` events; returns it. */
    async next<T extends ServerEvent['type']>(type: T, from = 0): Promise<Extract<ServerEvent, { type: T }>> {
      let found: ServerEvent | undefined;
      await waitFor(
        () => {
          found = events()
            .slice(from)
            .find((e) => e.type === type);
          return found !== undefined;
        },
        { what: `a ${type} event` },
      );
      return found as Extract<ServerEvent, { type: T }>;
    },
    close: () => ws.close(),
  };
}
