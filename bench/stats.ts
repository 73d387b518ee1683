/** Summary statistics and number formatting shared by every benchmark. */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

/** The q-quantile (0..1) of ascending `sorted` values, interpolating linearly between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const below = sorted[Math.floor(at)] as number;
  const above = sorted[Math.ceil(at)] as number;
  return below + (above - below) * (at - Math.floor(at));
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Each value divided by `base` (a configured figure, or a baseline measured in the same run). */
export const ratios = (values: readonly number[], base: number) => values.map((v) => v / base);

/** A number with about three significant digits, never in exponent notation. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

export const ratio = (value: number) => `${num(value)}×`;

/** The columns of a summary row: n, min, p50, p95, max, each formatted with `format`. */
export function summaryCells(summary: Summary, format: (v: number) => string = num): string[] {
  return [String(summary.n), ...[summary.min, summary.p50, summary.p95, summary.max].map(format)];
}

export const SUMMARY_HEAD = ['n', 'min', 'p50', 'p95', 'max'];
