// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { useVoiceChat, useVoiceErrors, VoiceConversationProvider } from '../../src/react/index.ts';
import { fakeConversation } from '../helpers/fakeConversation.ts';

let stop = () => {};
afterEach(() => {
  cleanup();
  stop();
});

function Errors() {
  const { connection, session, latest } = useVoiceErrors();
  const chat = useVoiceChat();
  const code = (e: { code: string } | null) => e?.code ?? '-';
  return (
    <p data-testid="errors">{[code(connection), code(session), code(latest), code(chat.error)].join(' ')}</p>
  );
}

test('errors surface through the hooks: held ones while they matter, and the latest one reported', async () => {
  const { actor, net } = fakeConversation({
    maxMessageBytes: 1_000,
    reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
  });
  stop = () => actor.stop();
  render(
    <VoiceConversationProvider actor={actor}>
      <Errors />
    </VoiceConversationProvider>,
  );
  const shown = () => screen.getByTestId('errors').textContent;
  await act(async () => {
    actor.send({ type: 'connect' });
    net.last.emit({ type: 'socket.open', protocol: '', at: 0 });
    net.last.emit({
      type: 'socket.message',
      data: '{"event":"initialized","thread_id":"t","kb_id":"k"}',
      at: 0,
    });
  });
  expect(shown()).toBe('- - - -');
  // Refused before it is sent: reported, but no state holds it.
  await act(async () =>
    actor.send({ type: 'audio.send', audio: new Uint8Array(2_000), mimeType: 'audio/wav' }),
  );
  expect(shown()).toBe('- - audio.tooLarge -');
  // A turn lost with its connection: the session and the connection hold their errors.
  await act(async () => actor.send({ type: 'audio.send', audio: new Uint8Array(10), mimeType: 'audio/wav' }));
  await act(async () =>
    net.last.emit({ type: 'socket.close', code: 1006, reason: '', wasClean: false, at: 1 }),
  );
  expect(shown()).toBe('socket.closed connection.lost connection.lost connection.lost');
});
