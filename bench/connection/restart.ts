import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_BACKOFF } from '../../machines/connection.options.ts';
import type { Table } from '../benchmark.ts';
import { num, ratio, SUMMARY_HEAD, summarize, summaryCells } from '../stats.ts';
import { drop, listen, portOf } from '../wsServer.ts';
import { connectionTo, status } from './emitted.ts';

interface Trial {
  /** The retry delay the machine drew (jitter included) when it saw the close. */
  drawnMs: number;
  dropToNoticeMs: number;
  /** How much later than `notice + drawn delay` the socket was open: timer lateness + handshake. */
  lateMs: number;
  dropToOpenMs: number;
  listeningToOpenMs: number;
  retries: number;
}

const noop = () => {};

/**
 * One restart: a fresh connection with the default reconnect options opens, the server drops every
 * socket and stops listening, stays down `downtimeMs`, then listens again on the same port.
 * A fresh actor each trial, so each trial starts from retry 1 (the attempt counter resets only after
 * `minUptimeMs`, 5 s, of uptime).
 */
async function trial(downtimeMs: number): Promise<Trial> {
  let server = await listen(0, noop);
  const port = portOf(server);
  const connection = connectionTo(`ws://127.0.0.1:${port}`);
  const opened = status(connection, 'open');
  connection.send({ type: 'connect' });
  await opened;

  const noticed = status(connection, 'reconnecting');
  const reopened = status(connection, 'open');
  let retries = 0;
  const counting = connection.on('connection.status', (e) => {
    if (e.status === 'reconnecting') retries++;
  });
  const droppedAt = performance.now();
  await drop(server);
  if (downtimeMs > 0) await sleep(downtimeMs);
  server = await listen(port, noop);
  const listeningAt = performance.now();
  const notice = await noticed;
  const open = await reopened;
  counting.unsubscribe();
  connection.stop();
  await drop(server);

  const drawnMs = notice.event.delayMs ?? Number.NaN;
  return {
    drawnMs,
    dropToNoticeMs: notice.at - droppedAt,
    lateMs: open.at - notice.at - drawnMs,
    dropToOpenMs: open.at - droppedAt,
    listeningToOpenMs: open.at - listeningAt,
    retries,
  };
}

const TRIALS = 20;
const initial = DEFAULT_BACKOFF.initialDelayMs;

function row(label: string, values: number[], withRatio = true): string[] {
  const s = summarize(values);
  const r = withRatio ? `${ratio(s.p50 / initial)} / ${ratio(s.p95 / initial)}` : '–';
  return [label, ...summaryCells(s), r];
}

async function scenario(downtimeMs: number, log: (line: string) => void): Promise<Table> {
  const trials: Trial[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const t = await trial(downtimeMs);
    trials.push(t);
    log(
      `restart, down ${downtimeMs} ms, ${i + 1}/${TRIALS}: drawn ${t.drawnMs} ms, drop→open ${num(t.dropToOpenMs)} ms, listening→open ${num(t.listeningToOpenMs)} ms, retries ${t.retries}`,
    );
  }
  const pick = (key: keyof Trial) => trials.map((t) => t[key]);
  const rows = [
    row('old server dropped → open (ms)', pick('dropToOpenMs')),
    row('new server listening → open (ms)', pick('listeningToOpenMs')),
  ];
  if (downtimeMs === 0) {
    rows.push(
      row('first retry delay drawn by the machine (ms)', pick('drawnMs')),
      row('dropped → client sees the close (ms)', pick('dropToNoticeMs'), false),
      row('open later than close seen + drawn delay (ms)', pick('lateMs'), false),
    );
  }
  rows.push(row('retries used', pick('retries'), false));
  return {
    caption: `Server restart to open again, server down ${downtimeMs} ms (${TRIALS} trials)`,
    head: ['Figure', ...SUMMARY_HEAD, `× initialDelayMs ${initial} (p50 / p95)`],
    rows,
  };
}

/** Restart with no downtime (the first retry finds the server back) and with 1 s of downtime. */
export async function restartTables(log: (line: string) => void): Promise<Table[]> {
  return [await scenario(0, log), await scenario(1000, log)];
}
