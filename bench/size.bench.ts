import type { Benchmark, Table } from './benchmark.ts';
import { breakdown } from './size/breakdown.ts';
import { type BundleSize, bundleSize } from './size/bundle.ts';
import {
  AUDIO,
  CORE,
  CORE_BUDGET_BYTES,
  CORE_GOAL_BYTES,
  type Entry,
  EXTRAS,
  MACHINES,
  ROOT,
  XSTATE,
} from './size/entries.ts';
import { ensurePeers, PEERS, PEERS_DIR, versionOf } from './size/peers.ts';
import { num, ratio } from './stats.ts';

const about = `Every entry is measured the same way, in the same run: esbuild bundles a one-line module that imports it (ESM, browser platform, minified, \`react\` external, export conditions \`source\` and \`module\`, so \`voxstate\` is its TypeScript sources and XState its ESM build), and the output is gzipped at level 9. KB are 1000 bytes. Sizes are deterministic, so each is built once. The peers are installed in \`bench/peers\` (own package.json and lock file; the benchmark installs them when missing). Where the bytes go: each output character is attributed to its input through the source map, and an input's gzip cost is what the gzipped core loses without its characters (gzip shares context, so these add up to a little less than the whole). A few seconds, plus an \`npm install\` of the peers when they are missing.`;

const kb = (bytes: number) => num(bytes / 1000);

/** The peers, installed first when they are missing; ratios against the core and the core with audio. */
async function peerTable(core: BundleSize, app: BundleSize, log: (line: string) => void): Promise<Table> {
  ensurePeers(log);
  const peers: Table = {
    caption: `Peers, measured the same way; ratios of gzipped sizes (voxstate core ${kb(core.gzipped)} KB, with the audio adapters ${kb(app.gzipped)} KB)`,
    head: [
      'SDK (version)',
      'minified KB',
      'gzipped KB',
      '× voxstate core',
      '× voxstate core + audio adapters',
    ],
    rows: [],
  };
  for (const peer of PEERS) {
    const size: BundleSize = await bundleSize(peer.contents, PEERS_DIR);
    const versions = peer.packages.map((p) => `${p} ${versionOf(p)}`).join(', ');
    log(`${peer.name}: ${kb(size.gzipped)} KB gzipped`);
    peers.rows.push([
      `${peer.name} (${versions})`,
      kb(size.minified),
      kb(size.gzipped),
      ratio(size.gzipped / core.gzipped),
      ratio(size.gzipped / app.gzipped),
    ]);
  }
  return peers;
}

export default {
  name: 'size',
  title: 'Size: the core, its entries and the peers, minified and gzipped',
  about,
  async run(log) {
    const notes: string[] = [];
    const core = await bundleSize(CORE.contents, ROOT);
    log(`core: ${kb(core.minified)} KB minified, ${kb(core.gzipped)} KB gzipped`);
    const xstate = await bundleSize(XSTATE.contents, ROOT);
    const machines = await bundleSize(MACHINES.contents, ROOT);
    const row = (name: string, size: BundleSize, added: string) => [
      name,
      kb(size.minified),
      kb(size.gzipped),
      ratio(size.gzipped / core.gzipped),
      added,
    ];
    const ours: Table = {
      caption: 'voxstate entries (alone, and added to the core)',
      head: ['entry', 'minified KB', 'gzipped KB', '× core (gzipped)', 'added to the core, gzipped KB'],
      rows: [row(CORE.name, core, '–'), row(MACHINES.name, machines, '–'), row(XSTATE.name, xstate, '–')],
    };
    const withCore = (entry: Entry) => bundleSize(`${CORE.contents}\n${entry.contents}`, ROOT);
    const app = await withCore(AUDIO);
    for (const entry of EXTRAS) {
      const alone = await bundleSize(entry.contents, ROOT);
      const both = entry === AUDIO ? app : await withCore(entry);
      const added = `+${kb(both.gzipped - core.gzipped)}`;
      log(`${entry.name}: ${kb(alone.gzipped)} KB gzipped, ${added} KB on the core`);
      ours.rows.push(row(entry.name, alone, added));
      if (entry.note) notes.push(`${entry.name}: ${entry.note}.`);
    }

    const peers = await peerTable(core, app, log).catch((error: Error) => {
      notes.push(`The peers could not be measured: ${error.message}`);
      return null;
    });

    const shares = breakdown(core);
    const where: Table = {
      caption: `Where the core's ${kb(core.gzipped)} KB gzipped go`,
      head: ['input', 'minified KB', 'gzip cost KB', 'share of the gzipped core'],
      rows: shares.map((s) => [
        s.input,
        kb(s.minified),
        kb(s.gzipMarginal),
        `${num((100 * s.gzipMarginal) / core.gzipped)} %`,
      ]),
    };

    const against = (limit: number) => {
      const over = core.gzipped - limit;
      return over > 0
        ? `over it by ${kb(over)} KB (${ratio(core.gzipped / limit)})`
        : `within it, ${kb(-over)} KB to spare`;
    };
    return {
      tables: peers ? [ours, peers, where] : [ours, where],
      notes: [
        ...notes,
        `Goal: the core, XState included, at most ${kb(CORE_GOAL_BYTES)} KB gzipped. It is ${kb(core.gzipped)} KB: ${against(CORE_GOAL_BYTES)}.`,
        `Budget the size test holds it to (its size today, rounded up, so that it cannot grow unnoticed): ${kb(CORE_BUDGET_BYTES)} KB, ${against(CORE_BUDGET_BYTES)}.`,
        `XState alone is ${kb(xstate.gzipped)} KB (${num((100 * xstate.gzipped) / core.gzipped)} % of the core); with the statecharts and nothing else, ${kb(machines.gzipped)} KB.`,
      ],
    };
  },
} satisfies Benchmark;
