import WebSocket from 'ws';
import { createActor, fromCallback, type InspectionEvent } from 'xstate';
import { connectionMachine } from '../../machines/connection.machine.ts';
import type { Frame } from '../../machines/frames.ts';
import type {
  CaptureCommand,
  CaptureEvent,
  PlaybackCommand,
  PlaybackEvent,
  SessionEmitted,
} from '../../machines/session.types.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import type { CaptureFormat, Dialect } from '../../src/dialects/types.ts';
import { createSessionMachine, type SessionOptions } from '../../src/session.ts';
import { fakeSockets } from '../helpers/fakeSocket.ts';
import { parse, type ReplyOptions, scriptFor } from './scripts.ts';

/**
 * A playback adapter the test drives. `auto` answers `finish`/`stop` with `playback.ended` at once
 * (like the Node default); otherwise the test calls `end()` when it wants playback to be over.
 */
export function controlledPlayback(auto = true) {
  const commands: PlaybackCommand[] = [];
  let sendBack: ((event: PlaybackEvent) => void) | null = null;
  const logic = fromCallback<PlaybackCommand>(({ sendBack: back, receive }) => {
    sendBack = back;
    receive((command) => {
      commands.push(command);
      if (auto && (command.type === 'finish' || command.type === 'stop')) end();
    });
  });
  function send(event: PlaybackEvent) {
    if (!sendBack) throw new Error('playback was not started');
    sendBack(event);
  }
  function end() {
    send({ type: 'playback.ended', heardMs: 0, at: Date.now() });
  }
  return { logic, commands, send, end, kinds: () => commands.map((c) => c.type) };
}

/** A capture adapter the test drives: it records commands and reports what the test tells it to. */
export function controlledCapture() {
  const commands: CaptureCommand[] = [];
  let sendBack: ((event: CaptureEvent) => void) | null = null;
  const logic = fromCallback<CaptureCommand, { format: CaptureFormat }>(({ sendBack: back, receive }) => {
    sendBack = back;
    receive((command) => commands.push(command));
    return () => {
      sendBack = null;
    };
  });
  return {
    logic,
    commands,
    /** Whether the session currently runs a capture actor. */
    running: () => sendBack !== null,
    send(event: CaptureEvent) {
      if (!sendBack) throw new Error('capture is not running');
      sendBack(event);
    },
  };
}

export interface HarnessOptions extends Partial<Omit<SessionOptions, 'adapters'>> {
  /** Playback ends by itself on finish/stop (default true). */
  autoPlayback?: boolean;
  /** XState inspection of the session actor (and its children). */
  inspect?: (event: InspectionEvent) => void;
}

/**
 * The session machine with its connection child (the real connection machine on fake sockets) and
 * controlled capture and playback adapters. Building it is the costly part: tests that start many
 * sessions build one rig and start each session with `startSession`.
 */
export function sessionRig({ autoPlayback = true, inspect: _, ...options }: HarnessOptions = {}) {
  const net = fakeSockets();
  const playback = controlledPlayback(autoPlayback);
  const capture = controlledCapture();
  const dialect: Dialect = options.dialect ?? tutor;
  const { machine, input } = createSessionMachine({
    url: 'ws://voice.test/ws',
    WebSocket: WebSocket as never,
    threadId: 'thread-1',
    heartbeat: false,
    reconnect: { initialDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0, maxAttempts: 10 },
    ...options,
    dialect,
  });
  const provided = machine.provide({
    actors: {
      connection: connectionMachine.provide({ actors: { socket: net.logic } }),
      playback: playback.logic,
      capture: capture.logic,
    },
  });
  return { machine: provided, input, net, playback, capture, dialect, script: scriptFor(dialect.name) };
}

export type SessionRig = ReturnType<typeof sessionRig>;

/** A started session actor, recording everything it emits. Use with fake timers: nothing here waits. */
export function sessionHarness(options: HarnessOptions = {}) {
  return startSession(sessionRig(options), options.inspect);
}

/** Starts a session on a rig; what the rig's adapters recorded for an earlier session is cleared. */
export function startSession(rig: SessionRig, inspect?: (event: InspectionEvent) => void) {
  const { machine, input, net, playback, capture, dialect, script } = rig;
  net.sockets.length = 0;
  playback.commands.length = 0;
  capture.commands.length = 0;
  const actor = createActor(machine, { input, ...(inspect && { inspect }) });
  const emitted: SessionEmitted[] = [];
  actor.on('*', (event) => {
    if (event.type.startsWith('session.')) emitted.push(event as SessionEmitted);
  });
  actor.start();

  const snapshot = () => actor.getSnapshot();
  const context = () => snapshot().context;
  const of = <T extends SessionEmitted['type']>(type: T) =>
    emitted.filter((e): e is Extract<SessionEmitted, { type: T }> => e.type === type);

  const h = {
    actor,
    machine,
    input,
    script,
    net,
    playback,
    capture,
    dialect,
    emitted,
    of,
    context,
    value: () => snapshot().value,
    /** The state as a dotted path: `processing.thinking`, `idle.offline`, ... */
    state: () => dotted(snapshot().value),
    errorCodes: () => of('session.error').map((e) => e.error.code),
    warningCodes: () => of('session.warning').map((e) => e.error.code),
    /** Everything written to every socket so far, in order. */
    written: (): Frame[] => net.sockets.flatMap((s) => s.written),
    /** Frames written, parsed when JSON text (binary frames stay as bytes). */
    sent: () => h.written().map(parse),
    /** Opens the current socket (after `connect` or a retry). */
    open: (protocol = '') => net.last.emit({ type: 'socket.open', protocol, at: Date.now() }),
    /** The server sends one frame; objects are sent as JSON text. */
    server: (...frames: (Frame | object)[]) => {
      for (const frame of frames) {
        const data = typeof frame === 'string' || frame instanceof Uint8Array ? frame : JSON.stringify(frame);
        net.last.emit({ type: 'socket.message', data, at: Date.now() });
      }
    },
    /** The socket dies without a closing handshake. */
    drop: () =>
      net.last.emit({ type: 'socket.close', code: 1006, reason: '', wasClean: false, at: Date.now() }),
    /** Connects and opens the socket; the handshake is left to the test. */
    connect: () => {
      actor.send({ type: 'connect' });
      h.open();
    },
    /** Connects and completes the dialect's handshake: the session is then `ready`. */
    ready: () => {
      h.connect();
      if (script.ready !== null) h.server(script.ready);
    },
    /** The server plays a clean reply to the current turn. */
    reply: (options: Partial<ReplyOptions> = {}) =>
      h.server(...script.reply({ user: 'hello', words: ['Hi', ' there'], ...options })),
    send: (event: Parameters<typeof actor.send>[0]) => actor.send(event),
    sendAudio: (audio = new Uint8Array([1, 2, 3, 4]), mimeType = 'audio/wav') =>
      actor.send({ type: 'audio.send', audio, mimeType }),
    turns: () => context().transcript,
  };
  return h;
}

export type SessionHarness = ReturnType<typeof sessionHarness>;

export function dotted(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  return `${key}.${dotted(inner)}`;
}
