import {
  type ActorRefFrom,
  type AnyActorRef,
  and,
  assign,
  enqueueActions,
  fromCallback,
  not,
  raise,
  sendTo,
  setup,
} from 'xstate';
import type { ClientIntent, Dialect, ServerEvent, Stage } from '../src/dialects/types.ts';
import { VoxError } from '../src/errors.ts';
import { type ConnectionEmitted, type ConnectionStatus, connectionMachine } from './connection.machine.ts';
import type { ConnectionSettings } from './connection.options.ts';
import { type Frame, type FrameKind, frameBytes } from './frames.ts';
import type {
  CaptureCommand,
  CaptureEvent,
  Clip,
  PlaybackCommand,
  PlaybackEvent,
  SessionEmitted,
  SessionEvent,
  TimedServerEvent,
  Turn,
} from './session.types.ts';

export interface SessionInput {
  dialect: Dialect;
  threadId: string;
  /** Settings of the connection this session owns (its child actor `connection`). */
  connection: ConnectionSettings;
  /** A turn fails when the server stays silent this long while a reply is due. */
  replyTimeoutMs: number;
  /** Longest recording; null derives it from the message size limit (seed 004: about 24 s). */
  maxRecordingMs: number | null;
  /** Turns kept in the transcript. */
  maxTurns: number;
  /**
   * What happens to the audio of a turn the connection lost. `manual` (default): it is kept and sent
   * again only on `turn.retry`, so nothing reaches the server twice unasked. `unanswered`: after the
   * reconnect it is resent once by itself if no event of its reply had arrived.
   */
  resend: 'unanswered' | 'manual';
  /**
   * Hands-free turn-taking: the user's speech (voice activity) starts a recording, and `silenceMs` of
   * silence after it ends the turn. Push-to-talk (`record.start`/`record.stop`) and `record.toggle`
   * work in either mode.
   */
  handsFree: boolean;
  silenceMs: number;
  /**
   * Hands-free, whole-clip dialects: a recording with less speech than this (a click, a knock) is
   * dropped, not sent. Streaming dialects have sent their frames already; the server's VAD decides.
   */
  minSpeechMs: number;
  /** Receives every emitted event too (the conversation that owns this session). */
  owner?: AnyActorRef;
}

export interface SessionContext extends Omit<SessionInput, 'owner'> {
  owner: AnyActorRef | undefined;
  link: ConnectionStatus;
  /** The dialect's handshake completed on the current socket. */
  initialised: boolean;
  maxMessageBytes: number;
  sampleRate: number;
  turn: Turn | null;
  /** The user's audio for the current turn, kept until the turn completes. */
  clip: Clip | null;
  /** The audio of the last failed turn, for `turn.retry`. */
  failedClip: Clip | null;
  autoResend: boolean;
  transcript: Turn[];
  nextTurnId: number;
  error: VoxError | null;
  /** Reply ids of interrupted or failed replies: their late frames are dropped, however late. */
  droppedReplies: string[];
  /** Dropping the rest of a reply that carries no id, until its end or the next turn's first event. */
  draining: boolean;
  /** Playback waits for a user gesture (autoplay policy). */
  blocked: boolean;
  /** Input level 0..1 while recording, for a meter. */
  level: number;
  /** Hands-free: speech heard in this recording (ms), and where the current stretch began. */
  spokenMs: number;
  speakingSince: number | null;
}

const DROPPED_REPLIES_KEPT = 8;
/** JSON and field overhead allowed for in a turn's audio message. */
const MESSAGE_OVERHEAD = 256;

const isReplyContent = (e: ServerEvent) =>
  e.type === 'server.token' ||
  e.type === 'server.reply' ||
  e.type === 'server.audio' ||
  (e.type === 'server.stage' && e.stage !== 'transcribing');
const startsNewReply = (e: ServerEvent) =>
  e.type === 'server.transcript' || (e.type === 'server.stage' && e.stage === 'transcribing');
const endsReply = (e: ServerEvent) => e.type === 'server.done' || e.type === 'server.error';

/**
 * A clip's frames, encoded once: the size check and the send both need them, and base64 of a long
 * clip is the costliest thing a turn does on the client. Keyed by the clip's bytes, so nothing is kept
 * once the clip is gone.
 */
const clipFrames = new WeakMap<Uint8Array, { dialect: Dialect; mimeType: string; frames: Frame[] }>();
function encodeClip(dialect: Dialect, audio: Uint8Array, mimeType: string): Frame[] {
  const cached = clipFrames.get(audio);
  if (cached?.dialect === dialect && cached.mimeType === mimeType) return cached.frames;
  const frames = dialect.encode({ type: 'audio', audio, mimeType });
  clipFrames.set(audio, { dialect, mimeType, frames });
  return frames;
}

/** The longest WAV turn (16-bit mono, base64 in JSON) that still fits in one message. */
export function maxRecordingFor(
  context: Pick<SessionContext, 'maxRecordingMs' | 'maxMessageBytes' | 'sampleRate' | 'dialect'>,
) {
  if (context.maxRecordingMs !== null) return context.maxRecordingMs;
  if (context.dialect.transport === 'stream') return 60_000;
  const wavBytes = ((context.maxMessageBytes - MESSAGE_OVERHEAD) * 3) / 4 - 44;
  return Math.floor(wavBytes / ((context.sampleRate * 2) / 1000));
}

function newTurn(id: number): Turn {
  return {
    id,
    user: null,
    agent: '',
    replyId: null,
    at: { firstEvent: null, transcript: null, firstToken: null, firstAudio: null, done: null },
    interrupted: false,
    failed: null,
    resent: false,
  };
}

type Told = SessionEmitted | ConnectionEmitted;

/** Every emitted event goes to `actor.on` listeners and to the owner, when there is one. */
function tell(
  enqueue: { emit(event: Told): void; sendTo(to: AnyActorRef, event: Told): void },
  context: Pick<SessionContext, 'owner'>,
  event: Told,
) {
  enqueue.emit(event);
  if (context.owner) enqueue.sendTo(context.owner, event);
}

/** A dialect must never throw, but a custom one might: its bug becomes an error event, not a crash. */
function safeDecode(dialect: Dialect, frame: Frame): ServerEvent[] | VoxError {
  try {
    return dialect.decode(frame);
  } catch (cause) {
    return new VoxError(
      'dialect',
      'dialect.internal',
      `The ${dialect.name} dialect failed on a frame: ${String(cause)}`,
      {
        cause,
      },
    );
  }
}

const warning = (code: string, message: string) => new VoxError('session', code, message);

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent | { type: 'link.down' },
    input: {} as SessionInput,
    emitted: {} as SessionEmitted | ConnectionEmitted,
  },
  actors: {
    connection: connectionMachine,
    /** The capture adapter (microphone); in Node there is none: send clips with `audio.send`. */
    capture: fromCallback<CaptureCommand, { format: Dialect['capture'] }>(({ sendBack }) => {
      sendBack({
        type: 'capture.error',
        error: new VoxError(
          'capture',
          'capture.unavailable',
          'No capture adapter is configured: provide one, or send recorded audio with `audio.send`',
        ),
      } satisfies CaptureEvent);
    }),
    /** The playback adapter; this default (Node) has nothing to play, so a reply ends once received. */
    playback: fromCallback<PlaybackCommand>(({ sendBack, receive }) => {
      receive((command) => {
        if (command.type === 'finish')
          sendBack({ type: 'playback.ended', heardMs: 0, at: 0 } satisfies PlaybackEvent);
        if (command.type === 'stop')
          sendBack({ type: 'playback.stopped', heardMs: 0, at: 0 } satisfies PlaybackEvent);
      });
    }),
  },
  delays: {
    replyTimeout: ({ context }) => context.replyTimeoutMs,
    silence: ({ context }) => context.silenceMs,
    maxRecording: ({ context }) => maxRecordingFor(context),
  },
  guards: {
    linkOpen: ({ context }) => context.link === 'open',
    statusOpen: ({ event }) => event.type === 'connection.status' && event.status === 'open',
    needsHandshake: ({ context }) => context.dialect.handshake,
    isStreaming: ({ context }) => context.dialect.transport === 'stream',
    tooLittleSpeech: ({ context }) =>
      context.spokenMs < context.minSpeechMs && context.dialect.transport !== 'stream',
    handsFree: ({ context }) => context.handsFree,
    initialised: ({ context }) => context.initialised,
    clipTooLarge: ({ context, event }) =>
      event.type === 'audio.send' &&
      encodeClip(context.dialect, event.audio, event.mimeType).some(
        (f) => frameBytes(f) > context.maxMessageBytes,
      ),
    hasFailedClip: ({ context }) => context.failedClip !== null,
    stageIs: ({ event }, params: { stage: Stage }) =>
      event.type === 'server.stage' && event.stage === params.stage,
    speechEnded: ({ event }) => event.type === 'server.speech' && event.state === 'ended',
  },
  actions: {
    forward: sendTo('connection', ({ event }) => event),
    /** A turn fails with its link: frames still queued for it must not reach the next connection. */
    discardQueued: sendTo('connection', { type: 'discard' }),
    trackLink: assign(({ event }) =>
      event.type === 'connection.status'
        ? { link: event.status, ...(event.status === 'open' ? {} : { initialised: false }) }
        : {},
    ),
    relay: enqueueActions(({ context, event, enqueue }) => {
      if (event.type.startsWith('connection.')) tell(enqueue, context, event as ConnectionEmitted);
    }),
    /** Decodes a server frame; drops what belongs to an interrupted reply; raises the rest in order. */
    decode: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'connection.message') return;
      const decoded = safeDecode(context.dialect, event.data);
      if (decoded instanceof VoxError) {
        tell(enqueue, context, { type: 'session.error', error: decoded });
        return;
      }
      let draining = context.draining;
      for (const e of decoded) {
        if ('replyId' in e && e.replyId !== undefined && context.droppedReplies.includes(e.replyId)) continue;
        if (draining && (endsReply(e) || isReplyContent(e))) {
          if (endsReply(e)) draining = false;
          continue;
        }
        if (draining && startsNewReply(e)) draining = false;
        enqueue.raise({ ...e, at: event.at } as TimedServerEvent);
      }
      if (draining !== context.draining) enqueue.assign({ draining });
    }),
    transmit: enqueueActions(({ context, enqueue }, params: { intent: ClientIntent; kind: FrameKind }) => {
      for (const frame of context.dialect.encode(params.intent)) {
        enqueue.sendTo('connection', { type: 'send', frame, kind: params.kind } as {
          type: 'send';
          frame: Frame;
        });
      }
    }),
    sendInit: enqueueActions(({ context, enqueue }) => {
      for (const frame of context.dialect.encode({ type: 'init', threadId: context.threadId })) {
        enqueue.sendTo('connection', { type: 'send', frame, kind: 'control' });
      }
    }),
    handshakeDone: enqueueActions(({ context, event, enqueue }) => {
      const ready = event.type === 'server.ready' ? event : null;
      enqueue.assign({
        initialised: true,
        maxMessageBytes: ready?.maxMessageBytes ?? context.maxMessageBytes,
        sampleRate: ready?.sampleRate ?? context.sampleRate,
      });
      if (ready?.maxMessageBytes)
        enqueue.sendTo('connection', { type: 'limits', maxMessageBytes: ready.maxMessageBytes });
      enqueue.sendTo('connection', { type: 'handshake.done' });
    }),
    startTurn: assign(({ context, event }) => {
      const retry = event.type === 'turn.retry';
      const clip =
        event.type === 'audio.send'
          ? { audio: event.audio, mimeType: event.mimeType }
          : retry
            ? context.failedClip
            : null;
      return {
        turn: { ...newTurn(context.nextTurnId), resent: retry },
        nextTurnId: context.nextTurnId + 1,
        clip,
        failedClip: retry ? null : context.failedClip,
        autoResend: false,
        error: null,
        level: 0,
      };
    }),
    sendClip: enqueueActions(({ context, enqueue }) => {
      const clip = context.clip;
      if (!clip) return;
      for (const frame of encodeClip(context.dialect, clip.audio, clip.mimeType)) {
        enqueue.sendTo('connection', { type: 'send', frame, kind: 'app' });
      }
      if (context.dialect.transport === 'stream') {
        for (const frame of context.dialect.encode({ type: 'audio.end' })) {
          enqueue.sendTo('connection', { type: 'send', frame, kind: 'app' });
        }
      }
    }),
    sendFrame: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'capture.frame' || context.dialect.transport !== 'stream') return;
      for (const frame of context.dialect.encode({ type: 'audio.frame', audio: event.audio })) {
        enqueue.sendTo('connection', { type: 'send', frame, kind: 'realtime', at: event.at });
      }
    }),
    /** A streamed recording went out as frames: there is no clip to keep for a resend. */
    keepRecording: assign(({ event }) =>
      event.type === 'capture.done'
        ? { clip: event.audio ? { audio: event.audio, mimeType: event.mimeType } : null }
        : {},
    ),
    /** A recorded turn: turn-based dialects send the file now; streaming ones already sent frames. */
    sendRecording: enqueueActions(({ context, enqueue }) => {
      const clip = context.clip;
      const intent: ClientIntent | null =
        context.dialect.transport === 'stream'
          ? { type: 'audio.end' }
          : clip && { type: 'audio', audio: clip.audio, mimeType: clip.mimeType };
      if (!intent) return;
      for (const frame of context.dialect.encode(intent)) {
        enqueue.sendTo('connection', { type: 'send', frame, kind: 'app' });
      }
    }),
    stopCapture: sendTo('capture', { type: 'stop' } satisfies CaptureCommand),
    level: assign(({ event }) => (event.type === 'capture.level' ? { level: event.rms } : {})),
    armWatchdog: enqueueActions(({ enqueue }) => {
      enqueue.cancel('watchdog');
      enqueue.raise({ type: 'turn.stalled' }, { id: 'watchdog', delay: 'replyTimeout' });
    }),
    disarmWatchdog: enqueueActions(({ enqueue }) => enqueue.cancel('watchdog')),
    /** Hands-free: the turn ends after `silenceMs` without speech, unless the user speaks again. */
    armSilence: enqueueActions(({ enqueue }) => {
      enqueue.cancel('silence');
      enqueue.raise({ type: 'turn.silence' }, { id: 'silence', delay: 'silence' });
    }),
    disarmSilence: enqueueActions(({ enqueue }) => enqueue.cancel('silence')),
    /**
     * A recording started by the user's speech counts it from its onset; one started by a button or a
     * barge-in hand-over is the user's decision and counts as enough speech.
     */
    startCounting: assign(({ context, event }) =>
      event.type === 'speech.start'
        ? { spokenMs: 0, speakingSince: event.at }
        : { spokenMs: context.minSpeechMs, speakingSince: null },
    ),
    countSpeech: assign(({ context, event }) => {
      if (event.type === 'speech.start') return { speakingSince: context.speakingSince ?? event.at };
      if (event.type !== 'speech.end' || context.speakingSince === null) return {};
      return { spokenMs: context.spokenMs + event.at - context.speakingSince, speakingSince: null };
    }),
    dropRecording: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ turn: null, level: 0 });
      tell(enqueue, context, {
        type: 'session.warning',
        error: warning(
          'speech.tooShort',
          `Heard ${Math.round(context.spokenMs)} ms of speech, less than ${context.minSpeechMs} ms: the recording was dropped, not sent`,
        ),
      });
    }),
    /** Records a server event on the current turn: texts, reply id, milestone timestamps. */
    note: assign(({ context, event }) => {
      const turn = context.turn;
      if (!turn || !('at' in event) || !event.type.startsWith('server.')) return {};
      const e = event as TimedServerEvent;
      const at = { ...turn.at, firstEvent: turn.at.firstEvent ?? e.at };
      const next: Turn = { ...turn, at, replyId: ('replyId' in e && e.replyId) || turn.replyId };
      if (e.type === 'server.transcript') {
        next.user = e.final || turn.user === null ? e.text : turn.user;
        at.transcript = at.transcript ?? e.at;
      } else if (e.type === 'server.token') {
        next.agent = turn.agent + e.text;
        at.firstToken = at.firstToken ?? e.at;
      } else if (e.type === 'server.reply') {
        next.agent = e.text;
      } else if (e.type === 'server.audio') {
        at.firstAudio = at.firstAudio ?? e.at;
      } else if (e.type === 'server.done') {
        at.done = e.at;
      }
      return { turn: next };
    }),
    warnEmptyTranscript: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'server.transcript' && event.final && event.text.trim() === '') {
        tell(enqueue, context, {
          type: 'session.warning',
          error: warning('transcript.empty', 'The server heard no words in this turn; the reply continues'),
        });
      }
    }),
    play: sendTo('playback', ({ context, event }) => {
      const e = event as Extract<TimedServerEvent, { type: 'server.audio' }>;
      return {
        type: 'play',
        reply: context.turn?.id ?? 0,
        audio: e.audio,
        mimeType: e.mimeType,
        sampleRate: e.sampleRate,
        whole: e.whole,
      } satisfies PlaybackCommand;
    }),
    finishPlayback: sendTo(
      'playback',
      ({ context }) => ({ type: 'finish', reply: context.turn?.id ?? 0 }) satisfies PlaybackCommand,
    ),
    stopPlayback: sendTo(
      'playback',
      ({ context }) => ({ type: 'stop', reply: context.turn?.id ?? 0 }) satisfies PlaybackCommand,
    ),
    sendInterrupt: enqueueActions(({ context, enqueue }) => {
      const replyId = context.turn?.replyId ?? undefined;
      for (const frame of context.dialect.encode({ type: 'interrupt', replyId })) {
        enqueue.sendTo('connection', { type: 'send', frame, kind: 'control' });
      }
    }),
    /** Ends the current turn; the rest of an unfinished reply is dropped when it comes. */
    endTurn: enqueueActions(
      ({ context, enqueue }, params: { failed?: string; interrupted?: boolean; replyOpen?: boolean }) => {
        const turn = context.turn;
        if (!turn) return;
        const done: Turn = {
          ...turn,
          failed: params.failed ?? null,
          interrupted: params.interrupted ?? false,
        };
        const replyOpen = params.replyOpen ?? false;
        const failedClip = params.failed ? context.clip : null;
        enqueue.assign({
          turn: null,
          clip: null,
          transcript: [...context.transcript, done].slice(-context.maxTurns),
          droppedReplies:
            replyOpen && turn.replyId
              ? [...context.droppedReplies, turn.replyId].slice(-DROPPED_REPLIES_KEPT)
              : context.droppedReplies,
          draining: replyOpen && !turn.replyId && context.link === 'open',
          failedClip,
          autoResend:
            failedClip !== null &&
            params.failed === 'connection.lost' &&
            turn.at.firstEvent === null &&
            // Once: a resent turn lost again waits for `turn.retry`.
            !turn.resent &&
            context.resend === 'unanswered',
        });
        enqueue.cancel('watchdog');
        tell(enqueue, context, { type: 'session.turn', turn: done });
      },
    ),
    fail: enqueueActions(({ context, event, enqueue }, params: { code: string }) => {
      const detail = event.type === 'server.error' ? `: ${event.message}` : '';
      const text: Record<string, string> = {
        'reply.timeout': `No reply from the server within ${context.replyTimeoutMs} ms`,
        'server.error': `The server reported an error${detail}`,
        'connection.lost': 'The connection was lost during the turn',
      };
      const error = new VoxError('session', params.code, text[params.code] ?? params.code, {
        details: { turn: context.turn?.id ?? null, resendable: context.clip !== null },
      });
      enqueue.assign({ error });
      tell(enqueue, context, { type: 'session.error', error });
    }),
    reportCaptureError: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'capture.error') return;
      enqueue.assign({ error: event.error, turn: null, clip: null, level: 0 });
      tell(enqueue, context, { type: 'session.error', error: event.error });
    }),
    refuseClip: enqueueActions(({ context, enqueue }) => {
      const error = new VoxError(
        'session',
        'audio.tooLarge',
        `The clip does not fit in one message of ${context.maxMessageBytes} bytes: record at most ${Math.floor(maxRecordingFor(context) / 1000)} s`,
      );
      tell(enqueue, context, { type: 'session.error', error });
    }),
    warnRecordingLimit: enqueueActions(({ context, enqueue }) => {
      tell(enqueue, context, {
        type: 'session.warning',
        error: warning(
          'recording.limit',
          `Recording stopped at its ${Math.round(maxRecordingFor(context) / 1000)} s limit and was sent`,
        ),
      });
    }),
    warnUnexpected: enqueueActions(({ context, event, enqueue }) => {
      tell(enqueue, context, {
        type: 'session.warning',
        error: warning('event.unexpected', `Ignored ${event.type} that arrived with no reply in progress`),
      });
    }),
    speaking: enqueueActions(({ context, enqueue }, params: { speaking: boolean }) => {
      tell(enqueue, context, { type: 'session.speaking', speaking: params.speaking });
    }),
    blocked: assign({ blocked: true }),
    unblocked: assign({ blocked: false }),
    resumePlayback: sendTo('playback', { type: 'resume' } satisfies PlaybackCommand),
    retryIfUnanswered: enqueueActions(({ context, enqueue }) => {
      if (context.autoResend && context.failedClip) enqueue.raise({ type: 'turn.retry' });
    }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    ...input,
    owner: input.owner,
    link: 'closed',
    initialised: false,
    maxMessageBytes: input.connection.maxMessageBytes,
    sampleRate: input.dialect.capture.sampleRate,
    turn: null,
    clip: null,
    failedClip: null,
    autoResend: false,
    transcript: [],
    nextTurnId: 1,
    error: null,
    droppedReplies: [],
    draining: false,
    blocked: false,
    level: 0,
    spokenMs: 0,
    speakingSince: null,
  }),
  invoke: [
    {
      id: 'connection',
      systemId: 'connection',
      src: 'connection',
      input: ({ context, self }) => ({ settings: context.connection, owner: self }),
    },
    { id: 'playback', systemId: 'playback', src: 'playback' },
  ],
  initial: 'idle',
  on: {
    connect: { actions: 'forward' },
    disconnect: { actions: 'forward' },
    reconnect: { actions: 'forward' },
    'connection.status': [
      { guard: 'statusOpen', actions: ['trackLink', 'relay'] },
      { actions: ['trackLink', 'relay', 'discardQueued', raise({ type: 'link.down' })] },
    ],
    'connection.message': { actions: 'decode' },
    'connection.error': { actions: 'relay' },
    'connection.rtt': { actions: 'relay' },
    'connection.lost': { actions: 'relay' },
    'playback.blocked': { actions: 'blocked' },
    'playback.started': { actions: 'unblocked' },
    'playback.resumed': { actions: 'unblocked' },
    'playback.error': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (event.type === 'playback.error')
          tell(enqueue, context, { type: 'session.error', error: event.error });
      }),
    },
    'audio.resume': { actions: 'resumePlayback' },
    'server.stage': { actions: 'warnUnexpected' },
    'server.token': { actions: 'warnUnexpected' },
    'server.reply': { actions: 'warnUnexpected' },
    'server.audio': { actions: 'warnUnexpected' },
    'server.done': { actions: 'warnUnexpected' },
    'server.transcript': { actions: 'warnUnexpected' },
    'server.error': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'server.error') return;
        tell(enqueue, context, {
          type: 'session.error',
          error: new VoxError('session', 'server.error', `The server reported an error: ${event.message}`),
        });
      }),
    },
  },
  states: {
    /** Not ready for a turn: the connection is down, or the dialect's handshake is in flight. */
    idle: {
      initial: 'offline',
      states: {
        offline: {
          // Whenever `link` is open: on entry, and as soon as an open status sets it.
          always: { guard: 'linkOpen', target: 'handshaking' },
        },
        handshaking: {
          always: { guard: not('needsHandshake'), target: '#session.ready', actions: 'handshakeDone' },
          entry: 'sendInit',
          on: {
            'server.ready': { target: '#session.ready', actions: 'handshakeDone' },
            'link.down': 'offline',
          },
        },
      },
    },
    ready: {
      entry: 'retryIfUnanswered',
      on: {
        'link.down': 'idle',
        'record.start': 'recording',
        'record.toggle': 'recording',
        'speech.start': { guard: 'handsFree', target: 'recording' },
        'audio.send': [
          { guard: 'clipTooLarge', actions: 'refuseClip' },
          { target: 'processing', actions: ['startTurn', 'sendClip'] },
        ],
        'turn.retry': { guard: 'hasFailedClip', target: 'processing', actions: ['startTurn', 'sendClip'] },
      },
    },
    recording: {
      entry: ['startTurn', 'startCounting'],
      invoke: {
        id: 'capture',
        src: 'capture',
        input: ({ context }) => ({ format: { ...context.dialect.capture, sampleRate: context.sampleRate } }),
      },
      exit: 'disarmSilence',
      after: { maxRecording: { actions: ['stopCapture', 'warnRecordingLimit'] } },
      on: {
        'capture.frame': { actions: 'sendFrame' },
        'capture.level': { actions: 'level' },
        'record.stop': { actions: 'stopCapture' },
        'record.toggle': { actions: 'stopCapture' },
        'speech.start': { actions: ['disarmSilence', 'countSpeech'] },
        'speech.end': { guard: 'handsFree', actions: ['countSpeech', 'armSilence'] },
        'turn.silence': [
          { guard: 'tooLittleSpeech', target: 'ready', actions: 'dropRecording' },
          { actions: 'stopCapture' },
        ],
        'server.speech': { guard: and(['speechEnded', 'isStreaming']), actions: 'stopCapture' },
        'capture.done': { target: 'processing', actions: ['keepRecording', 'sendRecording'] },
        'capture.error': { target: 'ready', actions: 'reportCaptureError' },
        'link.down': {
          target: 'idle',
          actions: [
            { type: 'fail', params: { code: 'connection.lost' } },
            { type: 'endTurn', params: { failed: 'connection.lost' } },
          ],
        },
      },
    },
    processing: {
      entry: 'armWatchdog',
      initial: 'transcribing',
      states: {
        transcribing: {},
        thinking: {},
        synthesizing: {},
      },
      on: {
        'server.stage': [
          {
            guard: { type: 'stageIs', params: { stage: 'transcribing' } },
            target: '.transcribing',
            actions: ['note', 'armWatchdog'],
          },
          {
            guard: { type: 'stageIs', params: { stage: 'thinking' } },
            target: '.thinking',
            actions: ['note', 'armWatchdog'],
          },
          { target: '.synthesizing', actions: ['note', 'armWatchdog'] },
        ],
        'server.transcript': { actions: ['note', 'warnEmptyTranscript', 'armWatchdog'] },
        'server.token': { target: '.thinking', actions: ['note', 'armWatchdog'] },
        'server.reply': { actions: ['note', 'armWatchdog'] },
        'server.speech': {},
        'server.ack': { actions: 'armWatchdog' },
        'server.audio': { target: 'speaking', actions: ['note', 'play', 'armWatchdog'] },
        'server.done': { target: 'ready', actions: ['note', { type: 'endTurn', params: {} }] },
        'server.error': {
          target: 'ready',
          actions: [
            'note',
            { type: 'fail', params: { code: 'server.error' } },
            { type: 'endTurn', params: { failed: 'server.error' } },
          ],
        },
        'turn.stalled': {
          target: 'ready',
          actions: [
            { type: 'fail', params: { code: 'reply.timeout' } },
            { type: 'endTurn', params: { failed: 'reply.timeout', replyOpen: true } },
          ],
        },
        interrupt: {
          target: 'ready',
          actions: ['sendInterrupt', { type: 'endTurn', params: { interrupted: true, replyOpen: true } }],
        },
        'link.down': {
          target: 'idle',
          actions: [
            { type: 'fail', params: { code: 'connection.lost' } },
            { type: 'endTurn', params: { failed: 'connection.lost' } },
          ],
        },
      },
    },
    speaking: {
      entry: { type: 'speaking', params: { speaking: true } },
      exit: { type: 'speaking', params: { speaking: false } },
      initial: 'streaming',
      states: {
        /** Reply audio is playing and more may come. */
        streaming: {
          on: {
            'server.audio': { actions: ['note', 'play', 'armWatchdog'] },
            'server.token': { actions: ['note', 'armWatchdog'] },
            'server.reply': { actions: ['note', 'armWatchdog'] },
            'server.transcript': { actions: ['note', 'armWatchdog'] },
            'server.stage': { actions: 'armWatchdog' },
            'server.ack': {},
            'server.speech': {},
            'server.done': { target: 'finishing', actions: ['note', 'disarmWatchdog', 'finishPlayback'] },
            'server.error': {
              target: '#session.ready',
              actions: [
                'note',
                'stopPlayback',
                { type: 'fail', params: { code: 'server.error' } },
                { type: 'endTurn', params: { failed: 'server.error' } },
              ],
            },
            'turn.stalled': {
              target: '#session.ready',
              actions: [
                'stopPlayback',
                { type: 'fail', params: { code: 'reply.timeout' } },
                { type: 'endTurn', params: { failed: 'reply.timeout', replyOpen: true } },
              ],
            },
            interrupt: {
              target: '#session.ready',
              actions: [
                'stopPlayback',
                'sendInterrupt',
                { type: 'endTurn', params: { interrupted: true, replyOpen: true } },
              ],
            },
            'link.down': {
              target: '#session.idle',
              actions: [
                'stopPlayback',
                { type: 'fail', params: { code: 'connection.lost' } },
                { type: 'endTurn', params: { failed: 'connection.lost' } },
              ],
            },
          },
        },
        /** The whole reply has arrived; it plays out, even if the connection drops meanwhile. */
        finishing: {
          on: {
            'playback.ended': [
              { guard: 'initialised', target: '#session.ready', actions: { type: 'endTurn', params: {} } },
              { target: '#session.idle', actions: { type: 'endTurn', params: {} } },
            ],
            // Like the end of playback: `ready` only on a link that is still initialised.
            interrupt: [
              {
                guard: 'initialised',
                target: '#session.ready',
                actions: ['stopPlayback', { type: 'endTurn', params: { interrupted: true } }],
              },
              {
                target: '#session.idle',
                actions: ['stopPlayback', { type: 'endTurn', params: { interrupted: true } }],
              },
            ],
            'link.down': {},
          },
        },
      },
    },
  },
});

export type SessionActor = ActorRefFrom<typeof sessionMachine>;
