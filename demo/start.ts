/**
 * `npm start`: the reference voice server (offline embedded pipeline, espeak-ng speech) and a Vite dev
 * server for the demo page, in one process. Ctrl-C stops both.
 *
 * Environment: DEMO_PORT (page, default 5173), SERVER_PORT (voice server, default 8787), DEMO_HOST
 * (default 127.0.0.1; 0.0.0.0 to open the page from another machine).
 */
import { createServer } from 'vite';
import { DISCLAIMER, embeddedPipeline, startServer } from '../server/src/index.ts';
import { demoConfig } from './config.ts';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`demo: ${name} must be a port number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const host = process.env.DEMO_HOST || '127.0.0.1';
const pipeline = embeddedPipeline();
// Loads espeak-ng now, so the first reply is not slower than the others.
await pipeline.synthesizer.synthesize('Ready.', new AbortController().signal);
const voice = await startServer({ port: port('SERVER_PORT', 8787), pipeline }).catch((error) => {
  console.error(`demo: the voice server could not start: ${error.message} (set SERVER_PORT)`);
  process.exit(1);
});
const vite = await createServer(demoConfig({ serverUrl: voice.url, port: port('DEMO_PORT', 5173), host }));
await vite.listen();

const page = vite.resolvedUrls?.local[0] ?? `http://${host}:${vite.config.server.port}/`;
console.log(`
  voxstate demo    ${page}
  voice server     ${voice.url}  (pipeline: ${voice.pipeline.name}; faults at ${voice.url}/control)

  ${DISCLAIMER}
  Ctrl-C stops both.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([vite.close(), voice.stop()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
