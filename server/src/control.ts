/**
 * The HTTP side of the server: a short description at `/`, `/health`, and the fault controls at
 * `/control` (GET for the state, POST `/control/<fault>` to trigger one). CORS is open so the demo
 * page, served from another port, can press the buttons.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { protocols } from './protocols/index.ts';
import type { VoiceServer } from './server.ts';

export const DISCLAIMER =
  'voxstate-server is a development and test server, not a production backend: no authentication, no rate limits, faults on command.';

type Params = URLSearchParams;
type Action = (server: VoiceServer, params: Params) => unknown;

class BadRequest extends Error {}

function number(params: Params, name: string, fallback?: number): number | undefined {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new BadRequest(`${name} must be a number >= 0, got "${raw}"`);
  }
  return value;
}

function flag(params: Params, name: string): boolean {
  const raw = params.get(name);
  if (raw === null || ['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new BadRequest(`${name} must be true or false, got "${raw}"`);
}

const actions: Record<string, Action> = {
  drop: (server, params) => {
    const code = number(params, 'code');
    return { dropped: server.faults.drop(code, params.get('reason') ?? undefined) };
  },
  'mute-pings': (server, params) => server.faults.mutePings(flag(params, 'on')),
  delay: (server, params) => server.faults.delay(number(params, 'ms', 0) ?? 0),
  malformed: (server) => ({ sent: server.faults.malformed() }),
  restart: (server, params) => {
    // Answered first: the restart closes this very connection.
    const downMs = number(params, 'ms', 500);
    setTimeout(() => void server.faults.restart(downMs).catch(() => {}), 10);
    return { restarting: true, downMs };
  },
  reset: (server) => server.faults.reset(),
};

function state(server: VoiceServer) {
  return {
    ...server.faults.state,
    connections: server.connections(),
    pipeline: server.pipeline.name,
    rssBytes: process.memoryUsage().rss,
  };
}

function reply(response: ServerResponse, status: number, body: unknown) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'cache-control': 'no-store',
  });
  response.end(text);
}

export function describe(server: VoiceServer): string {
  const paths = protocols.map((p) => `  ${server.wsUrl(p.dialect.path)}  dialect "${p.dialect.name}"`);
  return [
    DISCLAIMER,
    '',
    'WebSocket paths:',
    ...paths,
    '',
    `Faults: POST ${server.url}/control/{drop[?code=],mute-pings[?on=false],delay?ms=,malformed,restart[?ms=],reset}`,
    `State:  GET  ${server.url}/control`,
    '',
  ].join('\n');
}

export function handleHttp(request: IncomingMessage, response: ServerResponse, server: VoiceServer): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (request.method === 'OPTIONS') return reply(response, 204, '');
  if (request.method === 'GET' && path === '/') return reply(response, 200, describe(server));
  if (request.method === 'GET' && path === '/health') return reply(response, 200, { ok: true });
  if (request.method === 'GET' && path === '/control') return reply(response, 200, state(server));
  if (protocols.some((p) => p.dialect.path === path))
    return reply(response, 426, 'Upgrade Required: this is a WebSocket path\n');
  const name = path.startsWith('/control/') ? path.slice('/control/'.length) : null;
  const action = name === null ? undefined : actions[name];
  if (!action) return reply(response, 404, { error: `no such endpoint: ${request.method} ${path}` });
  if (request.method !== 'POST') return reply(response, 405, { error: `use POST for ${path}` });
  try {
    const result = action(server, url.searchParams);
    reply(response, 200, { ok: true, ...(result ?? {}), state: state(server) });
  } catch (error) {
    if (error instanceof BadRequest) return reply(response, 400, { error: error.message });
    throw error;
  }
}
