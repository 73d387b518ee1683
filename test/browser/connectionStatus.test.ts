import { cleanup, render, screen } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { ConnectionStatus, VoiceConversationProvider } from '../../src/react/index.ts';
import { connectionOf } from '../../src/selectors.ts';
import { fakeConversation } from '../helpers/fakeConversation.ts';

let stop = () => {};
afterEach(() => {
  cleanup();
  stop();
});

test('the reconnect button works from the keyboard: Tab reaches it, Enter and Space press it', async () => {
  // No retries: a dropped connection gives up at once and offers the button.
  const { actor, net } = fakeConversation({ reconnect: { maxAttempts: 0 } });
  stop = () => actor.stop();
  const connection = connectionOf(actor);
  render(h(VoiceConversationProvider, { actor }, h(ConnectionStatus)));
  const giveUp = () => {
    actor.send({ type: 'connect' });
    net.last.emit({ type: 'socket.close', code: 1006, reason: '', wasClean: false, at: Date.now() });
    return screen.findByRole('button', { name: 'Reconnect' });
  };

  for (const key of ['{Enter}', ' ']) {
    const button = await giveUp();
    await userEvent.tab();
    expect(document.activeElement).toBe(button);
    const sockets = net.sockets.length;
    await userEvent.keyboard(key);
    expect(net.sockets.length, `${key} opens a new socket`).toBe(sockets + 1);
    expect(connection.getSnapshot().matches('connecting')).toBe(true);
    await expect.element(screen.getByRole('status')).toHaveTextContent('Connecting...');
    net.last.emit({ type: 'socket.close', code: 1006, reason: '', wasClean: false, at: Date.now() });
  }
});
