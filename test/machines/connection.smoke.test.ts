import { createActor } from 'xstate';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { connectionMachine } from '../../machines/connection.machine.ts';
import { connectionSettings } from '../../machines/connection.options.ts';
import { fakeSockets } from '../helpers/fakeSocket.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

test('smoke', () => {
  const net = fakeSockets();
  const settings = connectionSettings({
    url: 'ws://x',
    heartbeat: { ping: () => 'ping', isPong: (f) => f === 'pong', intervalMs: 1000, timeoutMs: 500 },
    reconnect: { jitter: 0 },
  });
  const actor = createActor(connectionMachine.provide({ actors: { socket: net.logic } }), { input: { settings } });
  const seen: string[] = [];
  actor.on('*', (e) => seen.push(e.type === 'connection.status' ? `${e.status}` : e.type));
  actor.start();
  actor.send({ type: 'send', frame: 'a' });
  actor.send({ type: 'connect' });
  expect(actor.getSnapshot().value).toEqual({ connecting: 'opening' });
  net.last.emit({ type: 'socket.open', protocol: '', at: 0 });
  expect(actor.getSnapshot().value).toEqual({ open: 'healthy' });
  expect(net.last.written).toEqual(['a']);
  vi.advanceTimersByTime(1000);
  expect(actor.getSnapshot().value).toEqual({ open: 'awaitingPong' });
  expect(net.last.written).toEqual(['a', 'ping']);
  vi.advanceTimersByTime(500);
  expect(actor.getSnapshot().value).toBe('reconnecting');
  expect(net.last.aborted).toBe(true);
  expect(seen).toContain('connection.lost');
  vi.advanceTimersByTime(250);
  expect(actor.getSnapshot().value).toEqual({ connecting: 'opening' });
  expect(net.alive()).toHaveLength(1);
  console.log(seen);
});
