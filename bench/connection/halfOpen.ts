import type { WebSocket } from 'ws';
import { DEFAULT_HEARTBEAT } from '../../machines/connection.options.ts';
import type { Table } from '../benchmark.ts';
import { num, ratio, SUMMARY_HEAD, summarize, summaryCells } from '../stats.ts';
import { drop, listen, portOf } from '../wsServer.ts';
import { connectionTo, nextEmitted } from './emitted.ts';

interface Heartbeat {
  intervalMs: number;
  timeoutMs: number;
}

/** A server that answers the first ping of each connection, then goes silent and keeps the TCP open. */
function answerOnce(socket: WebSocket) {
  let pongs = 1;
  socket.on('message', (data) => {
    if (String(data) === 'ping' && pongs-- > 0) socket.send('pong');
  });
}

/** Ms from the last pong the machine received to its `heartbeat.timeout` error. */
async function trial(url: string, heartbeat: Heartbeat): Promise<number> {
  const connection = connectionTo(url, {
    heartbeat: { ...heartbeat, ping: () => 'ping', isPong: (f) => f === 'pong' },
  });
  const budget = 2 * (heartbeat.intervalMs + heartbeat.timeoutMs) + 10_000;
  const pong = nextEmitted(connection, 'connection.rtt', undefined, budget);
  const detected = nextEmitted(
    connection,
    'connection.error',
    (e) => e.error.code === 'heartbeat.timeout',
    budget,
  );
  connection.send({ type: 'connect' });
  const lastPong = await pong;
  const detection = await detected;
  connection.stop();
  return detection.at - lastPong.at;
}

function row(label: string, heartbeat: Heartbeat, values: number[]): string[] {
  const s = summarize(values);
  const bound = heartbeat.intervalMs + heartbeat.timeoutMs;
  return [label, ...summaryCells(s), `${num(bound)}`, `${ratio(s.p50 / bound)} / ${ratio(s.p95 / bound)}`];
}

const SHORT: Heartbeat = { intervalMs: 200, timeoutMs: 200 };
const SHORT_TRIALS = 20;
/** Trials with the default heartbeat run side by side (each its own connection): 25 s, not 25 s × n. */
const DEFAULT_TRIALS = 4;

export async function halfOpenTable(log: (line: string) => void): Promise<Table> {
  const server = await listen(0, answerOnce);
  const url = `ws://127.0.0.1:${portOf(server)}`;
  log(`half-open, default heartbeat: ${DEFAULT_TRIALS} concurrent trials (~25 s)`);
  const concurrent = Array.from({ length: DEFAULT_TRIALS }, () => trial(url, DEFAULT_HEARTBEAT));
  const defaults = await Promise.all(concurrent);
  log(`  detected after ${defaults.map(num).join(', ')} ms`);
  const shorts: number[] = [];
  for (let i = 0; i < SHORT_TRIALS; i++) shorts.push(await trial(url, SHORT));
  log(`half-open, short heartbeat: detected after ${shorts.map(num).join(', ')} ms`);
  await drop(server);
  const label = (h: Heartbeat, what: string) =>
    `${what}: interval ${h.intervalMs} + timeout ${h.timeoutMs} ms`;
  return {
    caption: 'Half-open connection: last pong received → heartbeat.timeout (ms)',
    head: ['Heartbeat', ...SUMMARY_HEAD, 'interval + timeout (ms)', '× (interval + timeout) (p50 / p95)'],
    rows: [
      row(label(DEFAULT_HEARTBEAT, 'default, trials concurrent'), DEFAULT_HEARTBEAT, defaults),
      row(label(SHORT, 'short, trials in sequence'), SHORT, shorts),
    ],
  };
}
