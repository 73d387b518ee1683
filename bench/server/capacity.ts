import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Table } from '../benchmark.ts';
import { num, summarize } from '../stats.ts';

/** A reply that takes longer than this to arrive whole is too slow for a conversation. */
export const THRESHOLD_MS = 1000;
export const LEVELS = [1, 16, 32, 64, 96, 128, 160, 192, 256];
export const STEP_MS = 8_000;
/** Turns finishing in the first part of a step (while users join) are not counted. */
export const SETTLE_MS = 3_000;
const CLIP_MS = 2000;
const THINK_MIN_MS = 2000;
const THINK_MAX_MS = 4000;

const BIN = join(import.meta.dirname, '..', '..', 'server', 'bin', 'voxstate-server.js');

/** A 16 kHz WAV of `CLIP_MS` with a voiced stretch of `speechMs`, as base64. */
function clip(speechMs: number): string {
  const rate = 16_000;
  const samples = (CLIP_MS * rate) / 1000;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    const voiced = i >= rate * 0.2 && i < rate * (0.2 + speechMs / 1000);
    wav.writeInt16LE(voiced ? Math.round(8000 * Math.sin((2 * Math.PI * 150 * i) / rate)) : 0, 44 + i * 2);
  }
  return wav.toString('base64');
}

const CLIPS = Array.from({ length: 8 }, (_, i) =>
  JSON.stringify({ action: 'audio', data: clip(400 + i * 150) }),
);

interface Server {
  child: ChildProcess;
  url: string;
}

function startServer(): Promise<Server> {
  const child = spawn(
    process.execPath,
    [BIN, '--port', '0', '--token-ms', '0', '--audio-speed', '0', '--cache-mb', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

/** CPU seconds the process has used (Linux), or NaN. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Done {
  at: number;
  ms: number;
}

/** A simulated user on seed 004's protocol: a 2 s clip, the whole reply, 2 to 4 s of thought, again. */
class User {
  private ws: WebSocket | null = null;
  private stopped = false;
  failures = 0;

  constructor(
    private readonly url: string,
    private readonly index: number,
    private readonly done: Done[],
  ) {}

  async start(): Promise<User> {
    const ws = new WebSocket(`${this.url.replace('http', 'ws')}/api/ws/voice`);
    this.ws = ws;
    ws.on('error', () => {});
    ws.on('close', () => {
      if (!this.stopped) this.failures++;
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ action: 'init', thread_id: `bench-${this.index}`, audio_format: 'wav' }));
    await this.next((frame) => frame.includes('"initialized"'));
    void this.loop(ws);
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
  }

  /** The next small frame that `match`es; large ones (the reply's audio) are not even decoded. */
  private next(match: (frame: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        const bytes = data as Buffer;
        if (bytes.length > 200) return;
        const frame = bytes.toString();
        if (!match(frame)) return;
        this.ws?.off('message', onMessage);
        resolve(frame);
      };
      this.ws?.on('message', onMessage);
    });
  }

  private async loop(ws: WebSocket): Promise<void> {
    for (let turn = 0; !this.stopped; turn++) {
      const started = performance.now();
      const end = this.next((frame) => frame.includes('"done"') || frame.includes('"error"'));
      ws.send(CLIPS[(this.index + turn) % CLIPS.length] as string);
      const frame = await end;
      if (this.stopped) return;
      if (frame.includes('"error"')) this.failures++;
      else this.done.push({ at: performance.now(), ms: performance.now() - started });
      const think = THINK_MIN_MS + Math.random() * (THINK_MAX_MS - THINK_MIN_MS);
      await new Promise((resolve) => setTimeout(resolve, think));
    }
  }
}

export interface Capacity {
  table: Table;
  holds: number;
}

export async function capacityTable(log: (line: string) => void): Promise<Capacity> {
  const server = await startServer();
  const pid = server.child.pid ?? 0;
  const users: User[] = [];
  const done: Done[] = [];
  const rows: string[][] = [];
  let holds = 0;
  try {
    for (const level of LEVELS) {
      const stepStart = performance.now();
      const cpuStart = cpuSeconds(pid);
      // The new users join over about a second, not all in the same instant, and not one after another.
      const joining = Array.from({ length: level - users.length }, (_, i) => {
        const user = new User(server.url, users.length + i, done);
        return new Promise((resolve) => setTimeout(resolve, (1000 * i) / level)).then(() => user.start());
      });
      const joined = await Promise.all(joining);
      users.push(...joined);
      await new Promise((resolve) => setTimeout(resolve, STEP_MS - (performance.now() - stepStart)));
      const counted = done.filter((d) => d.at >= stepStart + SETTLE_MS).map((d) => d.ms);
      const s = summarize(counted);
      const seconds = (performance.now() - stepStart - SETTLE_MS) / 1000;
      const cpu = (cpuSeconds(pid) - cpuStart) / ((performance.now() - stepStart) / 1000);
      const state = (await (await fetch(`${server.url}/control`)).json()) as { rssBytes: number };
      const failures = users.reduce((sum, u) => sum + u.failures, 0);
      const ok = s.p95 <= THRESHOLD_MS && failures === 0;
      if (ok) holds = level;
      log(
        `${level} users: ${counted.length} turns, p50 ${num(s.p50)} ms, p95 ${num(s.p95)} ms, cpu ${num(cpu * 100)} %`,
      );
      rows.push([
        String(level),
        String(counted.length),
        num(counted.length / seconds),
        num(s.p50),
        num(s.p95),
        num(s.max),
        String(failures),
        num(cpu * 100),
        num(state.rssBytes / 2 ** 20),
        ok ? 'yes' : 'no',
      ]);
      if (!ok) break;
    }
  } finally {
    for (const user of users) user.stop();
    server.child.kill();
  }
  return {
    holds,
    table: {
      caption: `Concurrent conversations (seed 004 dialect, embedded pipeline, no pacing, no synthesis cache): each user sends a ${CLIP_MS / 1000} s clip, waits for the whole reply, thinks ${THINK_MIN_MS / 1000} to ${THINK_MAX_MS / 1000} s`,
      head: [
        'users',
        'turns counted',
        'turns/s',
        'p50 clip sent → done (ms)',
        'p95 (ms)',
        'max (ms)',
        'failures',
        'server CPU (% of a core)',
        'server RSS (MiB)',
        `p95 ≤ ${THRESHOLD_MS} ms`,
      ],
      rows,
    },
  };
}
