import { fromCallback } from 'xstate';
import type { SocketCommand, SocketEvent, SocketInput } from '../../machines/connection.machine.ts';
import type { Frame } from '../../machines/frames.ts';

/** One socket the machine started: what it was given, what it wrote, whether it is still alive. */
export interface FakeSocket {
  input: SocketInput;
  written: Frame[];
  pings: number;
  aborted: boolean;
  stopped: boolean;
  /** Set by a test: the socket is closing, writes come back as `socket.unsent` (as the adapter's do). */
  refusing: boolean;
  emit: (event: DistributiveOmit<SocketEvent, 'socketId'>) => void;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** A socket adapter for pure machine tests: the test plays the network's part. */
export function fakeSockets() {
  const sockets: FakeSocket[] = [];
  const logic = fromCallback<SocketCommand, SocketInput>(({ input, sendBack, receive }) => {
    const socket: FakeSocket = {
      input,
      written: [],
      pings: 0,
      aborted: false,
      stopped: false,
      refusing: false,
      emit: (event) => sendBack({ ...event, socketId: input.socketId }),
    };
    sockets.push(socket);
    receive((command) => {
      if (command.type === 'abort') socket.aborted = true;
      else if (socket.refusing)
        sendBack({ type: 'socket.unsent', socketId: input.socketId, items: command.items });
      else {
        socket.written.push(...command.items.map((i) => i.frame));
        if (command.ping) socket.pings++;
      }
    });
    return () => {
      socket.stopped = true;
    };
  });
  return {
    logic,
    sockets,
    get last() {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket was opened');
      return socket;
    },
    alive: () => sockets.filter((s) => !s.stopped),
  };
}
