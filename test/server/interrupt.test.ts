/** Interrupts stop a reply at once; seed 002's server-side detection ends a turn on silence. */
import { afterEach, describe, expect, test } from 'vitest';
import type { ServerLogEvent, ServerOptions, VoiceServer } from '../../server/src/index.ts';
import { messageType } from '../../src/dialects/messageType.ts';
import { status } from '../../src/dialects/status.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { typed } from '../../src/dialects/typed.ts';
import type { Dialect } from '../../src/dialects/types.ts';
import { waitFor } from '../helpers/waitFor.ts';
import {
  type ClientSession,
  openSession,
  type RawClient,
  rawClient,
  speechClip,
  startQuickServer,
} from './support.ts';

let server: VoiceServer;
const open: { stop(): void }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) o.stop();
  await server.stop();
});

const CLIP = speechClip({ durationMs: 800, speech: [[100, 600]] });

async function start(options: ServerOptions) {
  server = await startQuickServer(options);
}

async function session(dialect: Dialect): Promise<ClientSession> {
  const s = await openSession(server, dialect);
  open.push(s);
  return s;
}

async function raw(dialect: Dialect): Promise<RawClient> {
  const client = await rawClient(server, dialect);
  open.push({ stop: client.close });
  return client;
}

const ends = () =>
  server.events.filter((e): e is Extract<ServerLogEvent, { type: 'reply.end' }> => e.type === 'reply.end');

describe.each([tutor, messageType, status, typed])('interrupt with the real client: $name', (dialect) => {
  test('while tokens stream: the server ends that reply, the client is ready, the next turn is whole', async () => {
    await start({ tokenMs: 25 });
    const s = await session(dialect);
    s.actor.send({ type: 'audio.send', audio: CLIP, mimeType: 'audio/wav' });
    await waitFor(() => (s.actor.getSnapshot().context.turn?.agent ?? '').length > 0, {
      what: 'the first token',
    });
    s.actor.send({ type: 'interrupt' });
    await waitFor(() => ends().length === 1, { what: 'the reply to end' });
    expect(ends()[0]).toMatchObject({ outcome: 'interrupted', dialect: dialect.name });
    expect(server.events.filter((e) => e.type === 'request' && e.request === 'interrupt')).toHaveLength(1);
    const [first] = s.actor.getSnapshot().context.transcript;
    expect(first).toMatchObject({ interrupted: true, failed: null });
    expect(s.state()).toBe('ready');

    const next = await s.turn(CLIP);
    expect(next).toMatchObject({ interrupted: false, failed: null });
    // Nothing of the interrupted reply leaked into this one.
    expect(next.agent).toMatch(/^You spoke for .* This is turn 2 of our conversation\.$/);
  });
});

test('barge-in on seed 000: stop_audio while the reply is speaking stops its audio_chunks', async () => {
  await start({ audioSpeed: 1 });
  const client = await raw(messageType);
  client.send(
    ...messageType.encode({ type: 'audio', audio: CLIP, mimeType: 'audio/wav' }),
    ...messageType.encode({ type: 'audio.end' }),
  );
  const first = await client.next('server.audio');
  const at = client.events().length;
  client.send(...messageType.encode({ type: 'interrupt', replyId: first.replyId }));
  const done = await client.next('server.done');
  expect(done.replyId).toBe(first.replyId);
  await waitFor(() => ends().length === 1, { what: 'the reply to end' });
  expect(ends()[0]?.outcome).toBe('interrupted');
  // The next reply speaks; of the interrupted one, nothing came after the barge-in but its done (and
  // at most the one chunk already on its way when stop_audio was read).
  const before = client.events().length;
  client.send(
    ...messageType.encode({ type: 'audio', audio: CLIP, mimeType: 'audio/wav' }),
    ...messageType.encode({ type: 'audio.end' }),
  );
  await client.next('server.audio', before);
  const late = client
    .events()
    .slice(at)
    .filter((e) => 'replyId' in e && e.replyId === first.replyId);
  expect(late.filter((e) => e.type !== 'server.audio').map((e) => e.type)).toEqual(['server.done']);
  expect(late.filter((e) => e.type === 'server.audio').length).toBeLessThanOrEqual(1);
  // Seconds of speech at real time, in 200 ms chunks: most of it was never sent.
  expect(
    client.events().filter((e) => e.type === 'server.audio' && e.replyId === first.replyId).length,
  ).toBeLessThan(5);
});

test('tutor: an interrupt naming another reply is ignored', async () => {
  await start({ tokenMs: 10 });
  const client = await raw(tutor);
  client.send(...tutor.encode({ type: 'init', threadId: 't' }));
  await client.next('server.ready');
  client.send(...tutor.encode({ type: 'audio', audio: CLIP, mimeType: 'audio/wav' }));
  await client.next('server.token');
  client.send(...tutor.encode({ type: 'interrupt', replyId: 'someone-else' }));
  await client.next('server.done');
  expect(ends()[0]?.outcome).toBe('done');
});

describe('typed: the server ends the turn on silence (seed 002 speech_final)', () => {
  test('speech_started, speech_final after 800 ms of quiet, one reply; the audio_end after it is no new turn', async () => {
    await start({});
    const client = await raw(typed);
    const clip = speechClip({ durationMs: 2000, speech: [[200, 700]] });
    client.send(...typed.encode({ type: 'audio', audio: clip, mimeType: 'audio/wav' }));
    const started = await client.next('server.speech');
    expect(started.state).toBe('started');
    await client.next('server.done');
    const speech = client.events().filter((e) => e.type === 'server.speech');
    expect(speech.map((e) => e.type === 'server.speech' && e.state)).toEqual(['started', 'ended']);
    // The reply came before the client's audio_end was even sent: the server's detection ended the turn.
    expect((await client.next('server.transcript')).text).toContain('speech at 0.2–0.7 s');
    client.send(...typed.encode({ type: 'audio.end' }));
    // A ping answered proves the audio_end was read; it started no reply and drew no error.
    client.send(typed.heartbeat.ping?.() ?? '');
    await waitFor(() => client.frames.some((f) => typed.heartbeat.isPong?.(f)), {
      what: 'the heartbeat echo',
    });
    expect(ends()).toHaveLength(1);
    expect(client.events().filter((e) => e.type === 'server.error')).toEqual([]);
  });

  test('with the real client: one turn, one reply', async () => {
    await start({});
    const s = await session(typed);
    const turn = await s.turn(speechClip({ durationMs: 2000, speech: [[200, 700]] }));
    expect(turn.failed).toBeNull();
    expect(turn.user).toContain('speech at 0.2–0.7 s');
    await waitFor(() => ends().length === 1);
    expect((await s.turn(CLIP)).agent).toContain('turn 2 of');
  });
});
