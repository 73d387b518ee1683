// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { Component, type ReactNode, StrictMode } from 'react';
import { afterEach, expect, test, vi } from 'vitest';
import type { ConversationActor } from '../../machines/conversation.machine.ts';
import { createVoiceConversation } from '../../src/conversation.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { useConversation, useReplyText, VoiceConversationProvider } from '../../src/react/index.ts';
import { sessionOf } from '../../src/selectors.ts';
import { fakeConversation } from '../helpers/fakeConversation.ts';
import { waitFor } from '../helpers/waitFor.ts';
import type { WsServer } from '../helpers/wsServer.ts';
import { NodeWebSocket, tutorServer } from './tutorServer.ts';

let server: WsServer | undefined;
afterEach(async () => {
  cleanup();
  await server?.stop();
  server = undefined;
  vi.restoreAllMocks();
});

/** Hands the provider's actor to the test. */
function Grab({ into }: { into: ConversationActor[] }) {
  into.push(useConversation());
  return null;
}

async function mountWithOptions(wrap: (node: ReactNode) => ReactNode = (node) => node) {
  server = await tutorServer();
  const seen: ConversationActor[] = [];
  const view = render(
    wrap(
      <VoiceConversationProvider options={{ url: server.url, WebSocket: NodeWebSocket, autoConnect: true }}>
        <Grab into={seen} />
      </VoiceConversationProvider>,
    ),
  );
  const actor = seen.at(-1) as ConversationActor;
  await waitFor(() => sessionOf(actor).getSnapshot().value === 'ready', { what: 'the handshake' });
  return { view, actor, seen, server };
}

test('given options, the provider creates and starts the actor on mount and stops it on unmount', async () => {
  const { view, actor, server } = await mountWithOptions();
  expect(actor.getSnapshot().status).toBe('active');
  expect(server.connections).toHaveLength(1);
  view.unmount();
  await waitFor(() => actor.getSnapshot().status === 'stopped', { what: 'the actor to stop' });
  await waitFor(() => server.last.closed !== null, { what: 'the socket to close' });
});

test('under StrictMode the provider keeps one actor and one connection through the double mount', async () => {
  const { view, actor, seen, server } = await mountWithOptions((node) => <StrictMode>{node}</StrictMode>);
  // Every render saw the same actor, it is running, and it opened one socket only.
  expect(new Set(seen).size).toBe(1);
  expect(actor.getSnapshot().status).toBe('active');
  expect(server.connections).toHaveLength(1);
  expect(server.last.closed).toBeNull();
  view.unmount();
  await waitFor(() => actor.getSnapshot().status === 'stopped', { what: 'the actor to stop' });
  await waitFor(() => server.last.closed !== null, { what: 'the socket to close' });
});

test('given an actor, the provider starts it and leaves stopping it to its owner', async () => {
  server = await tutorServer();
  const actor = createVoiceConversation({ url: server.url, WebSocket: NodeWebSocket, autoConnect: true });
  const view = render(<VoiceConversationProvider actor={actor} />);
  await waitFor(() => sessionOf(actor).getSnapshot().value === 'ready', { what: 'the handshake' });
  view.unmount();
  await act(async () => {});
  expect(actor.getSnapshot().status).toBe('active');
  actor.stop();
  await waitFor(() => server?.last.closed !== null, { what: 'the socket to close' });
});

test('a hook outside a provider throws a VoxError that says so', () => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  expect(() => render(<Grab into={[]} />)).toThrow(/inside a <VoiceConversationProvider>/);
});

class Boundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? (
      <p role="alert">Voice failed: {this.state.error.message}</p>
    ) : (
      this.props.children
    );
  }
}

function Reply() {
  return <p>{useReplyText()}</p>;
}

test('an actor that errors (here a dialect whose encoder throws) is thrown to the nearest error boundary', async () => {
  // React logs the caught error; that log is expected here.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const dialect = {
    ...tutor,
    encode: () => {
      throw new Error('encoder bug');
    },
  };
  const { actor, net } = fakeConversation({ dialect });
  const session = sessionOf(actor);
  render(
    <Boundary>
      <VoiceConversationProvider actor={actor}>
        <Reply />
      </VoiceConversationProvider>
    </Boundary>,
  );
  await act(async () => {
    actor.send({ type: 'connect' });
    net.last.emit({ type: 'socket.open', protocol: '', at: 0 });
  });
  expect(screen.getByRole('alert').textContent).toBe('Voice failed: encoder bug');
  expect(session.getSnapshot().status).toBe('error');
  expect(actor.getSnapshot().status).toBe('error');
});
