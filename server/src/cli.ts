/** `voxstate-server [--host] [--port] [--pipeline embedded|openai] ...`: see HELP. */
import { parseArgs } from 'node:util';
import { DISCLAIMER, describe } from './control.ts';
import { embeddedPipeline } from './pipeline/embedded.ts';
import { openAIConfigFromEnv, openAIPipeline } from './pipeline/openai.ts';
import { startServer } from './server.ts';

const HELP = `Usage: voxstate-server [options]

The voxstate reference voice server: speaks every voxstate dialect, offline, with real speech
(espeak-ng), and misbehaves on command.

${DISCLAIMER}

Options:
  --host <host>          interface to listen on (default 127.0.0.1)
  --port <port>          port (default 8000; 0 picks a free one)
  --pipeline <name>      embedded (default: offline; measures the audio, does not recognise words)
                         or openai (any OpenAI-compatible API, configured by the variables below)
  --token-ms <ms>        pause before each reply token of the embedded pipeline (default 40)
  --audio-speed <x>      streamed reply audio at x times real time (default 2; 0 = unpaced)
  --voice <name>         espeak-ng voice of the embedded pipeline (default en-us)
  --cache-mb <n>         speech kept for repeated replies, embedded pipeline (default 64; 0 = none)
  -h, --help             this text

Environment for --pipeline openai:
  VOXSTATE_OPENAI_BASE_URL      default https://api.openai.com/v1
  VOXSTATE_OPENAI_API_KEY       or OPENAI_API_KEY
  VOXSTATE_OPENAI_STT_MODEL     default whisper-1
  VOXSTATE_OPENAI_CHAT_MODEL    default gpt-4o-mini
  VOXSTATE_OPENAI_TTS_MODEL     default tts-1
  VOXSTATE_OPENAI_TTS_VOICE     default alloy
  VOXSTATE_OPENAI_SYSTEM_PROMPT

Fault controls (POST, same port): /control/drop[?code=], /control/mute-pings[?on=false],
/control/delay?ms=, /control/malformed, /control/restart[?ms=], /control/reset; GET /control.
`;

function fail(message: string): never {
  process.stderr.write(`voxstate-server: ${message}\nRun voxstate-server --help for the options.\n`);
  process.exit(2);
}

function count(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0)
    fail(`--${name} must be a number >= 0, got "${raw}"`);
  return value;
}

async function main() {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        pipeline: { type: 'string' },
        'token-ms': { type: 'string' },
        'audio-speed': { type: 'string' },
        voice: { type: 'string' },
        'cache-mb': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const str = (name: string) => values[name] as string | undefined;
  const pipelineName = str('pipeline') ?? 'embedded';
  if (pipelineName !== 'embedded' && pipelineName !== 'openai')
    fail(`--pipeline must be embedded or openai, got "${pipelineName}"`);
  const port = count('port', str('port'), 8000);
  const pipeline =
    pipelineName === 'openai'
      ? openAIPipeline(openAIConfigFromEnv())
      : embeddedPipeline({
          tokenMs: count('token-ms', str('token-ms'), 40),
          voice: str('voice'),
          cacheBytes: count('cache-mb', str('cache-mb'), 64) * 2 ** 20,
        });
  if (pipelineName === 'embedded') {
    // A wrong voice fails now, with espeak-ng's message, rather than on the first reply.
    await pipeline.synthesizer
      .synthesize('Ready.', new AbortController().signal)
      .catch((error: Error) => fail(error.message));
  }
  const server = await startServer({
    host: str('host') ?? '127.0.0.1',
    port,
    pipeline,
    audioSpeed: count('audio-speed', str('audio-speed'), 2),
  }).catch((error: NodeJS.ErrnoException) =>
    fail(error.code === 'EADDRINUSE' ? `port ${port} is in use` : error.message),
  );
  process.stdout.write(
    `voxstate-server listening on ${server.url} (pipeline: ${pipeline.name})\n\n${describe(server)}`,
  );
  server.onEvent((event) => {
    if (
      event.type === 'open' ||
      event.type === 'close' ||
      event.type === 'refused' ||
      event.type === 'reply.end'
    ) {
      const detail =
        event.type === 'refused'
          ? event.message
          : event.type === 'reply.end'
            ? event.outcome
            : event.type === 'close'
              ? String(event.code)
              : event.path;
      process.stdout.write(
        `${new Date(event.at).toISOString()} ${event.conversation.slice(0, 8)} ${event.dialect} ${event.type} ${detail}\n`,
      );
    }
  });
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
