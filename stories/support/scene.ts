import { createActor, waitFor } from 'xstate';
import { connectionMachine } from '../../machines/connection.machine.ts';
import type { ReconnectOptions } from '../../machines/connection.options.ts';
import { conversationMachine } from '../../machines/conversation.machine.ts';
import type { WebSocketConstructor } from '../../src/adapters/websocket.ts';
import type { TutorServerMessage } from '../../src/dialects/tutor.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { type SessionSnapshot, sessionOf } from '../../src/selectors.ts';
import { createSessionMachine } from '../../src/session.ts';
import { fakeCapture, fakePlayback, type Microphone, type Speakers } from './devices.ts';
import { type Answer, tutorServer } from './server.ts';

/** Where a story's conversation starts from, and the steps that take it to the state it shows. */
export interface Scene {
  answer?: Answer;
  reply?: TutorServerMessage[];
  microphone?: Microphone;
  speakers?: Speakers;
  reconnect?: ReconnectOptions;
  /** How long speech over the agent must last before it stops the reply (the library's default: 150 ms). */
  confirmMs?: number;
  run(stage: Stage): Promise<void>;
}

/** Generous: a loaded machine is slow, and only a broken scene waits this long. */
const TIMEOUT_MS = 10_000;
/** How long the user talks in a recorded turn, so the level meter has moved before it is sent. */
const TALK_MS = 400;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A conversation on the real machines, with the socket, microphone and speakers provided as fakes
 * (`.provide()`): the scripted server answers through the fake socket, and `run` drives it with the
 * events a user and the browser would cause.
 */
export function stageConversation(scene: Scene) {
  const server = tutorServer({ answer: scene.answer, reply: scene.reply });
  const session = createSessionMachine({
    url: 'ws://voice.example/api/ws/voice',
    // Never constructed: the socket adapter is the fake one.
    WebSocket: class {} as unknown as WebSocketConstructor,
    dialect: tutor,
    threadId: 'story-thread',
    reconnect: scene.reconnect,
    adapters: {
      capture: fakeCapture(scene.microphone ?? 'voice'),
      playback: fakePlayback(scene.speakers ?? 'play'),
    },
  });
  const machine = conversationMachine.provide({
    actors: {
      session: session.machine.provide({
        actors: { connection: connectionMachine.provide({ actors: { socket: server.logic } }) },
      }),
    },
  });
  const actor = createActor(machine, {
    input: { session: session.input, bargeIn: { confirmMs: scene.confirmMs ?? 150 }, autoConnect: false },
  });
  const until = (predicate: (s: SessionSnapshot) => boolean) =>
    waitFor(sessionOf(actor), predicate, { timeout: TIMEOUT_MS });

  const stage = {
    actor,
    server,
    until,
    connect: () => actor.send({ type: 'connect' }),
    /** Connected, the handshake done: ready for a turn. */
    async ready() {
      stage.connect();
      await until((s) => s.matches('ready'));
    },
    /** The user holds the talk button, speaks, and lets go. */
    async speak() {
      actor.send({ type: 'record.start' });
      await until((s) => s.matches('recording') && s.context.level > 0);
      await pause(TALK_MS);
      actor.send({ type: 'record.stop' });
      await until((s) => !s.matches('recording'));
    },
    /** The voice-activity adapter hears the user start talking over the agent. */
    userSpeaksOver: () => actor.send({ type: 'speech.start', at: performance.now() }),
  };
  return stage;
}

export type Stage = ReturnType<typeof stageConversation>;
