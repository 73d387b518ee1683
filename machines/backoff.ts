export interface BackoffSettings {
  /** Base delay (ms) of each retry, `schedule[n - 1]` for retry n, the last entry repeating. */
  schedule: number[] | null;
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** Fraction 0..1: a delay d becomes d × (1 ± jitter). */
  jitter: number;
  maxAttempts: number;
  minUptimeMs: number;
  connectTimeoutMs: number;
}

/** The un-jittered delay before retry number `attempt` (1-based). */
export function baseDelay(backoff: BackoffSettings, attempt: number): number {
  const n = Math.max(1, attempt);
  if (backoff.schedule) return backoff.schedule[Math.min(n, backoff.schedule.length) - 1] as number;
  return Math.min(backoff.initialDelayMs * backoff.factor ** (n - 1), backoff.maxDelayMs);
}

/** The bounds a jittered delay stays within: base × (1 ± jitter), never above the cap, in whole ms. */
export function delayBounds(backoff: BackoffSettings, attempt: number): [number, number] {
  const base = baseDelay(backoff, attempt);
  const cap = backoff.schedule ? Math.max(...backoff.schedule) : backoff.maxDelayMs;
  // Widened to whole ms, so that the rounded delay stays within them.
  return [Math.floor(base * (1 - backoff.jitter)), Math.ceil(Math.min(base * (1 + backoff.jitter), cap))];
}

/** Jittered delay for retry `attempt`; `u` is a uniform sample in [0, 1). */
export function retryDelay(backoff: BackoffSettings, attempt: number, u: number): number {
  const base = baseDelay(backoff, attempt);
  const [low, high] = delayBounds(backoff, attempt);
  return Math.round(Math.min(high, Math.max(low, base * (1 + backoff.jitter * (2 * u - 1)))));
}
