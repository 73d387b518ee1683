import { expect, test } from 'vitest';
import { nextEvent, waitFor } from '../helpers/waitFor.ts';
import { connection, serve } from './liveConnection.ts';

test('frames sent while open arrive, binary as bytes, and server frames come out as connection.message', async () => {
  const server = await serve();
  const client = connection(server.url);
  await client.open();

  const bytes = Uint8Array.from([0, 1, 2, 253, 254, 255]);
  client.actor.send({ type: 'send', frame: 'hello' });
  client.actor.send({ type: 'send', frame: bytes });
  await waitFor(() => server.last.frames.length === 2, { what: 'two frames at the server' });
  expect(server.last.frames).toEqual(['hello', bytes]);

  const text = nextEvent(client.actor, 'connection.message');
  server.last.send('from server');
  expect((await text).data).toBe('from server');
  const binary = nextEvent(client.actor, 'connection.message');
  server.last.send(bytes);
  expect((await binary).data).toEqual(bytes);
});

test('offers the sub-protocols and keeps the negotiated one in the context', async () => {
  const server = await serve({
    handleProtocols: (offered) => (offered.has('stream-audio') ? 'stream-audio' : false),
  });
  const client = connection(server.url, { protocols: ['binary', 'stream-audio'] });
  await client.open();
  expect(server.last.offered).toEqual(['binary', 'stream-audio']);
  expect(server.last.protocol).toBe('stream-audio');
  expect(client.actor.getSnapshot().context.protocol).toBe('stream-audio');
});

test('disconnect closes the socket with 1000 and stays closed', async () => {
  const server = await serve();
  const client = connection(server.url);
  await client.open();
  client.actor.send({ type: 'disconnect' });
  await waitFor(() => server.last.closed !== null, { what: 'the server to see the close' });
  expect(server.last.closed?.code).toBe(1000);
  // Longer than several retry delays: a reconnect would have shown up by now.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(server.connections).toHaveLength(1);
  expect(client.actor.getSnapshot().value).toBe('closed');
  expect(client.actor.getSnapshot().context.closedReason).toBe('manual');
  expect(client.history()).toBe('closed connecting open closed');
});

test('stopping the actor closes the socket', async () => {
  const server = await serve();
  const client = connection(server.url);
  await client.open();
  client.actor.stop();
  await waitFor(() => server.last.closed !== null, { what: 'the server to see the close' });
  expect(server.last.closed?.code).toBe(1000);
});

test('a frame over maxMessageBytes is refused with frame.tooLarge and never reaches the server', async () => {
  const server = await serve();
  const client = connection(server.url, { maxMessageBytes: 1000 });
  await client.open();
  const refused = nextEvent(client.actor, 'connection.error');
  client.actor.send({ type: 'send', frame: 'x'.repeat(1001) });
  client.actor.send({ type: 'send', frame: 'y'.repeat(1000) });
  expect((await refused).error).toMatchObject({
    source: 'queue',
    code: 'frame.tooLarge',
    details: { bytes: 1001, maxMessageBytes: 1000 },
  });
  // Frames arrive in order: once the later frame is there, the refused one can no longer come.
  await waitFor(() => server.last.frames.length > 0, { what: 'the allowed frame' });
  expect(server.frames()).toEqual(['y'.repeat(1000)]);
  expect(client.actor.getSnapshot().matches('open')).toBe(true);
});

test('a frame over the server maxPayload: the server closes with 1009, the client reconnects and works', async () => {
  const server = await serve({ maxPayload: 1000 });
  const client = connection(server.url);
  await client.open();
  const big = 'z'.repeat(2000);
  const lost = nextEvent(client.actor, 'connection.lost');
  client.actor.send({ type: 'send', frame: big });
  await client.reached('open', 1);
  // The client got the server's 1009 (the server, having stopped reading, never sees the echo).
  expect(client.errors().map((e) => [e.code, e.details.closeCode])).toEqual([['socket.closed', 1009]]);
  // Written, then the socket died before anything proved it read: reported, not resent.
  expect((await lost).frames).toEqual([big]);

  client.actor.send({ type: 'send', frame: 'after' });
  await waitFor(() => server.connections.length === 2 && server.last.frames.length === 1, {
    what: 'a frame on the new connection',
  });
  expect(server.last.frames).toEqual(['after']);
  expect(client.history()).toMatch(/^closed connecting open (reconnecting connecting )+open$/);
});
