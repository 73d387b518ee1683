/**
 * The shape of a benchmark module. To add one, create `bench/<name>.bench.ts` whose default export
 * is a `Benchmark`; `npm run bench` finds it, `npm run bench -- <name>` runs it alone.
 *
 * Rules every benchmark follows (issue 9): figures in absolute units (ms, µs, bytes), each as p50/p95
 * or min/median/max over repeated runs (`summarize` in bench/stats.ts); every comparison also as a
 * ratio against a figure measured or configured in the same run; a benchmark reports, it never passes
 * or fails (throw only when it cannot run at all). The whole `npm run bench` stays within 10 minutes
 * on a 2-core machine, so say in `about` how long yours takes.
 */
export interface Benchmark {
  /** The command-line name: lower case, no spaces. */
  name: string;
  /** The section heading in the report. */
  title: string;
  /** Markdown: what is measured, how, and when each clock starts. */
  about: string;
  /** Runs the measurements; `log` prints progress to stdout (not to the report). */
  run(log: (line: string) => void): Promise<Section>;
}

/** What a benchmark hands back: tables of figures, then notes on what they show. */
export interface Section {
  tables: Table[];
  notes?: string[];
}

export interface Table {
  caption: string;
  head: string[];
  rows: string[][];
}
