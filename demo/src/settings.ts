/**
 * What the page remembers (localStorage) and what its URL may override, for trying faults quickly:
 *
 *   ?dialect=messageType       tutor | messageType | status | typed
 *   ?heartbeat=500             ping after this many ms without a frame (default: the dialect's)
 *   ?pongTimeout=500           and give the connection up this long after an unanswered ping
 *   ?retry=100                 first reconnect delay in ms (default 250, doubling)
 *   ?replyTimeout=5000         a turn fails when the server is silent this long (default 15000)
 *   ?voice=off                 no voice activity: no barge-in by voice, no hands-free (default on)
 */
import type { HeartbeatOptions, ReconnectOptions } from 'voxstate';

const STORAGE = 'voxstate-demo';

export const remembered = (key: string): string | null => {
  try {
    return localStorage.getItem(`${STORAGE}.${key}`);
  } catch {
    return null; // storage disabled: nothing is remembered
  }
};

export const remember = (key: string, value: string) => {
  try {
    localStorage.setItem(`${STORAGE}.${key}`, value);
  } catch {}
};

/** The conversation's thread, kept across page loads until the user starts a new one. */
export function storedThreadId(): string {
  const kept = remembered('thread');
  if (kept) return kept;
  return newThreadId();
}

export function newThreadId(): string {
  const id = crypto.randomUUID();
  remember('thread', id);
  return id;
}

export interface UrlSettings {
  dialect: string | null;
  heartbeat?: HeartbeatOptions;
  reconnect?: ReconnectOptions;
  replyTimeoutMs?: number;
  /** Voice activity on the microphone (barge-in by voice, hands-free); null: as remembered. */
  voice: boolean | null;
}

function milliseconds(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  const value = Number(raw);
  return raw !== null && raw !== '' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export function urlSettings(search = location.search): UrlSettings {
  const params = new URLSearchParams(search);
  const intervalMs = milliseconds(params, 'heartbeat');
  const timeoutMs = milliseconds(params, 'pongTimeout');
  const initialDelayMs = milliseconds(params, 'retry');
  const heartbeat = {
    ...(intervalMs ? { intervalMs } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
  return {
    dialect: params.get('dialect'),
    heartbeat: Object.keys(heartbeat).length > 0 ? heartbeat : undefined,
    reconnect: initialDelayMs ? { initialDelayMs } : undefined,
    replyTimeoutMs: milliseconds(params, 'replyTimeout'),
    voice: params.has('voice') ? params.get('voice') !== 'off' : null,
  };
}
