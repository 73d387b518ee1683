/** The `voxstate-server` bin, as `npx voxstate-server` runs it: TypeScript through tsx, no build step. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, test } from 'vitest';
import WebSocket from 'ws';
import { waitFor } from '../helpers/waitFor.ts';

const BIN = join(import.meta.dirname, '..', '..', 'server', 'bin', 'voxstate-server.js');
const run = promisify(execFile);
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill();
  child = undefined;
});

test('--help says what it is, and that it is not a production backend', async () => {
  const { stdout } = await run(process.execPath, [BIN, '--help']);
  expect(stdout).toMatch(/^Usage: voxstate-server \[options\]/);
  expect(stdout).toContain('a development and test server, not a production backend');
  expect(stdout).toMatch(/--pipeline <name> +embedded .* or openai/s);
});

test('a bad option ends with status 2 and a reason', async () => {
  const failure = await run(process.execPath, [BIN, '--pipeline', 'cloud']).catch((e) => e);
  expect(failure.code).toBe(2);
  expect(failure.stderr).toContain('--pipeline must be embedded or openai, got "cloud"');
});

test('it starts, describes itself over HTTP and speaks a dialect from its TypeScript source', async () => {
  child = spawn(process.execPath, [BIN, '--port', '0', '--token-ms', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(out), {
    timeoutMs: 15_000,
    what: 'the server to listen',
  });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
  const page = await (await fetch(url)).text();
  expect(page).toContain('not a production backend');
  expect(page).toContain('/api/ws/voice  dialect "tutor"');

  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/ws/voice`);
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(String(data)));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ action: 'init', thread_id: 'cli', audio_format: 'wav' }));
  await waitFor(() => frames.length > 0, { what: 'initialized' });
  expect(JSON.parse(frames[0] ?? '')).toEqual({ event: 'initialized', thread_id: 'cli', kb_id: 'default' });
  ws.close();
}, 30_000);
