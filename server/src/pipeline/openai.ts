/**
 * A pipeline over any OpenAI-compatible HTTP API: `POST /audio/transcriptions` (multipart),
 * `POST /chat/completions` with `stream: true` (server-sent events) and `POST /audio/speech` (WAV).
 * Point it at a hosted service or a local one with environment variables (see `openAIConfigFromEnv`).
 */
import * as v from 'valibot';
import { PcmDecoder, type TurnAudio } from '../audio/input.ts';
import type { Pcm } from '../audio/pcm.ts';
import { encodeWav } from '../audio/wav.ts';
import type { Pipeline, Responder, Synthesizer, Transcriber } from './types.ts';

export interface OpenAIConfig {
  /** Up to and including the version, e.g. `https://api.openai.com/v1` or `http://localhost:8080/v1`. */
  baseUrl: string;
  apiKey: string | undefined;
  transcriptionModel: string;
  chatModel: string;
  speechModel: string;
  voice: string;
  systemPrompt: string;
}

const SYSTEM_PROMPT =
  'You are a friendly voice assistant. Your answers are spoken aloud: keep them short, plain sentences, no lists or markup.';

/** The configuration from `VOXSTATE_OPENAI_*` variables (the key also from `OPENAI_API_KEY`). */
export function openAIConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OpenAIConfig {
  return {
    baseUrl: (env.VOXSTATE_OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/+$/, ''),
    apiKey: env.VOXSTATE_OPENAI_API_KEY ?? env.OPENAI_API_KEY,
    transcriptionModel: env.VOXSTATE_OPENAI_STT_MODEL ?? 'whisper-1',
    chatModel: env.VOXSTATE_OPENAI_CHAT_MODEL ?? 'gpt-4o-mini',
    speechModel: env.VOXSTATE_OPENAI_TTS_MODEL ?? 'tts-1',
    voice: env.VOXSTATE_OPENAI_TTS_VOICE ?? 'alloy',
    systemPrompt: env.VOXSTATE_OPENAI_SYSTEM_PROMPT ?? SYSTEM_PROMPT,
  };
}

const transcription = v.object({ text: v.string() });
const chunk = v.object({
  choices: v.array(v.object({ delta: v.nullish(v.object({ content: v.nullish(v.string()) })) })),
});

const UPLOADS: Record<TurnAudio['format'], [type: string, name: string]> = {
  wav: ['audio/wav', 'audio.wav'],
  pcm_s16le: ['audio/wav', 'audio.wav'],
  webm: ['audio/webm', 'audio.webm'],
  ogg: ['audio/ogg', 'audio.ogg'],
  mp3: ['audio/mpeg', 'audio.mp3'],
  unknown: ['application/octet-stream', 'audio.bin'],
};

/** The turn as a file the API accepts: raw PCM gets a WAV header, the rest goes as it came. */
function upload(audio: TurnAudio): Blob {
  const bytes =
    audio.format === 'pcm_s16le'
      ? encodeWav({
          samples: new Int16Array(audio.bytes.slice(0, audio.bytes.length & ~1).buffer),
          sampleRate: audio.sampleRate ?? 16_000,
        })
      : audio.bytes;
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: UPLOADS[audio.format][0] });
}

function toPcm(wav: Uint8Array): Pcm {
  const decoder = new PcmDecoder('wav', null);
  const samples = decoder.push(wav);
  if (decoder.problem || decoder.sampleRate === null)
    throw new Error(`speech: ${decoder.problem ?? 'not a WAV file'}`);
  const ints = Int16Array.from(samples, (x) => Math.max(-32768, Math.min(32767, Math.round(x * 32768))));
  return { samples: ints, sampleRate: decoder.sampleRate };
}

export function openAIPipeline(config: OpenAIConfig, fetchImpl: typeof fetch = fetch): Pipeline {
  async function post(what: string, path: string, body: BodyInit, signal: AbortSignal, json = false) {
    const headers: Record<string, string> = {};
    if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
    if (json) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(`${config.baseUrl}${path}`, { method: 'POST', headers, body, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(`${what}: ${config.baseUrl} is unreachable (${cause ?? (error as Error).message})`);
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).slice(0, 200);
      throw new Error(`${what}: HTTP ${response.status} from ${path}${text ? `: ${text}` : ''}`);
    }
    return response;
  }

  const transcriber: Transcriber = {
    async transcribe(audio, signal) {
      const form = new FormData();
      form.append('file', upload(audio), UPLOADS[audio.format][1]);
      form.append('model', config.transcriptionModel);
      const response = await post('transcription', '/audio/transcriptions', form, signal);
      const body = v.safeParse(transcription, await response.json());
      if (!body.success) throw new Error('transcription: the answer has no text');
      return { text: body.output.text };
    },
  };

  const responder: Responder = {
    async *respond({ transcript, history, signal }) {
      const messages = [
        { role: 'system', content: config.systemPrompt },
        ...history,
        { role: 'user', content: transcript.text },
      ];
      const body = JSON.stringify({ model: config.chatModel, stream: true, messages });
      const response = await post('chat', '/chat/completions', body, signal, true);
      if (!response.body) throw new Error('chat: the answer has no body');
      yield* serverSentTokens(response.body);
    },
  };

  const synthesizer: Synthesizer = {
    async synthesize(text, signal) {
      const body = JSON.stringify({
        model: config.speechModel,
        voice: config.voice,
        input: text,
        response_format: 'wav',
      });
      const response = await post('speech', '/audio/speech', body, signal, true);
      return toPcm(new Uint8Array(await response.arrayBuffer()));
    },
  };

  return { name: 'openai', transcriber, responder, synthesizer };
}

/** The `delta.content` of each `data:` event of a streamed chat completion, until `[DONE]`. */
async function* serverSentTokens(body: ReadableStream<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let pending = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const data = line.startsWith('data:') ? line.slice(5).trim() : null;
        if (data === '[DONE]') return;
        const content = data === null ? null : tokenOf(data);
        if (content) yield content;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function tokenOf(data: string): string | null | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new Error(`chat: a streamed event that is not JSON: ${data.slice(0, 60)}`);
  }
  const event = v.safeParse(chunk, parsed);
  return event.success ? event.output.choices[0]?.delta?.content : null;
}
