/** Each fault control, triggered over HTTP as the demo's buttons do, seen from the real client. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { VoiceServer } from '../../server/src/index.ts';
import { messageType } from '../../src/dialects/messageType.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import type { Dialect } from '../../src/dialects/types.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { type ClientSession, openSession, speechClip, startQuickServer } from './support.ts';

let server: VoiceServer;
let session: ClientSession | undefined;

beforeEach(async () => {
  server = await startQuickServer();
});
afterEach(async () => {
  session?.stop();
  session = undefined;
  await server.stop();
});

const CLIP = speechClip({ durationMs: 600, speech: [[100, 400]] });

async function control(path: string, method = 'POST') {
  const response = await fetch(`${server.url}/control${path}`, { method });
  return { status: response.status, body: await response.json() };
}

const connectionErrors = (s: ClientSession) =>
  s.emitted.flatMap((e) => (e.type === 'connection.error' ? [e.error] : []));
const statuses = (s: ClientSession) =>
  s.emitted.flatMap((e) => (e.type === 'connection.status' ? [e.status] : []));

/** The session came back: a new socket, the handshake again, and a turn that works. */
async function recovers(s: ClientSession) {
  await waitFor(() => statuses(s).includes('reconnecting'), { what: 'reconnecting' });
  await s.ready();
  const turn = await s.turn(CLIP);
  expect(turn.failed).toBeNull();
  expect(turn.user).toContain('speech at 0.1–0.4 s');
}

async function open(dialect: Dialect = tutor, options = {}) {
  session = await openSession(server, dialect, options);
  return session;
}

describe('fault controls', () => {
  test('drop: the connection dies without a close frame (1006); the client reconnects and re-initialises', async () => {
    const s = await open();
    await s.turn(CLIP);
    expect((await control('/drop')).body).toMatchObject({ ok: true, dropped: 1 });
    await recovers(s);
    // Same thread id in the new init: the server's thread goes on.
    expect(s.actor.getSnapshot().context.transcript.at(-1)?.agent).toContain('This is turn 2');
    expect(connectionErrors(s)[0]).toMatchObject({ code: 'socket.closed', details: { closeCode: 1006 } });
    const inits = server.events.filter((e) => e.type === 'request' && e.request === 'init');
    expect(inits).toHaveLength(2);
  });

  test('drop?code=1011: a close with that code, which the client retries', async () => {
    const s = await open(messageType);
    await control('/drop?code=1011&reason=overloaded');
    await recovers(s);
    expect(connectionErrors(s)[0]).toMatchObject({ details: { closeCode: 1011, reason: 'overloaded' } });
  });

  test('mute-pings: heartbeats go unanswered, the client declares the socket dead; after unmuting it recovers', async () => {
    const s = await open(tutor, { heartbeat: { intervalMs: 100, timeoutMs: 200 } });
    await control('/mute-pings');
    expect((await control('', 'GET')).body).toMatchObject({ mutePings: true });
    await waitFor(() => connectionErrors(s).some((e) => e.code === 'heartbeat.timeout'), {
      what: 'heartbeat.timeout',
    });
    await control('/mute-pings?on=false');
    await recovers(s);
  });

  test('delay: a reply slower than the client waits fails the turn; after reset the next turn works', async () => {
    const s = await open(tutor, { replyTimeoutMs: 300 });
    await control('/delay?ms=5000');
    const late = await s.turn(CLIP);
    expect(late.failed).toBe('reply.timeout');
    await control('/reset');
    expect((await control('', 'GET')).body).toMatchObject({ delayMs: 0, mutePings: false });
    // The delayed reply still comes; the client drops it and keeps the new turn apart.
    const next = await s.turn(CLIP);
    expect(next.failed).toBeNull();
    expect(next.agent).toContain('turn 2 of');
  });

  test('malformed: the client reports a dialect error, stays ready, and the next turn works', async () => {
    const s = await open(messageType);
    expect((await control('/malformed')).body).toMatchObject({ sent: 1 });
    await waitFor(() => s.emitted.some((e) => e.type === 'session.error'), { what: 'session.error' });
    const error = s.emitted.find((e) => e.type === 'session.error');
    expect(error).toMatchObject({ error: { source: 'dialect', code: 'dialect.json' } });
    expect(s.state()).toBe('ready');
    expect((await s.turn(CLIP)).failed).toBeNull();
  });

  test('restart: the server goes away and comes back on the same port; the client reconnects', async () => {
    const s = await open();
    const port = server.port;
    expect((await control('/restart?ms=300')).body).toMatchObject({ restarting: true, downMs: 300 });
    await recovers(s);
    expect(server.port).toBe(port);
    expect((await control('', 'GET')).body).toMatchObject({ connections: 1 });
  });

  test('the JS API does the same: restart resolves once the server listens again', async () => {
    const s = await open();
    await server.faults.restart(50);
    await recovers(s);
  });

  test('bad requests are refused with a reason', async () => {
    expect(await control('/delay?ms=soon')).toEqual({
      status: 400,
      body: { error: 'ms must be a number >= 0, got "soon"' },
    });
    expect(await control('/mute-pings?on=maybe')).toMatchObject({ status: 400 });
    expect(await control('/explode')).toMatchObject({ status: 404 });
    expect(await control('/drop', 'GET')).toMatchObject({ status: 405 });
  });
});
