/** The OpenAI-compatible pipeline against a fake API in this process, through the real client. */
import { afterEach, describe, expect, test } from 'vitest';
import { openAIConfigFromEnv, openAIPipeline, type VoiceServer } from '../../server/src/index.ts';
import { messageType } from '../../src/dialects/messageType.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import type { Dialect } from '../../src/dialects/types.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { type FakeOpenAIOptions, SPEECH_RATE, startFakeOpenAI } from './fakeOpenAI.ts';
import { type ClientSession, openSession, rmsOf, speechClip, startQuickServer } from './support.ts';

const CLIP = speechClip({ durationMs: 600, speech: [[100, 500]] });
let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
let server: VoiceServer;
let session: ClientSession | undefined;

afterEach(async () => {
  session?.stop();
  session = undefined;
  await server.stop();
  await fake.stop();
});

async function setUp(dialect: Dialect, options: FakeOpenAIOptions = {}, baseUrl?: string) {
  fake = await startFakeOpenAI(options);
  const config = openAIConfigFromEnv({
    VOXSTATE_OPENAI_BASE_URL: baseUrl ?? fake.baseUrl,
    VOXSTATE_OPENAI_API_KEY: 'test-key',
    VOXSTATE_OPENAI_STT_MODEL: 'stt-model',
    VOXSTATE_OPENAI_CHAT_MODEL: 'chat-model',
    VOXSTATE_OPENAI_TTS_MODEL: 'tts-model',
    VOXSTATE_OPENAI_TTS_VOICE: 'nova',
    VOXSTATE_OPENAI_SYSTEM_PROMPT: 'Be brief.',
  });
  server = await startQuickServer({ pipeline: openAIPipeline(config) });
  session = await openSession(server, dialect);
  return session;
}

const json = (body: Buffer) => JSON.parse(body.toString()) as Record<string, unknown>;

describe('the openai pipeline', () => {
  test('tutor: transcription, streamed chat, speech; the thread history goes with the next turn', async () => {
    const s = await setUp(tutor);
    const turn = await s.turn(CLIP);
    expect(turn).toMatchObject({
      user: 'what time is it',
      agent: 'It is noon. Enjoy your lunch.',
      failed: null,
    });
    // The fake's half-second tone at 24 kHz, passed through as the reply's WAV.
    expect(rmsOf(s.played).seconds).toBeCloseTo(0.5, 2);
    expect(rmsOf(s.played).rms).toBeCloseTo(0.3 / Math.SQRT2, 2);

    const [upload] = fake.to('/v1/audio/transcriptions');
    expect(upload?.authorization).toBe('Bearer test-key');
    const form = upload?.body.toString('latin1') ?? '';
    expect(form).toMatch(/name="model"\r\n\r\nstt-model\r\n/);
    expect(form).toMatch(/name="file"; filename="audio.wav"\r\nContent-Type: audio\/wav\r\n\r\nRIFF/);
    expect(json(fake.to('/v1/chat/completions')[0]?.body ?? Buffer.from('{}'))).toEqual({
      model: 'chat-model',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'what time is it' },
      ],
    });
    expect(json(fake.to('/v1/audio/speech')[0]?.body ?? Buffer.from('{}'))).toEqual({
      model: 'tts-model',
      voice: 'nova',
      input: 'It is noon. Enjoy your lunch.',
      response_format: 'wav',
    });

    await s.turn(CLIP);
    const second = json(fake.to('/v1/chat/completions')[1]?.body ?? Buffer.from('{}'));
    expect(second.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'what time is it' },
      { role: 'assistant', content: 'It is noon. Enjoy your lunch.' },
      { role: 'user', content: 'what time is it' },
    ]);
  });

  test('messageType: each sentence is spoken as soon as it is complete, streamed as PCM at the API rate', async () => {
    const s = await setUp(messageType);
    const turn = await s.turn(CLIP);
    expect(turn.agent).toBe('It is noon. Enjoy your lunch.');
    const inputs = fake.to('/v1/audio/speech').map((r) => json(r.body).input);
    expect(inputs).toEqual(['It is noon.', 'Enjoy your lunch.']);
    const plays = s.played.filter((c) => c.type === 'play');
    expect(
      plays.every((c) => c.type === 'play' && c.mimeType === 'audio/pcm' && c.sampleRate === SPEECH_RATE),
    ).toBe(true);
    expect(rmsOf(s.played).seconds).toBeCloseTo(1, 2);
  });

  test('an HTTP error from the API fails the turn with the reason; the session stays usable', async () => {
    const s = await setUp(tutor, { failures: { '/v1/audio/speech': 500 } });
    const turn = await s.turn(CLIP);
    expect(turn.failed).toBe('server.error');
    const error = s.emitted.find((e) => e.type === 'session.error');
    expect(error).toMatchObject({ error: { code: 'server.error' } });
    expect(error?.type === 'session.error' && error.error.message).toMatch(
      /speech: HTTP 500 from \/audio\/speech: .*the fake says no/,
    );
    expect(s.state()).toBe('ready');
  });

  test('an unreachable API is named in the error', async () => {
    const s = await setUp(tutor, {}, 'http://127.0.0.1:9/v1');
    const turn = await s.turn(CLIP);
    expect(turn.failed).toBe('server.error');
    const error = s.emitted.find((e) => e.type === 'session.error');
    expect(error?.type === 'session.error' && error.error.message).toMatch(
      /transcription: http:\/\/127\.0\.0\.1:9\/v1 is unreachable/,
    );
  });

  test('an interrupt cuts the streamed chat completion off', async () => {
    const tokens = Array.from({ length: 200 }, (_, i) => ` word${i}`);
    const s = await setUp(tutor, { tokens, tokenDelayMs: 20 });
    s.actor.send({ type: 'audio.send', audio: CLIP, mimeType: 'audio/wav' });
    await waitFor(() => (s.actor.getSnapshot().context.turn?.agent ?? '').length > 0, {
      what: 'the first token',
    });
    s.actor.send({ type: 'interrupt' });
    await waitFor(() => fake.to('/v1/chat/completions')[0]?.aborted === true, {
      what: 'the chat request to be cut off',
    });
    expect(fake.to('/v1/audio/speech')).toEqual([]);
  });
});

test('openAIConfigFromEnv: defaults, and OPENAI_API_KEY as the fallback key', () => {
  expect(
    openAIConfigFromEnv({ OPENAI_API_KEY: 'k', VOXSTATE_OPENAI_BASE_URL: 'http://localhost:8080/v1/' }),
  ).toMatchObject({
    baseUrl: 'http://localhost:8080/v1',
    apiKey: 'k',
    transcriptionModel: 'whisper-1',
    chatModel: 'gpt-4o-mini',
    speechModel: 'tts-1',
    voice: 'alloy',
  });
});
