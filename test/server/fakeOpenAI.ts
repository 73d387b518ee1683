/** Just the three endpoints of an OpenAI-compatible API the server's `openai` pipeline calls. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  path: string;
  authorization: string | undefined;
  body: Buffer;
  /** The chat stream was cut off by the client before it ended. */
  aborted: boolean;
}

export interface FakeOpenAIOptions {
  transcript?: string;
  /** Streamed one `data:` event each. */
  tokens?: string[];
  tokenDelayMs?: number;
  /** Answer this path with this HTTP status instead. */
  failures?: Record<string, number>;
}

export const SPEECH_RATE = 24_000;

/** Half a second of a 440 Hz tone at 24 kHz, its sizes 0xFFFFFFFF as streamed WAVs have them. */
export function speechWav(): Buffer {
  const samples = SPEECH_RATE / 2;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(0xffffffff, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(SPEECH_RATE, 24);
  wav.writeUInt32LE(SPEECH_RATE * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(0xffffffff, 40);
  for (let i = 0; i < samples; i++)
    wav.writeInt16LE(Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 440 * i) / SPEECH_RATE)), 44 + i * 2);
  return wav;
}

const read = (request: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
  });

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}) {
  const requests: Recorded[] = [];
  const tokens = options.tokens ?? ['It', ' is', ' noon.', ' Enjoy', ' your', ' lunch.'];
  const http = createServer(async (request, response) => {
    const record: Recorded = {
      path: request.url ?? '',
      authorization: request.headers.authorization,
      body: await read(request),
      aborted: false,
    };
    requests.push(record);
    const failure = options.failures?.[record.path];
    if (failure) {
      response
        .writeHead(failure, { 'content-type': 'application/json' })
        .end('{"error":{"message":"the fake says no"}}');
      return;
    }
    if (record.path === '/v1/audio/transcriptions') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ text: options.transcript ?? 'what time is it' }));
    } else if (record.path === '/v1/chat/completions') {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.on('close', () => {
        record.aborted = !response.writableFinished;
      });
      for (const token of tokens) {
        if (options.tokenDelayMs) await new Promise((r) => setTimeout(r, options.tokenDelayMs));
        if (response.destroyed) return;
        response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: token } }] })}\n\n`);
      }
      response.end('data: [DONE]\n\n');
    } else if (record.path === '/v1/audio/speech') {
      response.writeHead(200, { 'content-type': 'audio/wav' }).end(speechWav());
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    /** Requests to one endpoint, e.g. `/v1/audio/speech`. */
    to: (path: string) => requests.filter((r) => r.path === path),
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
