/**
 * The voice SDKs voxstate is compared with, installed in bench/peers (its own package.json and lock
 * file) so they never become dependencies of the library. Each entry imports what an app starts with.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry } from './entries.ts';
import { ROOT } from './entries.ts';

export const PEERS_DIR = join(ROOT, 'bench', 'peers');

export interface Peer extends Entry {
  packages: string[];
}

export const PEERS: Peer[] = [
  {
    name: 'Pipecat client + WebSocket transport',
    packages: ['@pipecat-ai/client-js', '@pipecat-ai/websocket-transport'],
    contents: `export { PipecatClient } from '@pipecat-ai/client-js';\nexport { WebSocketTransport } from '@pipecat-ai/websocket-transport';`,
  },
  {
    name: 'ElevenLabs client',
    packages: ['@elevenlabs/client'],
    contents: `export { Conversation } from '@elevenlabs/client';`,
  },
  {
    name: 'OpenAI Agents realtime',
    packages: ['@openai/agents-realtime'],
    contents: `export { RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';`,
  },
  {
    name: 'LiveKit client',
    packages: ['livekit-client'],
    contents: `export { Room } from 'livekit-client';`,
  },
  {
    name: 'PartySocket (reconnecting WebSocket only)',
    packages: ['partysocket'],
    contents: `export { default } from 'partysocket';`,
  },
];

/** Installs bench/peers from its lock file when it is missing or older than the lock file. */
export function ensurePeers(log: (line: string) => void) {
  const installed = join(PEERS_DIR, 'node_modules', '.package-lock.json');
  const lock = join(PEERS_DIR, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing the peer SDKs in bench/peers (npm install)');
  execFileSync('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function versionOf(name: string): string {
  const manifest = join(PEERS_DIR, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
