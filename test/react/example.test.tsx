// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { ConnectionStatus, useVoiceChat, VoiceConversationProvider } from '../../src/react/index.ts';
import { waitFor } from '../helpers/waitFor.ts';
import type { WsServer } from '../helpers/wsServer.ts';
import { clip, NodeWebSocket, received, tutorServer } from './tutorServer.ts';

// The README's example app, as it runs in Node: a recorded clip goes out with `audio.send`.
function Talk({ clip }: { clip: Uint8Array }) {
  const chat = useVoiceChat();
  return (
    <main>
      <p>Status: {chat.stage ?? chat.state}</p>
      <button type="button" disabled={!chat.isReady} onClick={() => chat.sendAudio(clip, 'audio/wav')}>
        Send
      </button>
      {chat.transcribedText && <p>You: {chat.transcribedText}</p>}
      {chat.aiResponse && <p>AI: {chat.aiResponse}</p>}
      {chat.error && <p role="alert">{chat.error.message}</p>}
    </main>
  );
}

function App({ url, WebSocket }: { url: string; WebSocket: WebSocketConstructor }) {
  return (
    <VoiceConversationProvider options={{ url, WebSocket, autoConnect: true }}>
      <ConnectionStatus />
      <Talk clip={clip} />
    </VoiceConversationProvider>
  );
}

let server: WsServer | undefined;
afterEach(async () => {
  cleanup();
  await server?.stop();
  server = undefined;
});

const shows = (text: string) => () => screen.queryByText(text) !== null;

test('the example app holds a full conversation with the default (tutor) dialect', async () => {
  server = await tutorServer({ heard: 'hello', reply: 'Hi there' });
  render(<App url={server.url} WebSocket={NodeWebSocket} />);
  await waitFor(shows('Status: ready'), { what: 'the handshake' });
  expect(received(server, 'init')).toHaveLength(1);
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  await waitFor(shows('AI: Hi there'), { what: 'the reply' });
  await waitFor(shows('Status: ready'), { what: 'the end of the turn' });
  expect(screen.getByText('You: hello')).toBeDefined();
  expect(screen.queryByRole('alert')).toBeNull();
  const [audio] = received(server, 'audio');
  expect(JSON.parse(audio as string).data).toBe(bytesToBase64(clip));
});
