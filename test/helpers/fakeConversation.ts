import { createActor } from 'xstate';
import { connectionMachine } from '../../machines/connection.machine.ts';
import { conversationMachine } from '../../machines/conversation.machine.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import type { Dialect } from '../../src/dialects/types.ts';
import { createSessionMachine, type SessionOptions } from '../../src/session.ts';
import { fakeSockets } from './fakeSocket.ts';

/**
 * A conversation actor (not started) whose connection is the real machine on fake sockets, provided
 * through `.provide()`: the test plays the network (and fake timers, where used, drive the backoff).
 */
export function fakeConversation(options: Partial<SessionOptions> & { dialect?: Dialect } = {}) {
  const net = fakeSockets();
  const session = createSessionMachine({
    url: 'ws://voice.test/ws',
    // Never constructed: the socket adapter is the fake one. Node and browser alike.
    WebSocket: class {} as unknown as WebSocketConstructor,
    threadId: 'thread-1',
    heartbeat: false,
    ...options,
    dialect: options.dialect ?? tutor,
  });
  const machine = conversationMachine.provide({
    actors: {
      session: session.machine.provide({
        actors: { connection: connectionMachine.provide({ actors: { socket: net.logic } }) },
      }),
    },
  });
  const actor = createActor(machine, {
    input: { session: session.input, bargeIn: { confirmMs: 150 }, autoConnect: false },
  });
  return { actor, net };
}
