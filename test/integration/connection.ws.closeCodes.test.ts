import { expect, test } from 'vitest';
import { waitFor } from '../helpers/waitFor.ts';
import type { ServerConnection } from '../helpers/wsServer.ts';
import { connection, serve } from './liveConnection.ts';

/** Longer than several retry delays: a reconnect that should not happen would have shown up. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

const endings: [string, number, (c: ServerConnection) => void][] = [
  ['1001 going away', 1001, (c) => c.close(1001)],
  ['1006 dropped (terminate)', 1006, (c) => c.terminate()],
  ['1011 internal error', 1011, (c) => c.close(1011)],
  ['1012 service restart', 1012, (c) => c.close(1012)],
  ['1013 try again later', 1013, (c) => c.close(1013)],
];

test.each(endings)('%s: reconnects and is open again', async (_, code, end) => {
  const server = await serve();
  const client = connection(server.url);
  await client.open();
  end(server.last);
  await client.reached('open', 1);
  expect(server.connections).toHaveLength(2);
  expect(client.errors().map((e) => [e.code, e.details.closeCode])).toEqual([['socket.closed', code]]);
  expect(client.history()).toBe('closed connecting open reconnecting connecting open');
});

test('1000 from the server: rests in closed with reason server', async () => {
  const server = await serve();
  const client = connection(server.url);
  await client.open();
  server.last.close(1000, 'conversation over');
  await client.reached('closed', 1);
  await settle();
  expect(server.connections).toHaveLength(1);
  expect(client.actor.getSnapshot().context.closedReason).toBe('server');
  expect(client.errors()[0]).toMatchObject({
    code: 'server.closed',
    details: { closeCode: 1000, reason: 'conversation over' },
  });
  expect(client.history()).toBe('closed connecting open closed');
});

test('1008 without getToken: rests in closed with reason auth', async () => {
  const server = await serve({ onConnection: (c) => c.close(1008, 'bad token') });
  const client = connection(server.url, { token: 'expired-token' });
  client.actor.send({ type: 'connect' });
  await client.reached('closed', 1);
  await settle();
  expect(server.connections).toHaveLength(1);
  expect(client.actor.getSnapshot().context.closedReason).toBe('auth');
  expect(client.errors().map((e) => [e.code, e.details.closeCode])).toEqual([['auth.rejected', 1008]]);
});

test('1008 with getToken: reconnects once with the fresh token, a second 1008 rests in closed (auth)', async () => {
  const server = await serve({ onConnection: (c) => c.close(1008, 'bad token') });
  const fresh = ['fresh-1', 'fresh-2'];
  let asked = 0;
  const client = connection(server.url, {
    token: 'expired-token',
    getToken: async () => fresh[asked++] as string,
  });
  client.actor.send({ type: 'connect' });
  await client.reached('closed', 1);
  await settle();
  expect(asked).toBe(1);
  expect(server.connections.map((c) => c.query('token'))).toEqual(['expired-token', 'fresh-1']);
  expect(client.actor.getSnapshot().context.closedReason).toBe('auth');
  expect(client.errors().map((e) => e.code)).toEqual(['auth.rejected']);
});

test('getToken is asked before the first connect and its token is in the URL the server sees', async () => {
  const server = await serve();
  const client = connection(server.url, { getToken: async () => 'from-get-token' });
  await client.open();
  expect(server.last.query('token')).toBe('from-get-token');
});

test('the token is in the URL query the server sees and never in full in an error', async () => {
  const token = 'secret-token-0123456789';
  const server = await serve();
  const client = connection(server.url, { token, tokenParam: 'access_token' });
  await client.open();
  expect(server.last.query('access_token')).toBe(token);

  // Errors of every kind the socket can produce: a dropped socket, refused attempts, a close reason.
  await server.stop();
  await client.reached('reconnecting', 1);
  await server.start();
  await client.reached('open', 1);
  server.last.close(1011, 'overloaded');
  await client.reached('open', 2);
  const errors = client.errors();
  expect(errors.length).toBeGreaterThan(1);
  for (const error of errors) {
    expect(JSON.stringify(error)).not.toContain(token);
    expect(error.message).not.toContain(token);
  }
});

test('an invalid URL: the error that reports it does not carry the token in full', async () => {
  const token = 'secret-token-0123456789';
  // Port out of range: accepted by the options check, refused by the WebSocket constructor.
  const client = connection('ws://127.0.0.1:99999', { token, reconnect: { maxAttempts: 0 } });
  client.actor.send({ type: 'connect' });
  await waitFor(() => client.errors().length > 0, { what: 'an error' });
  const [error] = client.errors();
  expect(error?.code).toBe('socket.closed');
  expect(JSON.stringify(error)).not.toContain(token);
  expect(error?.message).not.toContain(token);
});
