// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { createVoiceConversation } from '../../src/conversation.ts';
import { useConnectionStatus, useReplyText, VoiceConversationProvider } from '../../src/react/index.ts';
import { connectionOf, sessionOf } from '../../src/selectors.ts';
import { waitFor } from '../helpers/waitFor.ts';
import type { WsServer } from '../helpers/wsServer.ts';
import { clip, NodeWebSocket, received, replyStart, token, tutorServer } from './tutorServer.ts';

let server: WsServer | undefined;
let stop = () => {};
afterEach(async () => {
  cleanup();
  stop();
  await server?.stop();
  server = undefined;
});

const renders = { status: 0, reply: 0 };

function StatusOnly() {
  renders.status++;
  return <p data-testid="status">{useConnectionStatus()}</p>;
}

function Reply() {
  renders.reply++;
  return <p data-testid="reply">{useReplyText()}</p>;
}

test('while 100 tokens stream, a component that reads the connection status renders 0 times and one that reads the reply renders once per token', async () => {
  server = await tutorServer({ reply: null });
  const actor = createVoiceConversation({
    url: server.url,
    WebSocket: NodeWebSocket,
    autoConnect: true,
    // Pings and pongs change the connection's snapshot all through the stream.
    heartbeat: { intervalMs: 20 },
  });
  stop = () => actor.stop();
  render(
    <VoiceConversationProvider actor={actor}>
      <StatusOnly />
      <Reply />
    </VoiceConversationProvider>,
  );
  const session = sessionOf(actor);
  await waitFor(() => session.getSnapshot().value === 'ready', { what: 'the handshake' });
  expect(screen.getByTestId('status').textContent).toBe('open');
  actor.send({ type: 'audio.send', audio: clip, mimeType: 'audio/wav' });
  await waitFor(() => received(server as WsServer, 'audio').length === 1, { what: 'the turn to arrive' });
  for (const frame of replyStart('hello')) server.last.send(frame);
  await waitFor(() => session.getSnapshot().matches({ processing: 'thinking' }), { what: 'thinking' });

  let connectionChanges = 0;
  const watch = connectionOf(actor).subscribe(() => connectionChanges++);
  const before = { ...renders };
  let expected = '';
  // Lock step: each token is sent once the previous one is on screen, so React cannot batch them.
  for (let i = 1; i <= 100; i++) {
    server.last.send(token(`t${i} `));
    expected += `t${i} `;
    await waitFor(() => screen.getByTestId('reply').textContent === expected, { what: `token ${i}` });
  }
  watch.unsubscribe();

  expect(renders.status - before.status).toBe(0);
  expect(renders.reply - before.reply).toBe(100);
  expect(connectionChanges, 'the connection actor changed during the stream').toBeGreaterThan(0);
  expect(screen.getByTestId('status').textContent).toBe('open');
});
