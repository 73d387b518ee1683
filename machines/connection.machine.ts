import {
  type ActorRefFrom,
  type AnyActorRef,
  and,
  assign,
  enqueueActions,
  fromCallback,
  fromPromise,
  not,
  sendTo,
  setup,
  stopChild,
} from 'xstate';
import { VoxError } from '../src/errors.ts';
import { retryDelay } from './backoff.ts';
import type { CloseVerdict } from './closePolicy.ts';
import type { ConnectionSettings } from './connection.options.ts';
import { type Frame, type FrameKind, frameBytes, type Outgoing } from './frames.ts';
import { emptyOutbox, type Outbox, push, requeue, sum, take } from './outbox.ts';

/** What the socket adapter is started with. */
export interface SocketInput {
  socketId: number;
  url: string;
  protocols: string[];
}

/** Commands the machine gives the socket adapter. */
export type SocketCommand =
  | { type: 'write'; items: Outgoing[]; ping?: boolean }
  /** Drop a dead socket without waiting for a closing handshake that will never come. */
  | { type: 'abort' };

/** What the socket adapter reports; `socketId` lets the machine ignore a socket it has left. */
export type SocketEvent =
  | { type: 'socket.open'; socketId: number; protocol: string; at: number }
  | { type: 'socket.message'; socketId: number; data: Frame; at: number }
  | { type: 'socket.error'; socketId: number; message: string; at: number }
  | { type: 'socket.close'; socketId: number; code: number; reason: string; wasClean: boolean; at: number }
  /** Frames the socket could not take because it was no longer open: never written, so requeued. */
  | { type: 'socket.unsent'; socketId: number; items: Outgoing[] }
  | { type: 'socket.pinged'; socketId: number; at: number };

export type ConnectionEvent =
  | { type: 'connect' }
  | { type: 'disconnect' }
  /** Manual reconnect: start over now with a fresh attempt counter. */
  | { type: 'reconnect' }
  | { type: 'send'; frame: Frame; kind?: FrameKind; at?: number }
  /** The owner's handshake is complete: queued application frames may flow. */
  | { type: 'handshake.done' }
  /** A limit the server announced (seed 001's `max_message_size`). */
  | { type: 'limits'; maxMessageBytes: number }
  /** Drop every queued frame: the owner's exchange died with the socket and must not be sent later. */
  | { type: 'discard' }
  | { type: 'online' }
  | { type: 'offline' }
  | { type: 'visibility'; visible: boolean; at: number }
  | SocketEvent;

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';
export type ClosedReason = 'initial' | 'manual' | 'exhausted' | 'auth' | 'protocol' | 'server';

export type ConnectionEmitted =
  | {
      type: 'connection.status';
      status: ConnectionStatus;
      attempt: number;
      /** Delay before the next attempt, in `reconnecting`. */
      delayMs: number | null;
      /** Why it rests, in `closed`. */
      reason: ClosedReason | null;
    }
  | { type: 'connection.message'; data: Frame; at: number }
  | { type: 'connection.error'; error: VoxError }
  | { type: 'connection.rtt'; rttMs: number }
  /** Frames written to a socket that then died before a pong proved the server had read them. */
  | { type: 'connection.lost'; frames: Frame[]; bytes: number };

export interface ConnectionInput {
  settings: ConnectionSettings;
  /** An actor that receives every emitted event too (the conversation that owns this connection). */
  owner?: AnyActorRef;
}

export interface ConnectionContext {
  settings: ConnectionSettings;
  owner: AnyActorRef | undefined;
  /** Identifies the current socket; events of earlier sockets are ignored. */
  socketId: number;
  /** Retries since the connection last stayed up for `minUptimeMs`. */
  attempt: number;
  retryDelayMs: number;
  token: string | undefined;
  /** A fresh token was already asked for since the last stable connection: do not ask blindly again. */
  authRetried: boolean;
  closedReason: ClosedReason;
  error: VoxError | null;
  outbox: Outbox;
  /** Whether application frames may be written (open, and the owner's handshake is done). */
  flowing: boolean;
  /** Application frames written and not yet proved read by a pong. */
  unconfirmed: Outgoing[];
  writeSeq: number;
  pingSeq: number;
  pingSentAt: number | null;
  rttMs: number | null;
  /** Timestamp of the last sign of life from the socket (adapter clock). */
  lastSeenAt: number;
  protocol: string;
}

const withToken = (url: string, param: string, token: string | undefined) =>
  token === undefined ? url : `${url}${url.includes('?') ? '&' : '?'}${param}=${encodeURIComponent(token)}`;

/** The URL as it may appear in logs: the token shortened to its first 4 characters. */
export const redactToken = (text: string, token: string | undefined) =>
  token ? text.split(encodeURIComponent(token)).join(`${token.slice(0, 4)}…`) : text;

const ERROR_TEXT: Record<string, string> = {
  'socket.closed': 'The connection closed unexpectedly',
  'auth.rejected': 'The server refused the credentials',
  'protocol.rejected': 'The server refused the protocol',
  'server.closed': 'The server ended the connection',
  'connect.timeout': 'The server did not complete the WebSocket handshake in time',
  'heartbeat.timeout': 'No pong arrived in time: the connection is dead',
  'heartbeat.stale': 'No sign of life while the page was hidden: the connection is presumed dead',
  'token.failed': 'getToken failed',
};

/** The part of XState's `enqueue` the helpers below use. */
interface Enqueue {
  assign(patch: Partial<ConnectionContext>): void;
  emit(event: ConnectionEmitted): void;
  sendTo(to: AnyActorRef | 'socket', event: ConnectionEmitted | SocketCommand): void;
}

/** Every emitted event goes to `actor.on` listeners and to the owner, when there is one. */
function notify(enqueue: Enqueue, context: ConnectionContext, event: ConnectionEmitted) {
  enqueue.emit(event);
  if (context.owner) enqueue.sendTo(context.owner, event);
}

/** Writes frames, tracking application frames until a pong proves them read. */
function write(enqueue: Enqueue, context: ConnectionContext, items: Outgoing[]) {
  if (items.length === 0) return;
  let seq = context.writeSeq;
  const numbered = items.map((i) => ({ ...i, seq: ++seq }));
  enqueue.sendTo('socket', { type: 'write', items: numbered });
  enqueue.assign({ writeSeq: seq });
  // Bounded like the queue, by count and bytes: the oldest entries leave this record, never the socket.
  const tracked = numbered.filter((i) => i.kind !== 'control');
  if (tracked.length === 0) return;
  enqueue.assign({ unconfirmed: bounded([...context.unconfirmed, ...tracked], context.settings.queue) });
}

/** The newest frames within the queue's limits of count and bytes. */
function bounded(items: Outgoing[], limits: { maxMessages: number; maxBytes: number }): Outgoing[] {
  let bytes = 0;
  let from = items.length;
  while (from > 0 && items.length - from < limits.maxMessages) {
    const next = (items[from - 1] as Outgoing).bytes;
    if (bytes + next > limits.maxBytes) break;
    bytes += next;
    from--;
  }
  return from === 0 ? items : items.slice(from);
}

/** Frames dropped on purpose are reported too: nothing leaves the queue silently. */
function discarded(enqueue: Enqueue, context: ConnectionContext, items: Outgoing[], why: string) {
  const error = new VoxError('queue', 'queue.discarded', `${items.length} frame(s) ${why} were not sent`, {
    details: { dropped: items.length, bytes: sum(items) },
  });
  notify(enqueue, context, { type: 'connection.error', error });
}

const isCurrent = (context: ConnectionContext, event: ConnectionEvent) =>
  !('socketId' in event) || event.socketId === context.socketId;

const verdictOf = (context: ConnectionContext, event: ConnectionEvent): CloseVerdict | null =>
  event.type === 'socket.close' ? context.settings.closePolicy(event) : null;

export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    input: {} as ConnectionInput,
    emitted: {} as ConnectionEmitted,
  },
  actors: {
    /** The WebSocket adapter (src/adapters/websocket.ts); this default never opens. */
    socket: fromCallback<SocketCommand, SocketInput>(() => {}),
    /** The app's `getToken`. */
    token: fromPromise<string>(() => Promise.reject(new Error('no getToken provided'))),
    /** Browser online/offline/visibility signals (src/adapters/browserSignals.ts); none in Node. */
    signals: fromCallback(() => {}),
  },
  delays: {
    connectTimeout: ({ context }) => context.settings.backoff.connectTimeoutMs,
    retry: ({ context }) => context.retryDelayMs,
    minUptime: ({ context }) => context.settings.backoff.minUptimeMs,
    heartbeatInterval: ({ context }) => context.settings.heartbeat.intervalMs,
    heartbeatTimeout: ({ context }) => context.settings.heartbeat.timeoutMs,
  },
  guards: {
    isCurrent: ({ context, event }) => isCurrent(context, event),
    needsToken: ({ context }) => context.settings.fetchToken && context.token === undefined,
    hasPing: ({ context }) => context.settings.heartbeat.ping !== null,
    isPong: ({ context, event }) =>
      event.type === 'socket.message' && context.settings.heartbeat.isPong(event.data),
    verdictIs: ({ context, event }, params: { verdict: CloseVerdict }) =>
      verdictOf(context, event) === params.verdict,
    canRefreshToken: ({ context }) => context.settings.fetchToken && !context.authRetried,
    exhausted: ({ context }) => context.attempt >= context.settings.backoff.maxAttempts,
    tooLarge: ({ context, event }) =>
      event.type === 'send' && frameBytes(event.frame) > context.settings.maxMessageBytes,
    writable: ({ context, event }) => event.type === 'send' && (context.flowing || event.kind === 'control'),
    becameVisible: ({ event }) => event.type === 'visibility' && event.visible,
    silentTooLong: ({ context, event }) =>
      event.type === 'visibility' &&
      context.settings.heartbeat.ping !== null &&
      event.at - context.lastSeenAt >
        context.settings.heartbeat.intervalMs + context.settings.heartbeat.timeoutMs,
    pingDue: ({ context, event }) =>
      event.type === 'visibility' &&
      context.settings.heartbeat.ping !== null &&
      event.at - context.lastSeenAt >= context.settings.heartbeat.intervalMs,
  },
  actions: {
    announce: enqueueActions(({ context, enqueue }, params: { status: ConnectionStatus }) => {
      notify(enqueue, context, {
        type: 'connection.status',
        status: params.status,
        attempt: context.attempt,
        delayMs: params.status === 'reconnecting' ? context.retryDelayMs : null,
        reason: params.status === 'closed' ? context.closedReason : null,
      });
    }),
    fail: enqueueActions(({ context, event, enqueue }, params: { code: string; retrying: boolean }) => {
      const close = event.type === 'socket.close' ? event : null;
      // A reason may quote the URL (an invalid URL's error does): never the token in full.
      const reason = close ? redactToken(close.reason, context.token) : undefined;
      const details = {
        attempt: context.attempt,
        /** The delay before the next attempt; null when none follows. */
        delayMs: params.retrying ? context.retryDelayMs : null,
        closeCode: close?.code,
        reason,
      };
      const why = close ? ` (code ${close.code}${reason ? `: ${reason}` : ''})` : '';
      const cause = 'error' in event ? event.error : undefined;
      const error = new VoxError(
        'connection',
        params.code,
        `${ERROR_TEXT[params.code] ?? params.code}${why}`,
        {
          details,
          cause,
        },
      );
      enqueue.assign({ error });
      notify(enqueue, context, { type: 'connection.error', error });
    }),
    scheduleRetry: assign(({ context }) => {
      const attempt = context.attempt + 1;
      return {
        attempt,
        retryDelayMs: retryDelay(context.settings.backoff, attempt, context.settings.random()),
      };
    }),
    closeWith: assign((_, params: { reason: ClosedReason }) => ({ closedReason: params.reason })),
    resetAttempts: assign({ attempt: 0, authRetried: false }),
    /** From here on the stopped socket's events are stale, even while a token is fetched. */
    nextSocket: assign(({ context }) => ({ socketId: context.socketId + 1 })),
    openSocket: enqueueActions(({ context, enqueue }) => {
      enqueue.spawnChild('socket', {
        id: 'socket',
        input: {
          socketId: context.socketId,
          url: withToken(context.settings.url, context.settings.tokenParam, context.token),
          protocols: context.settings.protocols,
        },
      });
    }),
    stopSocket: stopChild('socket'),
    abortSocket: sendTo('socket', { type: 'abort' } satisfies SocketCommand),
    opened: assign(({ event }) =>
      event.type === 'socket.open' ? { protocol: event.protocol, lastSeenAt: event.at, error: null } : {},
    ),
    seen: assign(({ event }) => ('at' in event ? { lastSeenAt: event.at } : {})),
    sendNow: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'send') write(enqueue, context, [outgoing(event)]);
    }),
    queue: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'send') return;
      const { outbox, dropped } = push(context.outbox, outgoing(event), context.settings.queue);
      enqueue.assign({ outbox });
      if (dropped.length > 0) {
        const error = new VoxError(
          'queue',
          'queue.overflow',
          `The outgoing queue is full (${context.settings.queue.maxMessages} frames, ${context.settings.queue.maxBytes} bytes): dropped ${dropped.length} ${dropped[0]?.kind} frame(s) of ${sum(dropped)} bytes`,
          { details: { dropped: dropped.length, bytes: sum(dropped), kind: dropped[0]?.kind } },
        );
        notify(enqueue, context, { type: 'connection.error', error });
      }
    }),
    refuseTooLarge: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'send') return;
      const bytes = frameBytes(event.frame);
      const max = context.settings.maxMessageBytes;
      const error = new VoxError(
        'queue',
        'frame.tooLarge',
        `A frame of ${bytes} bytes exceeds the limit of ${max} bytes and was not sent`,
        { details: { bytes, maxMessageBytes: max } },
      );
      notify(enqueue, context, { type: 'connection.error', error });
    }),
    /** After an open: control frames first; the rest once the handshake is done (or at once). */
    flush: enqueueActions(({ context, enqueue }, params: { all: boolean }) => {
      const now = context.lastSeenAt;
      const maxAge = context.settings.queue.maxRealtimeAgeMs;
      const stale = (i: Outgoing) => i.kind === 'realtime' && i.at !== undefined && now - i.at > maxAge;
      const picked = take(context.outbox, (i) => params.all || i.kind === 'control');
      const fresh = picked.taken.filter((i) => !stale(i));
      const old = picked.taken.filter(stale);
      enqueue.assign({ outbox: picked.outbox, flowing: params.all });
      write(enqueue, context, fresh);
      if (old.length > 0) {
        const error = new VoxError(
          'queue',
          'queue.stale',
          `Dropped ${old.length} realtime frame(s) older than ${maxAge} ms instead of sending them late`,
          { details: { dropped: old.length, bytes: sum(old), maxRealtimeAgeMs: maxAge } },
        );
        notify(enqueue, context, { type: 'connection.error', error });
      }
    }),
    requeueUnsent: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'socket.unsent') return;
      const unsent = new Set(event.items.map((i) => i.seq));
      // Control frames (handshake, pings, interrupts) belong to the socket that refused them: the
      // next socket gets its own handshake.
      const control = event.items.filter((i) => i.kind === 'control' && !i.heartbeat);
      enqueue.assign({
        outbox: requeue(
          context.outbox,
          event.items.filter((i) => i.kind !== 'control'),
        ),
        unconfirmed: context.unconfirmed.filter((w) => !unsent.has(w.seq)),
      });
      if (control.length > 0) discarded(enqueue, context, control, 'refused by a closing socket');
    }),
    discard: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ outbox: emptyOutbox });
      if (context.outbox.items.length > 0)
        discarded(enqueue, context, context.outbox.items, 'discarded by the owner');
    }),
    sendPing: enqueueActions(({ context, enqueue }) => {
      const ping = context.settings.heartbeat.ping;
      if (!ping) return;
      const frame = ping();
      enqueue.sendTo('socket', {
        type: 'write',
        items: [{ frame, kind: 'control', bytes: frameBytes(frame), at: undefined, heartbeat: true }],
        ping: true,
      } satisfies SocketCommand);
      enqueue.assign({ pingSeq: context.writeSeq, pingSentAt: null });
    }),
    pinged: assign(({ event }) => (event.type === 'socket.pinged' ? { pingSentAt: event.at } : {})),
    /** A pong proves the server read everything written before its ping (one TCP stream, in order). */
    confirmPong: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'socket.message') return;
      enqueue.assign({ unconfirmed: context.unconfirmed.filter((w) => (w.seq as number) > context.pingSeq) });
      if (context.pingSentAt === null) return;
      const rttMs = event.at - context.pingSentAt;
      enqueue.assign({ rttMs, pingSentAt: null });
      notify(enqueue, context, { type: 'connection.rtt', rttMs });
    }),
    /** A server's ping is answered here; every other frame goes to the owner. */
    receive: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'socket.message') return;
      const reply = context.settings.heartbeat.reply(event.data);
      if (reply === null) {
        notify(enqueue, context, { type: 'connection.message', data: event.data, at: event.at });
        return;
      }
      write(enqueue, context, [
        { frame: reply, kind: 'control', bytes: frameBytes(reply), at: undefined, heartbeat: true },
      ]);
    }),
    reportSocketError: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'socket.error') return;
      const message = redactToken(event.message, context.token);
      const error = new VoxError('connection', 'socket.error', `WebSocket error: ${message}`);
      notify(enqueue, context, { type: 'connection.error', error });
    }),
    /** The socket died with frames in flight: say so; the owner decides what to resend. */
    reportLost: enqueueActions(({ context, enqueue }) => {
      if (context.unconfirmed.length === 0) return;
      const frames = context.unconfirmed.map((w) => w.frame);
      enqueue.assign({ unconfirmed: [] });
      notify(enqueue, context, { type: 'connection.lost', frames, bytes: sum(context.unconfirmed) });
    }),
    leaveOpen: assign({ flowing: false, pingSentAt: null }),
    setLimits: assign(({ context, event }) =>
      event.type === 'limits'
        ? { settings: { ...context.settings, maxMessageBytes: event.maxMessageBytes } }
        : {},
    ),
    forgetToken: assign({ token: undefined, authRetried: true }),
    keepToken: assign(({ event }) => ('output' in event ? { token: event.output as string } : {})),
  },
}).createMachine({
  id: 'connection',
  context: ({ input }) => ({
    settings: input.settings,
    owner: input.owner,
    socketId: 0,
    attempt: 0,
    retryDelayMs: 0,
    token: input.settings.token,
    authRetried: false,
    closedReason: 'initial',
    error: null,
    outbox: emptyOutbox,
    flowing: false,
    unconfirmed: [],
    writeSeq: 0,
    pingSeq: 0,
    pingSentAt: null,
    rttMs: null,
    lastSeenAt: 0,
    protocol: '',
  }),
  invoke: { src: 'signals' },
  initial: 'closed',
  on: {
    send: [{ guard: 'tooLarge', actions: 'refuseTooLarge' }, { actions: 'queue' }],
    limits: { actions: 'setLimits' },
    discard: { actions: 'discard' },
    // Frames in flight on a socket left on purpose are reported now, not with a later socket.
    disconnect: { target: '.closed', actions: ['reportLost', closeWith('manual')] },
    reconnect: { target: '.connecting', reenter: true, actions: ['reportLost', 'resetAttempts'] },
    'socket.error': [{ guard: not('isCurrent') }, { actions: 'reportSocketError' }],
    // Frames a socket did not take were never written, whichever socket it was: requeue them.
    'socket.unsent': { actions: 'requeueUnsent' },
  },
  states: {
    closed: {
      entry: ['stopSocket', { type: 'announce', params: { status: 'closed' } }],
      // Leaving a rest is a fresh start, like a manual reconnect.
      on: { connect: { target: 'connecting', actions: 'resetAttempts' } },
    },
    connecting: {
      entry: ['stopSocket', 'nextSocket', { type: 'announce', params: { status: 'connecting' } }],
      initial: 'choosing',
      states: {
        choosing: { always: [{ guard: 'needsToken', target: 'authorizing' }, { target: 'opening' }] },
        authorizing: {
          invoke: {
            src: 'token',
            onDone: { target: 'opening', actions: 'keepToken' },
            onError: failure('token.failed'),
          },
        },
        opening: { entry: 'openSocket' },
      },
      after: { connectTimeout: failure('connect.timeout') },
      on: {
        'socket.open': [{ guard: not('isCurrent') }, { target: 'open' }],
        'socket.close': closeTransitions(),
      },
    },
    open: {
      entry: [
        'opened',
        { type: 'announce', params: { status: 'open' } },
        { type: 'flush', params: ({ context }) => ({ all: !context.settings.awaitHandshake }) },
      ],
      exit: 'leaveOpen',
      initial: 'healthy',
      states: {
        healthy: {
          always: { guard: not('hasPing'), target: 'unmonitored' },
          after: { heartbeatInterval: { target: 'awaitingPong', actions: 'sendPing' } },
          on: {
            offline: { target: 'awaitingPong', actions: 'sendPing' },
            visibility: [
              ...deadIfSilentWhileHidden(),
              { guard: 'pingDue', target: 'awaitingPong', actions: 'sendPing' },
            ],
          },
        },
        awaitingPong: {
          after: { heartbeatTimeout: failure('heartbeat.timeout', ['abortSocket', 'reportLost']) },
          // The timeout timer may have been throttled too.
          on: { visibility: deadIfSilentWhileHidden() },
        },
        /** The protocol has no ping: only the socket's own close event reveals a dead connection. */
        unmonitored: {},
      },
      after: { minUptime: { actions: 'resetAttempts' } },
      on: {
        send: [
          { guard: 'tooLarge', actions: 'refuseTooLarge' },
          { guard: 'writable', actions: 'sendNow' },
          { actions: 'queue' },
        ],
        'handshake.done': { actions: { type: 'flush', params: { all: true } } },
        'socket.message': [
          { guard: not('isCurrent') },
          // Unmonitored, there is no heartbeat timer to restart.
          { guard: not('hasPing'), actions: ['seen', 'receive'] },
          { guard: 'isPong', target: '.healthy', actions: ['seen', 'confirmPong'] },
          { target: '.healthy', actions: ['seen', 'receive'] },
        ],
        'socket.pinged': [{ guard: not('isCurrent') }, { actions: 'pinged' }],
        'socket.close': closeTransitions(['reportLost']),
      },
    },
    reconnecting: {
      entry: ['stopSocket', { type: 'announce', params: { status: 'reconnecting' } }],
      after: { retry: 'connecting' },
      on: { connect: 'connecting', online: 'connecting' },
    },
  },
});

type LeaveOpen = 'abortSocket' | 'reportLost';

/** Where a failure leads: another attempt after the backoff delay, or rest once attempts are spent. */
function failure(code: string, actions: LeaveOpen[] = [], when?: 'silentTooLong') {
  return [
    {
      guard: when ? and([when, 'exhausted']) : ('exhausted' as const),
      target: '#connection.closed',
      actions: [
        ...actions,
        { type: 'fail' as const, params: { code, retrying: false } },
        closeWith('exhausted'),
      ],
    },
    {
      guard: when,
      target: '#connection.reconnecting',
      actions: [
        ...actions,
        'scheduleRetry' as const,
        { type: 'fail' as const, params: { code, retrying: true } },
      ],
    },
  ];
}

/** On becoming visible: a silence longer than interval + timeout, timers throttled or not, is death. */
function deadIfSilentWhileHidden() {
  return [
    { guard: not('becameVisible') },
    ...failure('heartbeat.stale', ['abortSocket', 'reportLost'], 'silentTooLong'),
  ];
}

function closeWith(reason: ClosedReason) {
  return { type: 'closeWith' as const, params: { reason } };
}

/** The close policy's verdict decides: reconnect, refresh the token once, or rest in `closed`. */
function closeTransitions(actions: LeaveOpen[] = []) {
  const rest = (verdict: CloseVerdict, reason: ClosedReason, code: string) => ({
    guard: { type: 'verdictIs' as const, params: { verdict } },
    target: '#connection.closed',
    actions: [...actions, { type: 'fail' as const, params: { code, retrying: false } }, closeWith(reason)],
  });
  return [
    { guard: not('isCurrent') },
    {
      guard: and([{ type: 'verdictIs', params: { verdict: 'auth' as const } }, 'canRefreshToken']),
      target: '#connection.connecting',
      reenter: true,
      actions: [...actions, 'forgetToken' as const],
    },
    rest('auth', 'auth', 'auth.rejected'),
    rest('protocol', 'protocol', 'protocol.rejected'),
    rest('server', 'server', 'server.closed'),
    ...failure('socket.closed', actions),
  ];
}

function outgoing(event: { frame: Frame; kind?: FrameKind; at?: number }): Outgoing {
  return { frame: event.frame, kind: event.kind ?? 'app', bytes: frameBytes(event.frame), at: event.at };
}

export type ConnectionActor = ActorRefFrom<typeof connectionMachine>;
