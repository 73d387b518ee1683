import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Benchmark, Table } from './benchmark.ts';
import type { Counts } from './soak/probes.ts';
import type { SoakResult } from './soak/run.ts';
import { num, ratio, SUMMARY_HEAD, summarize, summaryCells } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const about = `One process of its own (\`node --expose-gc --conditions=source --import tsx bench/soak/run.ts\`), so its heap and event loop hold nothing but the soak and the reference server, in the same process: \`startServer\` with the embedded pipeline unpaced (\`tokenMs 0\`, \`audioSpeed 0\`) and its synthesis cache (the responder's turn number is held, so every reply is the same text and espeak-ng speaks it once). Conversations are \`createVoiceConversation\` with the \`ws\` WebSocket, the tutor dialect (seed 004, default options: heartbeat every 30 s) and a 0 ms retry (\`reconnect: { schedule: [0], maxAttempts: Infinity }\`). After a warm-up (300 cycles, 20 turns, 50 lifecycles, then stopped), three parts:

- **Drop and reconnect.** One conversation; the server cuts its connection without a closing handshake; the clock runs until the session is ready again (new socket open, \`init\` answered).
- **Full turn.** The same conversation sends a 1 s WAV clip; the clock runs until \`session.turn\` (transcript, streamed tokens, reply text, the reply as one WAV, \`done\`). Then the conversation is stopped.
- **Create, connect, stop.** A new conversation each time: started, ready, stopped, until the server has seen its socket close.

Counts are taken after a forced GC (twice, with a macrotask between): sockets (the \`ws\` class wrapped to count opens and closes, and a FinalizationRegistry for those still reachable), XState actors (every actor of every conversation's system, counted from inspection events; active, and still reachable), observers and emitted-event listeners on the active actors, XState's scheduled events, and \`process.getActiveResourcesInfo()\` (timers, TCP sockets). About 2 minutes.`;

const MB = (bytes: number) => num(bytes / 1e6);

/** Runs bench/soak/run.ts in its own process; its progress goes to `log`, its result is parsed. */
function runSoak(log: (line: string) => void): Promise<SoakResult> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--conditions=source', '--import', 'tsx', 'bench/soak/run.ts'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let result: SoakResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice('RESULT '.length)) as SoakResult;
    else log(line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`the soak process exited with code ${code} and no result`));
    });
  });
}

/** V8's compiled code: it grows as functions get optimized, and is no object the soak left behind. */
const code = (c: Counts) => (c.heapSpaces.code_space ?? 0) + (c.heapSpaces.code_large_object_space ?? 0);

const ROWS: [string, (c: Counts) => string][] = [
  ['heap used after GC (MB)', (c) => MB(c.heapUsed)],
  ['of which compiled code (MB)', (c) => MB(code(c))],
  ['of which everything else (MB)', (c) => MB(c.heapUsed - code(c))],
  ['sockets open (opened − closed)', (c) => String(c.socketsOpen)],
  ['sockets still reachable', (c) => String(c.socketsReachable)],
  ['listeners on open sockets', (c) => String(c.socketListeners)],
  ['XState actors active', (c) => String(c.actorsActive)],
  ['XState actors still reachable', (c) => String(c.actorsReachable)],
  ['observers and `on` listeners on active actors', (c) => String(c.actorListeners)],
  ['XState scheduled (delayed) events', (c) => String(c.scheduled)],
  ['Node timers (active `Timeout` resources)', (c) => String(c.timers)],
  ['TCP sockets (active `TCPSocketWrap`, both ends)', (c) => String(c.tcpSockets)],
  ['frames kept until a pong (count / MB)', (c) => `${c.unconfirmed.frames} / ${MB(c.unconfirmed.bytes)}`],
  ['sockets created so far', (c) => String(c.socketsCreated)],
  ['XState actors created so far', (c) => String(c.actorsCreated)],
];

export default {
  name: 'soak',
  title: 'Soak: reconnects, turns and lifecycles against the reference server, and what is left behind',
  about,
  async run(log) {
    const r = await runSoak(log);
    const moments: [string, Counts][] = [
      ['start', r.start],
      ['first conversation ready', r.connected],
      ['after its cycles and turns', r.afterUse],
      ['end: all stopped', r.end],
    ];
    const left: Table = {
      caption: 'What is held, after a forced GC (the reference server listening throughout)',
      head: ['count', ...moments.map(([name]) => name)],
      rows: ROWS.map(([name, read]) => [name, ...moments.map(([, counts]) => read(counts))]),
    };
    const parts: Table = {
      caption: 'Time per cycle, turn or lifecycle (ms)',
      head: ['part', ...SUMMARY_HEAD, 'total s', 'per second', 'failed turns'],
      rows: r.phases.map((p) => [
        p.name,
        ...summaryCells(summarize(p.times)),
        num(p.seconds),
        num(p.count / p.seconds),
        String(p.failures),
      ]),
    };
    const heap: Table = {
      caption: 'Heap used after a forced GC at each tenth of each part (MB)',
      head: ['part', ...r.phases[0]!.heap.map((_, i) => `${i + 1}/10`), 'last ÷ first'],
      rows: r.phases.map((p) => [p.name, ...p.heap.map(MB), ratio(p.heap.at(-1)! / p.heap[0]!)]),
    };
    const growth = r.end.heapUsed - r.start.heapUsed;
    const codeGrowth = code(r.end) - code(r.start);
    const signed = (bytes: number) => `${bytes >= 0 ? '+' : ''}${MB(bytes)} MB`;
    const leftBehind = [
      r.end.socketsOpen,
      r.end.socketsReachable,
      r.end.actorsActive,
      r.end.actorsReachable,
      r.end.timers,
      r.end.tcpSockets,
    ].reduce((a, b) => a + b, 0);
    return {
      tables: [parts, left, heap],
      notes: [
        `Heap at the end against the start: ${signed(growth)} (${ratio(r.end.heapUsed / r.start.heapUsed)}; goal under 1 MB), after ${r.phases.map((p) => `${p.count} × ${p.name}`).join(', ')}; of it, compiled code ${signed(codeGrowth)}, everything else ${signed(growth - codeGrowth)}.`,
        leftBehind === 0
          ? 'Left behind at the end: no socket open or reachable, no actor active or reachable, no timer, no TCP socket.'
          : `Left behind at the end: ${leftBehind} sockets, actors, timers or TCP sockets (see the table).`,
        "While connected, the connection keeps every frame it wrote until a pong proves the server read it (to report them with `connection.lost`), at most `queue.maxMessages` (1000) frames. A ping goes out only after `heartbeat.intervalMs` (30 s for tutor) without a message from the server, so during back-to-back turns none does and the record holds every clip sent: that, not a leak, is the heap's growth during the turns; it is released when the connection drops or the conversation stops.",
      ],
    };
  },
} satisfies Benchmark;
