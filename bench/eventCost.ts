import type { Table } from './benchmark.ts';
import { ratio, SUMMARY_HEAD, summarize, summaryCells } from './stats.ts';

const BATCH = 1_000;
const WARMUP_ROUNDS = 30;
const ROUNDS = 200;

export interface CostVariant {
  label: string;
  /** Sends one event; a batch calls it BATCH times. */
  send: () => void;
}

function batchMicros(variant: CostVariant): number {
  const started = performance.now();
  for (let i = 0; i < BATCH; i++) variant.send();
  return ((performance.now() - started) * 1000) / BATCH;
}

/**
 * µs per event in batches of 1,000; each round runs one batch of every variant, so drift and GC pauses
 * fall on all alike. The first variant is the baseline: ratios are p50 over its p50 (and p95 over p95).
 */
export function costPerEventTable(
  variants: CostVariant[],
  baseline: string,
  log: (line: string) => void,
): Table {
  const samples = variants.map(() => [] as number[]);
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    if (round % 50 === 0) globalThis.gc?.();
    variants.forEach((variant, i) => {
      const us = batchMicros(variant);
      if (round >= WARMUP_ROUNDS) samples[i]?.push(us);
    });
  }
  const summaries = samples.map(summarize);
  const [base] = summaries;
  if (!base) throw new Error('no baseline');
  log(`event cost: ${summaries.map((s, i) => `${variants[i]?.label}: ${s.p50.toFixed(2)} µs`).join('; ')}`);
  return {
    caption: `Cost per event (µs/event, ${ROUNDS} batches of ${BATCH} events each)`,
    head: ['Event', ...SUMMARY_HEAD, `× ${baseline} (p50 / p95)`],
    rows: summaries.map((s, i) => [
      variants[i]?.label ?? '',
      ...summaryCells(s),
      `${ratio(s.p50 / base.p50)} / ${ratio(s.p95 / base.p95)}`,
    ]),
  };
}
