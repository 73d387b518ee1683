import { expect, test } from 'vitest';
import { waitFor } from '../helpers/waitFor.ts';
import { connection, serve } from './liveConnection.ts';

test('1,000 frames queued while the server is down, across three restarts, arrive in order, each once', async () => {
  const server = await serve();
  await server.stop();
  // Unlimited attempts (the harness default): the server stays down for a while.
  const client = connection(server.url);
  client.actor.send({ type: 'connect' });

  const batches = 4;
  const perBatch = 250;
  let sent = 0;
  for (let batch = 0; batch < batches; batch++) {
    // Down, and the client knows it: every frame of this batch waits in the queue.
    await waitFor(() => !client.actor.getSnapshot().matches('open'), { what: 'the client to leave open' });
    for (let i = 0; i < perBatch; i++) client.actor.send({ type: 'send', frame: `frame ${sent++}` });
    expect(client.actor.getSnapshot().context.outbox.items).toHaveLength(perBatch);

    await server.start();
    await waitFor(() => server.frames().length >= sent, { what: `${sent} frames at the server` });
    if (batch < batches - 1) await server.stop();
  }

  expect(sent).toBe(1000);
  expect(server.connections).toHaveLength(batches);
  expect(server.frames()).toEqual(Array.from({ length: sent }, (_, i) => `frame ${i}`));
  // Without a heartbeat nothing proves a written frame read, so each stop reports the last
  // connection's frames as possibly lost (connection.lost); they are not resent: no duplicates above.
  expect(client.errors().filter((e) => e.source === 'queue')).toEqual([]);
});
