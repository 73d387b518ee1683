// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { ReconnectOptions } from '../../machines/connection.options.ts';
import { ConnectionStatus, VoiceConversationProvider } from '../../src/react/index.ts';
import { connectionOf } from '../../src/selectors.ts';
import { fakeConversation } from '../helpers/fakeConversation.ts';

let stop = () => {};
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  stop();
  vi.useRealTimers();
});

/** A conversation on fake sockets showing only the indicator; `act` lets React catch up after each step. */
function mount(reconnect: ReconnectOptions = {}) {
  const { actor, net } = fakeConversation({ reconnect: { jitter: 0, ...reconnect } });
  stop = () => actor.stop();
  const view = render(
    <VoiceConversationProvider actor={actor}>
      <ConnectionStatus />
    </VoiceConversationProvider>,
  );
  const root = () => view.container.querySelector('.vox-status') as HTMLElement;
  return {
    actor,
    net,
    connection: connectionOf(actor),
    /** The indicator's colour, or undefined when it is hidden. */
    colour: () => root().dataset.color,
    text: () => screen.getByRole('status').textContent,
    button: () => screen.queryByRole('button', { name: 'Reconnect' }),
    step: (fn: () => void) => act(async () => fn()),
    advance: (ms: number) => act(async () => vi.advanceTimersByTime(ms)),
    open: () => act(async () => net.last.emit({ type: 'socket.open', protocol: '', at: Date.now() })),
    drop: () =>
      act(async () =>
        net.last.emit({ type: 'socket.close', code: 1006, reason: '', wasClean: false, at: Date.now() }),
      ),
  };
}

test('red before the first connect, yellow while connecting, green once open, then hidden', async () => {
  const ui = mount();
  expect(ui.colour()).toBe('red');
  expect(ui.text()).toBe('Not connected');
  await ui.step(() => ui.actor.send({ type: 'connect' }));
  expect(ui.colour()).toBe('yellow');
  expect(ui.text()).toBe('Connecting...');
  await ui.open();
  expect(ui.colour()).toBe('green');
  expect(ui.text()).toBe('Connected');
  await ui.advance(1_999);
  expect(ui.colour()).toBe('green');
  await ui.advance(1);
  expect(ui.colour()).toBeUndefined();
  expect(ui.text()).toBe('');
  expect(ui.button()).toBeNull();
  // The live region stays in the document while hidden, so its next change is announced.
  expect(screen.getByRole('status').getAttribute('aria-live')).toBe('polite');
});

test('orange while reconnecting, with the attempt and a countdown to it; red with a button when it gives up', async () => {
  const ui = mount({ initialDelayMs: 3_000, factor: 2, maxDelayMs: 10_000, maxAttempts: 2 });
  await ui.step(() => ui.actor.send({ type: 'connect' }));
  await ui.open();
  await ui.drop();
  expect(ui.colour()).toBe('orange');
  expect(ui.text()).toBe('Reconnecting... attempt 1 of 2 in 3 s');
  expect(screen.getByRole('timer').textContent).toBe(' in 3 s');
  await ui.advance(1_000);
  expect(ui.text()).toBe('Reconnecting... attempt 1 of 2 in 2 s');
  await ui.advance(1_000);
  expect(ui.text()).toBe('Reconnecting... attempt 1 of 2 in 1 s');
  await ui.advance(1_000);
  // The attempt is under way: no countdown.
  expect(ui.connection.getSnapshot().matches('connecting')).toBe(true);
  expect(ui.colour()).toBe('orange');
  expect(ui.text()).toBe('Reconnecting... attempt 1 of 2');
  await ui.drop();
  expect(ui.text()).toBe('Reconnecting... attempt 2 of 2 in 6 s');
  await ui.advance(6_000);
  await ui.drop();
  expect(ui.connection.getSnapshot().context.closedReason).toBe('exhausted');
  expect(ui.colour()).toBe('red');
  expect(ui.text()).toBe('Could not reconnect');
  expect(ui.button()).not.toBeNull();
});

test('the reconnect button appears after 5 s without a connection, and only then', async () => {
  const ui = mount({ initialDelayMs: 20_000, maxDelayMs: 20_000 });
  await ui.step(() => ui.actor.send({ type: 'connect' }));
  await ui.open();
  await ui.advance(10_000);
  await ui.drop();
  expect(ui.colour()).toBe('orange');
  await ui.advance(4_999);
  expect(ui.button()).toBeNull();
  await ui.advance(1);
  expect(ui.button()).not.toBeNull();
  // Back up: the button goes, and the 5 s count starts again at the next drop.
  await ui.advance(15_000);
  await ui.open();
  expect(ui.button()).toBeNull();
  await ui.drop();
  await ui.advance(4_999);
  expect(ui.button()).toBeNull();
});

test('a manual disconnect is red with the button after 5 s', async () => {
  const ui = mount();
  await ui.step(() => ui.actor.send({ type: 'connect' }));
  await ui.open();
  await ui.step(() => ui.actor.send({ type: 'disconnect' }));
  expect(ui.colour()).toBe('red');
  expect(ui.text()).toBe('Disconnected');
  expect(ui.button()).toBeNull();
  await ui.advance(5_000);
  expect(ui.button()).not.toBeNull();
});

test('the button is a labelled, focusable native button that sends reconnect: a new attempt, counted from 0', async () => {
  const ui = mount({ maxAttempts: 0 });
  await ui.step(() => ui.actor.send({ type: 'connect' }));
  await ui.drop();
  const button = ui.button() as HTMLButtonElement;
  expect(button).not.toBeNull();
  // Native <button type="button">: in the tab order, and Enter and Space click it in every browser.
  expect(button.tagName).toBe('BUTTON');
  expect(button.type).toBe('button');
  expect(button.disabled).toBe(false);
  expect(button.tabIndex).toBe(0);
  button.focus();
  expect(document.activeElement).toBe(button);
  // Its description is the status it acts on.
  const described = document.getElementById(button.getAttribute('aria-describedby') ?? '');
  expect(described?.textContent).toBe('Could not reconnect');
  const sockets = ui.net.sockets.length;
  // Events the app sent the conversation (no actor sent them).
  const sent: string[] = [];
  ui.actor.system.inspect((e) => {
    if (e.type === '@xstate.event' && e.actorRef === ui.actor && !e.sourceRef) sent.push(e.event.type);
  });
  await ui.step(() => fireEvent.click(button));
  expect(sent).toEqual(['reconnect']);
  expect(ui.net.sockets.length).toBe(sockets + 1);
  expect(ui.connection.getSnapshot().context.attempt).toBe(0);
  expect(ui.colour()).toBe('yellow');
  await ui.open();
  expect(ui.colour()).toBe('green');
  expect(ui.button()).toBeNull();
});
