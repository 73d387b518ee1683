import { renderToString } from 'react-dom/server';
import { expect, test } from 'vitest';
import { ConnectionStatus, useReplyText, VoiceConversationProvider } from '../../src/react/index.ts';

function Reply() {
  return <p>Reply: {useReplyText()}</p>;
}

test('server rendering (Node, no DOM, no global WebSocket) renders the initial state and opens nothing', () => {
  expect(typeof window).toBe('undefined');
  const html = renderToString(
    <VoiceConversationProvider options={{ url: 'ws://voice.invalid/ws', autoConnect: true }}>
      <ConnectionStatus />
      <Reply />
    </VoiceConversationProvider>,
  );
  expect(html).toContain('Not connected');
  expect(html).toContain('Reply: ');
});
