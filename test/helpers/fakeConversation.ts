import { createActor } from 'xstate';
import { connectionMachine } from '../../machines/connection.machine.ts';
import { conversationMachine } from '../../machines/conversation.machine.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import type { Dialect } from '../../src/dialects/types.ts';
import { createSessionMachine, type SessionOptions } from '../../src/session.ts';
import { fakeSockets } from '../helpers/fakeSocket.ts';
import { NodeWebSocket } from './tutorServer.ts';

/**
 * A conversation actor (not started) whose connection is the real machine on fake sockets, provided
 * through `.provide()`: the test plays the network, and fake timers drive the backoff.
 */
export function fakeConversation(options: Partial<SessionOptions> & { dialect?: Dialect } = {}) {
  const net = fakeSockets();
  const session = createSessionMachine({
    url: 'ws://voice.test/ws',
    WebSocket: NodeWebSocket,
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
