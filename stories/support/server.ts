import { fromCallback } from 'xstate';
import type { SocketCommand, SocketEvent, SocketInput } from '../../machines/connection.machine.ts';
import type { TutorClientMessage, TutorServerMessage } from '../../src/dialects/tutor.ts';

/** How the server treats a socket the client opens: never answer, refuse it, or accept it. */
export type Answer = 'silent' | 'refuse' | 'accept';

/** Gap between two messages of a reply, so that a viewer sees the text stream in. */
const PACE_MS = 30;

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/**
 * A seed 004 (`tutor`) server behind a fake socket adapter, for the connection machine's `socket`
 * actor: it answers `init` with `initialized`, pings with `pong`, and each audio turn with `reply`,
 * one message every few milliseconds. A reply that ends early leaves the turn where it stopped.
 */
export function tutorServer(options: { answer?: Answer; reply?: TutorServerMessage[] } = {}) {
  let dropOpen: (() => void) | null = null;
  const server = {
    /** How sockets opened from now on are answered. */
    answer: options.answer ?? 'accept',
    /** What the server sends in answer to a user turn. */
    reply: options.reply ?? [],
    /** The client's messages, in order. */
    received: [] as TutorClientMessage[],
    /** Closes the open socket abnormally (1006), as a dropped network or a crashed server does. */
    drop: () => dropOpen?.(),
    logic: fromCallback<SocketCommand, SocketInput>(({ input, sendBack, receive }) => {
      const emit = (event: DistributiveOmit<SocketEvent, 'socketId'>) =>
        sendBack({ ...event, socketId: input.socketId } as SocketEvent);
      const timers = new Set<ReturnType<typeof setTimeout>>();
      const later = (ms: number, run: () => void) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          run();
        }, ms);
        timers.add(timer);
      };
      const cancelAll = () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
      };
      const close = () => {
        cancelAll();
        if (dropOpen === close) dropOpen = null;
        emit({ type: 'socket.close', code: 1006, reason: '', wasClean: false, at: Date.now() });
      };
      const send = (message: TutorServerMessage) =>
        emit({ type: 'socket.message', data: JSON.stringify(message), at: Date.now() });

      if (server.answer === 'refuse') later(0, close);
      if (server.answer === 'accept') {
        later(0, () => {
          dropOpen = close;
          emit({ type: 'socket.open', protocol: '', at: Date.now() });
        });
      }

      const answer = (message: TutorClientMessage) => {
        server.received.push(message);
        if (message.action === 'init')
          send({ event: 'initialized', thread_id: message.thread_id, kb_id: 'kb' });
        else if (message.action === 'ping') send({ event: 'pong' });
        else if (message.action === 'interrupt')
          cancelAll(); // the rest of the reply is not sent
        else server.reply.forEach((reply, i) => later(PACE_MS * (i + 1), () => send(reply)));
      };
      receive((command) => {
        if (command.type === 'abort') return;
        for (const item of command.items) answer(JSON.parse(String(item.frame)) as TutorClientMessage);
        if (command.ping) emit({ type: 'socket.pinged', at: Date.now() });
      });
      return () => {
        cancelAll();
        if (dropOpen === close) dropOpen = null;
      };
    }),
  };
  return server;
}

export type TutorServer = ReturnType<typeof tutorServer>;
