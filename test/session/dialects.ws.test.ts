/**
 * Each dialect holds a full conversation through the session actor against a real `ws` server that
 * plays the backend: the sequences its seed documents plus the dialect's extensions, an error turn, an
 * interrupted reply whose tail arrives late, the server's ping where the seed has one, heartbeats; and
 * a reconnect mid-turn. One table of backends, one script per dialect (test/session/scripts.ts).
 */
import * as v from 'valibot';
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { Frame } from '../../machines/frames.ts';
import type { SessionEmitted } from '../../machines/session.types.ts';
import { base64ToBytes } from '../../src/dialects/codec.ts';
import { createSession } from '../../src/session.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { type ServerConnection, startWsServer, type WsServer } from '../helpers/wsServer.ts';
import { type DialectScript, parse, scriptFor } from './scripts.ts';

type Json = Record<string, unknown>;

/** What the backend of each seed does besides replying to turns. */
interface Backend {
  script: DialectScript;
  /** The sub-protocol the server must have chosen ('' for none). */
  protocol: string;
  /** The server's immediate answer to a client frame: pongs, the handshake, acknowledgements. */
  answer(frame: Frame): Frame | null;
  /** The MIME type of the clips the app sends. */
  mimeType: string;
  /** The clip as the server reassembles it from the frames of a turn. */
  audioOf(turn: Frame[]): Uint8Array;
  /** The seed's server ping, when it has one, and how its answer looks. */
  serverPing?: { ping: Frame; isPong(frame: Frame): boolean };
  /** Frames the server sends when the user's audio starts (seed 002's VAD). */
  onSpeech: Frame[];
}

const json = (frame: Frame) => (typeof frame === 'string' ? (parse(frame) as Json) : {});
const is = (key: string, value: string) => (frame: Frame) => json(frame)[key] === value;
const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
};
const binaryOf = (turn: Frame[]) => concat(turn.filter((f): f is Uint8Array => typeof f !== 'string'));
const base64Of = (key: string, value: string, field: string) => (turn: Frame[]) =>
  concat(turn.filter(is(key, value)).map((f) => base64ToBytes(json(f)[field] as string)));

const BACKENDS: Backend[] = [
  {
    script: scriptFor('tutor'),
    protocol: '',
    answer: (frame) => {
      if (is('action', 'ping')(frame)) return JSON.stringify({ event: 'pong' });
      if (is('action', 'init')(frame)) {
        return JSON.stringify({ event: 'initialized', thread_id: json(frame).thread_id, kb_id: 'kb-1' });
      }
      return null;
    },
    mimeType: 'audio/wav',
    audioOf: base64Of('action', 'audio', 'data'),
    onSpeech: [],
  },
  {
    script: scriptFor('messageType'),
    protocol: '',
    answer: (frame) => (is('message_type', 'ping')(frame) ? JSON.stringify({ message_type: 'pong' }) : null),
    mimeType: 'audio/pcm',
    audioOf: base64Of('message_type', 'audio_chunk', 'audio'),
    serverPing: { ping: JSON.stringify({ message_type: 'ping' }), isPong: is('message_type', 'pong') },
    onSpeech: [],
  },
  {
    script: scriptFor('status'),
    protocol: '',
    // Seed 001: every audio chunk is acknowledged.
    answer: (frame) => (typeof frame === 'string' ? null : JSON.stringify({ status: 'chunk_received' })),
    mimeType: 'audio/webm;codecs=opus',
    audioOf: binaryOf,
    onSpeech: [],
  },
  {
    script: scriptFor('typed'),
    protocol: 'binary',
    // Seed 002: the server echoes the heartbeat.
    answer: (frame) => (is('type', 'heartbeat')(frame) ? frame : null),
    mimeType: 'audio/webm;codecs=opus',
    audioOf: binaryOf,
    onSpeech: [JSON.stringify({ type: 'speech_started', timestamp: '2025-01-01T00:00:00Z' })],
  },
];

/** A clip of 40,000 bytes: more than one frame for the streaming dialects. */
const clip = (seed: number) => new Uint8Array(40_000).map((_, i) => (i * seed) % 256);

let server: WsServer | undefined;
let stopSession: (() => void) | undefined;
afterEach(async () => {
  stopSession?.();
  await server?.stop();
  server = undefined;
});

/** The backend on a real server, and a session connected to it. */
async function conversation(backend: Backend) {
  const { script } = backend;
  const { dialect } = script;
  const live = await startWsServer({
    pong: backend.answer,
    onConnection: (c) => {
      if (script.serverFirst && script.ready) c.send(script.ready);
    },
  });
  server = live;
  const actor = createSession({
    url: `${live.url}${dialect.path}`,
    dialect,
    WebSocket: WebSocket as never,
    threadId: 'thread-ws',
    heartbeat: { intervalMs: 200, timeoutMs: 5_000 },
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 },
    replyTimeoutMs: 10_000,
  });
  const emitted: SessionEmitted[] = [];
  const rtts: number[] = [];
  actor.on('*', (event) => {
    if (event.type === 'connection.rtt') rtts.push(event.rttMs);
    if (event.type.startsWith('session.')) emitted.push(event as SessionEmitted);
  });
  actor.start();
  stopSession = () => actor.stop();
  actor.send({ type: 'connect' });

  const state = () => actor.getSnapshot().value;
  const transcript = () => actor.getSnapshot().context.transcript;
  const codes = (type: 'session.error' | 'session.warning') =>
    emitted.flatMap((e) => (e.type === type ? [e.error.code] : []));
  /** Where the next turn starts in each connection's frames. */
  const turnStart = new Map<ServerConnection, number>();

  return {
    actor,
    live,
    emitted,
    rtts,
    state,
    transcript,
    codes,
    ready: () => waitFor(() => state() === 'ready', { what: `${dialect.name} ready` }),
    /** Sends a clip; resolves with the frames of the turn once the server has all of them. */
    async turn(audio: Uint8Array): Promise<Frame[]> {
      const connection = live.last;
      const from = turnStart.get(connection) ?? 0;
      actor.send({ type: 'audio.send', audio, mimeType: backend.mimeType });
      await waitFor(() => connection.frames.slice(from).some(script.isTurnEnd), {
        what: 'the end of a turn',
      });
      const end = connection.frames.findIndex((f, i) => i >= from && script.isTurnEnd(f));
      turnStart.set(connection, end + 1);
      const frames = connection.frames.slice(from, end + 1);
      for (const frame of backend.onSpeech) connection.send(frame);
      return frames;
    },
    send: (...frames: Frame[]) => {
      for (const frame of frames) live.last.send(frame);
    },
  };
}

const replyIdOf = (frame: Frame) => json(frame).reply_id ?? json(frame).response_id;
const reply = (script: DialectScript, user: string, replyId?: string) =>
  script.reply({ user, words: ['The ', 'answer'], ...(replyId && { replyId }) });

describe.each(BACKENDS.map((b) => [b.script.dialect.name, b] as const))(
  '%s over a real socket',
  (_, backend) => {
    const { script } = backend;
    const { dialect } = script;

    test('a full conversation: seed sequences, extensions, an error turn, an interrupt, heartbeats', async () => {
      const c = await conversation(backend);
      await c.ready();
      const first = c.live.last;
      expect(first.url).toBe(dialect.path);
      expect(first.protocol).toBe(backend.protocol);
      expect(first.offered).toEqual(dialect.protocols);
      if (dialect.handshake && !script.serverFirst) {
        expect(json(first.frames[0] as Frame)).toMatchObject({ thread_id: 'thread-ws' });
      }

      // 1: the normal flow.
      const audio = clip(7);
      const turn = await c.turn(audio);
      expect(backend.audioOf(turn)).toEqual(audio);
      c.send(...reply(script, 'what is a cell'));
      await waitFor(() => c.transcript().length === 1 && c.state() === 'ready', { what: 'turn 1' });
      expect(c.transcript()[0]).toMatchObject({ user: 'what is a cell', agent: 'The answer', failed: null });

      // 2: the error flow.
      await c.turn(clip(3));
      c.send(script.error('Invalid audio format'));
      await waitFor(() => c.transcript().length === 2, { what: 'turn 2' });
      expect(c.transcript()[1]?.failed).toBe('server.error');
      expect(c.codes('session.error')).toEqual(['server.error']);

      // 3: the user interrupts a reply; its tail comes late and is dropped.
      await c.turn(clip(5));
      const interrupted = reply(script, 'tell me more', 'r3');
      const firstToken = interrupted.findIndex((frame) => {
        const events = dialect.decode(frame);
        return Array.isArray(events) && events.some((e) => e.type === 'server.token');
      });
      c.send(...interrupted.slice(0, firstToken + 1));
      await waitFor(() => (c.actor.getSnapshot().context.turn?.agent ?? '') !== '', { what: 'reply text' });
      c.actor.send({ type: 'interrupt' });
      await waitFor(() => first.frames.some(script.isInterrupt), { what: 'the interrupt frame' });
      expect(replyIdOf(first.frames.find(script.isInterrupt) as Frame)).toBe('r3');
      c.send(...interrupted.slice(firstToken + 1));

      // 4: the next turn is clean.
      await c.turn(clip(11));
      c.send(...reply(script, 'thanks'));
      await waitFor(() => c.transcript().length === 4 && c.state() === 'ready', { what: 'turn 4' });
      expect(c.transcript().map((t) => [t.user, t.agent, t.failed, t.interrupted])).toEqual([
        ['what is a cell', 'The answer', null, false],
        [null, '', 'server.error', false],
        ['tell me more', 'The ', null, true],
        ['thanks', 'The answer', null, false],
      ]);
      expect(c.codes('session.warning')).toEqual([]);

      if (backend.serverPing) {
        const { ping, isPong } = backend.serverPing;
        c.send(ping);
        await waitFor(() => first.frames.some(isPong), { what: 'the answer to the server ping' });
      }
      if (dialect.heartbeat.ping) {
        await waitFor(() => c.rtts.length > 0, { what: 'a heartbeat round trip' });
      }
      // Everything the client sent is valid by the dialect's own wire schema.
      for (const frame of first.frames) {
        const wire = typeof frame === 'string' ? parse(frame) : frame;
        expect(v.safeParse(dialect.schemas.client, wire).success, String(frame).slice(0, 80)).toBe(true);
      }
      expect(c.live.connections).toHaveLength(1);
    });

    test('reconnect mid-turn: the same thread, nothing sent twice, and the next turn succeeds', async () => {
      const c = await conversation(backend);
      await c.ready();
      const lost = clip(13);
      const turn = await c.turn(lost);
      c.send(...reply(script, 'lost question').slice(0, 2));
      await waitFor(() => c.actor.getSnapshot().context.turn?.at.firstEvent != null, { what: 'the reply' });
      c.live.last.terminate();
      await waitFor(() => c.transcript().length === 1, { what: 'the failed turn' });
      expect(c.transcript()[0]?.failed).toBe('connection.lost');
      expect(c.codes('session.error')).toEqual(['connection.lost']);

      await waitFor(() => c.live.connections.length === 2, { what: 'the reconnect' });
      await c.ready();
      const [before, after] = c.live.connections as [ServerConnection, ServerConnection];
      if (dialect.handshake && !script.serverFirst) {
        expect(json(after.frames[0] as Frame)).toMatchObject({ thread_id: 'thread-ws' });
      }
      expect(c.actor.getSnapshot().context.threadId).toBe('thread-ws');

      const next = clip(17);
      expect(backend.audioOf(await c.turn(next))).toEqual(next);
      c.send(...reply(script, 'second question'));
      await waitFor(() => c.transcript().length === 2 && c.state() === 'ready', { what: 'the next turn' });
      expect(c.transcript()[1]).toMatchObject({ user: 'second question', agent: 'The answer', failed: null });

      // The lost clip reached the server once, on the first connection; the second got only the next turn.
      expect(backend.audioOf(before.frames)).toEqual(backend.audioOf(turn));
      expect(backend.audioOf(after.frames)).toEqual(next);
      expect(after.frames.filter(script.isTurnEnd)).toHaveLength(1);
      expect(after.frames.filter(script.isInit)).toHaveLength(
        dialect.handshake && !script.serverFirst ? 1 : 0,
      );
    });
  },
);
