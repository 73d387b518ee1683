import { VoxError } from '../src/errors.ts';
import type { BackoffSettings } from './backoff.ts';
import { type ClosePolicy, defaultClosePolicy } from './closePolicy.ts';
import type { Frame } from './frames.ts';

interface BackoffCommon {
  jitter?: number;
  maxAttempts?: number;
  /** The attempt counter resets only after the connection stayed open this long. */
  minUptimeMs?: number;
  /** A socket that has not opened after this long is abandoned and counted as a failed attempt. */
  connectTimeoutMs?: number;
}
export type ReconnectOptions =
  | (BackoffCommon & { initialDelayMs?: number; factor?: number; maxDelayMs?: number; schedule?: never })
  | (BackoffCommon & { schedule: number[] });

export interface HeartbeatOptions {
  intervalMs?: number;
  timeoutMs?: number;
  /** The ping frame; without one a half-open socket goes unnoticed (see the README). */
  ping?: () => Frame;
  isPong?: (frame: Frame) => boolean;
  /** The answer to a server's ping, or null when `frame` is not one. */
  reply?: (frame: Frame) => Frame | null;
}

export interface QueueOptions {
  maxMessages?: number;
  maxBytes?: number;
  /** Realtime frames older than this at flush time are dropped (and reported), not sent late. */
  maxRealtimeAgeMs?: number;
}

/** What the connection machine needs, as data; adapters (WebSocket, token source) are provided. */
export interface ConnectionOptions {
  url: string;
  protocols?: string | string[];
  token?: string;
  /** Query parameter that carries the token (seed 000 sends it on every (re)connect). */
  tokenParam?: string;
  /** Whether a `getToken` actor is provided: it is asked on first connect and after an auth close. */
  fetchToken?: boolean;
  reconnect?: ReconnectOptions;
  heartbeat?: HeartbeatOptions | false;
  queue?: QueueOptions;
  /** Frames larger than this are refused at `send` (seeds 001 and 004: 1 MiB). */
  maxMessageBytes?: number;
  /** When true, app frames wait for a `handshake.done` event after each open. */
  awaitHandshake?: boolean;
  closePolicy?: ClosePolicy;
  /** Uniform [0, 1) source for jitter; injectable so tests are deterministic. */
  random?: () => number;
}

export interface HeartbeatSettings {
  intervalMs: number;
  timeoutMs: number;
  /** Null when the protocol has no ping: the connection is then `open.unmonitored`. */
  ping: (() => Frame) | null;
  isPong: (frame: Frame) => boolean;
  reply: (frame: Frame) => Frame | null;
}

export interface ConnectionSettings {
  url: string;
  protocols: string[];
  token: string | undefined;
  tokenParam: string;
  fetchToken: boolean;
  backoff: BackoffSettings;
  heartbeat: HeartbeatSettings;
  queue: Required<QueueOptions>;
  maxMessageBytes: number;
  awaitHandshake: boolean;
  closePolicy: ClosePolicy;
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffSettings = {
  schedule: null,
  initialDelayMs: 250,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 0.2,
  maxAttempts: 10,
  minUptimeMs: 5_000,
  connectTimeoutMs: 10_000,
};

/** Half-open sockets are noticed within intervalMs + timeoutMs: 15 s by default. */
export const DEFAULT_HEARTBEAT = { intervalMs: 10_000, timeoutMs: 5_000 };

export const DEFAULT_QUEUE: Required<QueueOptions> = {
  maxMessages: 1_000,
  maxBytes: 8 * 1024 * 1024,
  maxRealtimeAgeMs: 2_000,
};

const never = () => null;

function invalid(option: string, rule: string, value: unknown): VoxError {
  return new VoxError('options', 'option.invalid', `${option} ${rule}, got ${String(value)}`, {
    details: { option },
  });
}

function check(option: string, value: number, rule: string, ok: (v: number) => boolean): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) throw invalid(option, rule, value);
  return value;
}

const nonNegative = (v: number) => v >= 0;
const positive = (v: number) => v > 0;

function backoffSettings(options: ReconnectOptions = {}): BackoffSettings {
  const merged = { ...DEFAULT_BACKOFF, ...options, schedule: options.schedule ?? null };
  check('reconnect.jitter', merged.jitter, 'must be between 0 and 1', (v) => v >= 0 && v <= 1);
  check('reconnect.maxAttempts', merged.maxAttempts, 'must be a whole number >= 0 or Infinity', (v) =>
    v === Number.POSITIVE_INFINITY ? true : Number.isInteger(v) && v >= 0,
  );
  check('reconnect.minUptimeMs', merged.minUptimeMs, 'must be >= 0', nonNegative);
  check('reconnect.connectTimeoutMs', merged.connectTimeoutMs, 'must be > 0', positive);
  if (merged.schedule) {
    if (merged.schedule.length === 0) throw invalid('reconnect.schedule', 'must not be empty', '[]');
    merged.schedule.forEach((d, i) => {
      check(
        `reconnect.schedule[${i}]`,
        d,
        'must be a finite delay >= 0',
        (v) => v >= 0 && Number.isFinite(v),
      );
    });
    return merged;
  }
  check('reconnect.initialDelayMs', merged.initialDelayMs, 'must be >= 0', nonNegative);
  check('reconnect.factor', merged.factor, 'must be >= 1', (v) => v >= 1);
  check(
    'reconnect.maxDelayMs',
    merged.maxDelayMs,
    `must be >= reconnect.initialDelayMs (${merged.initialDelayMs})`,
    (v) => v >= merged.initialDelayMs,
  );
  return merged;
}

function heartbeatSettings(given: HeartbeatOptions | false | undefined): HeartbeatSettings {
  const options = given === false ? {} : (given ?? {});
  return {
    intervalMs: check(
      'heartbeat.intervalMs',
      options.intervalMs ?? DEFAULT_HEARTBEAT.intervalMs,
      'must be > 0',
      positive,
    ),
    timeoutMs: check(
      'heartbeat.timeoutMs',
      options.timeoutMs ?? DEFAULT_HEARTBEAT.timeoutMs,
      'must be > 0',
      positive,
    ),
    ping: given === false ? null : (options.ping ?? null),
    isPong: options.isPong ?? (() => false),
    reply: options.reply ?? never,
  };
}

/** Validates options and fills defaults; throws a VoxError that names the first invalid option. */
export function connectionSettings(options: ConnectionOptions): ConnectionSettings {
  if (typeof options.url !== 'string' || !/^wss?:\/\//.test(options.url)) {
    throw invalid('url', 'must be a ws:// or wss:// URL', options.url);
  }
  const queue = { ...DEFAULT_QUEUE, ...options.queue };
  check('queue.maxMessages', queue.maxMessages, 'must be > 0', positive);
  check('queue.maxBytes', queue.maxBytes, 'must be > 0', positive);
  check('queue.maxRealtimeAgeMs', queue.maxRealtimeAgeMs, 'must be >= 0', nonNegative);
  const protocols = options.protocols === undefined ? [] : [options.protocols].flat();
  return {
    url: options.url,
    protocols,
    token: options.token,
    tokenParam: options.tokenParam ?? 'token',
    fetchToken: options.fetchToken ?? false,
    backoff: backoffSettings(options.reconnect),
    heartbeat: heartbeatSettings(options.heartbeat),
    queue,
    maxMessageBytes: check(
      'maxMessageBytes',
      options.maxMessageBytes ?? 1024 * 1024,
      'must be > 0',
      positive,
    ),
    awaitHandshake: options.awaitHandshake ?? false,
    closePolicy: options.closePolicy ?? defaultClosePolicy,
    random: options.random ?? Math.random,
  };
}
