import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { expect, onTestFinished, test } from 'vitest';
import { nextEvent, waitFor } from '../helpers/waitFor.ts';
import { answerPing, connection, jsonHeartbeat, serve } from './liveConnection.ts';

test('server restart: the client notices, retries while it is down, and is open again once it is back', async () => {
  const server = await serve();
  const client = connection(server.url);
  await client.open();

  await server.stop();
  await client.reached('reconnecting');
  // Refused attempts while the server is down.
  await client.reached('reconnecting', 1);
  await server.start();
  await client.reached('open', 1);

  expect(client.actor.getSnapshot().matches('open')).toBe(true);
  expect(server.connections).toHaveLength(2);
  expect(server.connections[0]?.closed).not.toBeNull();
  expect(client.errors()[0]).toMatchObject({ code: 'socket.closed', details: { closeCode: 1006 } });
  expect(client.history()).toMatch(/^closed connecting open (reconnecting connecting )+open$/);
});

test('half-open: a server that keeps the TCP connection but stops answering pings is detected and left', async () => {
  const server = await serve({ pong: answerPing });
  const client = connection(server.url, { heartbeat: jsonHeartbeat });
  let lastPongAt = 0;
  client.actor.on('connection.rtt', () => {
    lastPongAt = Date.now();
  });
  await client.open();
  await nextEvent(client.actor, 'connection.rtt');

  const detected = nextEvent(client.actor, 'connection.error');
  server.last.answering = false;
  const { error } = await detected;
  const detectedMs = Date.now() - lastPongAt;

  expect(error.code).toBe('heartbeat.timeout');
  // The dead socket is dropped, not left open, and a new connection (answered again) takes over.
  await waitFor(() => server.connections[0]?.closed !== null, { what: 'the half-open socket to close' });
  // Dropped (1006), not closed politely: on a really dead link no closing handshake would finish.
  expect(server.connections[0]?.closed?.code).toBe(1006);
  await client.reached('open', 1);
  expect(server.connections).toHaveLength(2);
  expect(client.history()).toBe('closed connecting open reconnecting connecting open');
  const { intervalMs, timeoutMs } = jsonHeartbeat;
  console.info(
    `half-open detected ${detectedMs} ms after the last pong (interval ${intervalMs} + timeout ${timeoutMs})`,
  );
});

/** A TCP listener that accepts connections and never answers the HTTP upgrade. */
async function silentListener() {
  const open = new Set<Socket>();
  let accepted = 0;
  const listener = createServer((socket) => {
    accepted++;
    open.add(socket);
    // Read (and ignore) the upgrade request: a paused socket would never notice the client leave.
    socket.resume();
    socket.on('error', () => {});
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => listener.close(resolve));
  });
  const { port } = listener.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, accepted: () => accepted, open: () => open.size };
}

test('a handshake that never completes times out, attempts go on, and the actor rests in closed (exhausted)', async () => {
  const listener = await silentListener();
  const maxAttempts = 3;
  const client = connection(listener.url, {
    reconnect: { initialDelayMs: 20, maxDelayMs: 50, jitter: 0, maxAttempts, connectTimeoutMs: 100 },
  });
  client.actor.send({ type: 'connect' });
  await waitFor(() => client.actor.getSnapshot().matches('closed'), {
    what: 'closed after the last attempt',
  });

  expect(client.actor.getSnapshot().context.closedReason).toBe('exhausted');
  // The first try and maxAttempts retries, each abandoned at the connect timeout.
  expect(client.errors().map((e) => e.code)).toEqual(Array(maxAttempts + 1).fill('connect.timeout'));
  expect(client.history()).toBe(`closed connecting ${'reconnecting connecting '.repeat(maxAttempts)}closed`);
  expect(listener.accepted()).toBe(maxAttempts + 1);
  // Every abandoned socket is destroyed: none is left open at the listener.
  await waitFor(() => listener.open() === 0, { what: 'the listener sockets to close' });
});
