/**
 * `npm run bench [-- name...]`: runs every `bench/*.bench.ts` (or the named ones) one after another,
 * prints each section, and after a full run writes bench/REPORT.md, so the report always holds one
 * complete run on one machine. See bench/benchmark.ts for the module shape.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './benchmark.ts';
import { machine, type Outcome, renderReport, renderSection } from './report.ts';
import { num } from './stats.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

async function discover(): Promise<Benchmark[]> {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const modules = await Promise.all(files.map((f) => import(pathToFileURL(`${here}${f}`).href)));
  return modules.map((m) => m.default as Benchmark);
}

async function runOne(benchmark: Benchmark): Promise<Outcome> {
  console.log(`\n▶ ${benchmark.name}: ${benchmark.title}`);
  const started = performance.now();
  const log = (line: string) => console.log(`  ${line}`);
  try {
    const section = await benchmark.run(log);
    return { benchmark, section, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    process.exitCode = 1;
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { benchmark, error: text, seconds: (performance.now() - started) / 1000 };
  }
}

async function main() {
  const all = await discover();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !all.some((b) => b.name === w));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${all.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  const chosen = wanted.length > 0 ? all.filter((b) => wanted.includes(b.name)) : all;
  const startedAt = new Date();
  const machineLines = machine();
  console.log(machineLines.join('\n'));
  const outcomes: Outcome[] = [];
  for (const benchmark of chosen) {
    const outcome = await runOne(benchmark);
    outcomes.push(outcome);
    console.log(`\n${renderSection(outcome)}`);
  }
  const total = outcomes.reduce((s, o) => s + o.seconds, 0);
  console.log(`\nTotal: ${total.toFixed(1)} s`);
  if (chosen.length === all.length) {
    const lines = [...machineLines, `Load average at end: ${loadavg().map(num).join(', ')}`];
    writeFileSync(`${here}REPORT.md`, renderReport(startedAt, lines, outcomes));
    console.log('Wrote bench/REPORT.md');
  } else {
    console.log('A subset ran: bench/REPORT.md is left as it was (it holds full runs only).');
  }
}

await main();
