import { afterEach, describe, expect, test } from 'vitest';
import { playback } from '../../src/adapters/playback.ts';
import { type AudioHost, createAudioHost } from '../../src/audio/host.ts';
import { pcm16ToFloat32 } from '../../src/audio/pcm.ts';
import { createResampler } from '../../src/audio/resample.ts';
import type { PlaybackCommand, PlaybackEvent } from '../../src/audio/types.ts';
import { encodeWav, parseWav } from '../../src/audio/wav.ts';
import { fixture, runAdapter, splitBytes, spyAudioContexts, tap, toPcm16, until } from './helpers.ts';

type Player = ReturnType<typeof runAdapter<PlaybackCommand, PlaybackEvent>>;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(options: Parameters<typeof playback>[0] = {}, host: AudioHost = createAudioHost()) {
  const context = host.context;
  const rendered = await tap(context, host.reference);
  const player: Player = runAdapter(playback({ host, ...options }));
  cleanup.push(
    () => host.close(),
    () => player.stop(),
  );
  return { host, context, rate: context.sampleRate, rendered, player };
}

const tone = (length: number, rate: number, hz: number, amplitude = 0.5) =>
  Float32Array.from({ length }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
/** Two tones, so that no stretch of the signal repeats. */
const speechLike = (length: number, rate: number) =>
  tone(length, rate, 310).map((s, i) => s + 0.3 * Math.sin((2 * Math.PI * 1234 * i) / rate));

/** What the context should render for a reply: its whole stream resampled at once. */
function resampled(samples: Float32Array, from: number, to: number) {
  const resampler = createResampler(from, to);
  return Float32Array.from([...resampler.process(samples), ...resampler.flush()]);
}

const frameOf = (at: number, rate: number) => Math.round((at * rate) / 1000);
const maxAbs = (values: Float32Array) => values.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
const maxStep = (values: Float32Array) =>
  values.reduce((max, v, i) => (i === 0 ? 0 : Math.max(max, Math.abs(v - (values[i - 1] as number)))), 0);

/** The rendered output holds exactly `expected` from `start` on, and silence just before and after. */
async function expectRendered(
  rendered: Awaited<ReturnType<typeof tap>>,
  start: number,
  expected: Float32Array,
) {
  const margin = 512;
  await rendered.waitUntil(start + expected.length + margin);
  const around = rendered.read(start - margin, start + expected.length + margin);
  expect(maxAbs(around.subarray(0, margin))).toBe(0);
  expect(maxAbs(around.subarray(margin + expected.length))).toBe(0);
  const body = around.subarray(margin, margin + expected.length);
  const worst = body.reduce((max, v, i) => Math.max(max, Math.abs(v - (expected[i] as number))), 0);
  expect(worst).toBeLessThan(1e-6);
}

describe('playback (rendered output in Chromium)', () => {
  const asWav = (sampleRate: number, piece: Uint8Array) =>
    encodeWav({ sampleRate, channels: 1, samples: new Int16Array(piece.slice().buffer) });
  test.each([
    ['audio/pcm', 16000, 'raw', (_rate: number, piece: Uint8Array) => piece],
    ['audio/wav', 24000, 'each a WAV file', (rate: number, piece: Uint8Array) => asWav(rate, piece)],
    [
      'audio/wav',
      22050,
      'one WAV header, then raw',
      (rate: number, piece: Uint8Array, index: number) => (index === 0 ? asWav(rate, piece) : piece),
    ],
  ])(
    'streamed %s chunks at %i Hz (%s) play back to back: not one sample of gap or overlap',
    async (mimeType, sampleRate, _form, wrap) => {
      // A jitter buffer longer than the reply: it starts once complete, however late the machine delivers.
      const { rate, rendered, player } = await setup({ jitterMs: 2000 });
      const signal = speechLike(Math.round(sampleRate * 0.6), sampleRate);
      const pcm = toPcm16(signal);
      for (const [index, piece] of splitBytes(pcm, 30, 1500).entries()) {
        const audio = wrap(sampleRate, piece, index);
        player.send({
          type: 'play',
          audio,
          mimeType,
          reply: 1,
          ...(mimeType === 'audio/pcm' ? { sampleRate } : {}),
        });
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      player.send({ type: 'finish', reply: 1 });
      const started = await player.next('playback.started');
      const ended = await player.next('playback.ended');
      const expected = resampled(pcm16ToFloat32(pcm), sampleRate, rate);
      const start = frameOf(started.audioAt, rate);
      expect(started.reply).toBe(1);
      expect(frameOf(ended.audioAt, rate) - start).toBe(expected.length);
      expect(ended.heardMs).toBeCloseTo((expected.length / rate) * 1000, 6);
      expect(player.of('playback.underrun')).toEqual([]);
      await expectRendered(rendered, start, expected);
    },
  );

  test('a whole WAV reply (espeak-ng speech) plays entirely, with its length as heard', async () => {
    const { rate, rendered, player } = await setup();
    const wav = await fixture('speech.wav');
    player.send({ type: 'play', audio: wav, mimeType: 'audio/wav', whole: true, reply: 1 });
    const started = await player.next('playback.started');
    const ended = await player.next('playback.ended');
    const parsed = parseWav(wav);
    if (parsed instanceof Error) throw parsed;
    const expected = resampled(parsed.channels[0] as Float32Array, parsed.sampleRate, rate);
    expect(ended.heardMs).toBeCloseTo((expected.length / rate) * 1000, 6);
    await expectRendered(rendered, frameOf(started.audioAt, rate), expected);
  });

  test('stop fades out within one render quantum, reports what was heard, and drops late chunks of the reply', async () => {
    // Enough jitter buffer that message delivery on a loaded machine cannot make it run dry.
    const { rate, rendered, player } = await setup({ jitterMs: 300 });
    const sampleRate = 16000;
    const signal = tone(sampleRate * 3, sampleRate, 440);
    const pieces = splitBytes(toPcm16(signal), 640, 640);
    const send = (piece: Uint8Array) =>
      player.send({ type: 'play', audio: piece, mimeType: 'audio/pcm', sampleRate, reply: 1 });
    pieces.slice(0, 100).forEach(send); // the first two seconds
    const started = await player.next('playback.started');
    const start = frameOf(started.audioAt, rate);
    await rendered.waitUntil(start + Math.round(rate * 0.3));
    player.send({ type: 'stop' });
    pieces.slice(100).forEach(send); // late audio of the stopped reply keeps arriving
    player.send({ type: 'finish', reply: 1 });
    const stopped = await player.next('playback.stopped');
    const silentFrom = frameOf(stopped.audioAt, rate);
    expect(stopped.reply).toBe(1);
    expect(player.of('playback.underrun')).toEqual([]);
    expect(stopped.heardMs).toBeCloseTo(((silentFrom - start) / rate) * 1000, 6);
    await rendered.waitUntil(silentFrom + Math.round(rate * 0.5));

    const expected = resampled(pcm16ToFloat32(toPcm16(signal)), sampleRate, rate);
    const output = rendered.read(start, silentFrom + Math.round(rate * 0.5));
    const fadeStart = output.findIndex((v, i) => Math.abs(v - (expected[i] as number)) > 1e-6);
    const fadeLength = silentFrom - start - fadeStart;
    expect(fadeLength).toBeGreaterThan(0);
    expect(fadeLength).toBeLessThanOrEqual(128);
    // Nothing of the reply after the fade, although its chunks kept coming.
    expect(maxAbs(output.subarray(silentFrom - start))).toBe(0);
    // No click: the fade never steps further than the tone itself does between two samples.
    const toneStep = maxStep(expected.subarray(0, rate));
    expect(maxStep(output.subarray(fadeStart - 1, silentFrom - start + 1))).toBeLessThan(1.5 * toneStep);
    expect(player.of('playback.started')).toHaveLength(1);

    // The next reply plays normally.
    player.send({
      type: 'play',
      audio: toPcm16(tone(1600, sampleRate, 440)),
      mimeType: 'audio/pcm',
      sampleRate,
      whole: true,
      reply: 2,
    });
    expect((await player.next('playback.started')).reply).toBe(2);
    expect((await player.next('playback.ended')).reply).toBe(2);
  });

  test('a stop naming a reply that has not started drops all of it when it comes; the next reply plays', async () => {
    const { player } = await setup();
    player.send({ type: 'stop', reply: 7 });
    expect(await player.next('playback.stopped')).toMatchObject({ heardMs: 0 });
    const tone8k = toPcm16(tone(1600, 16000, 300));
    player.send({ type: 'play', audio: tone8k, mimeType: 'audio/pcm', sampleRate: 16000, reply: 7 });
    player.send({ type: 'finish', reply: 7 });
    player.send({
      type: 'play',
      audio: tone8k,
      mimeType: 'audio/pcm',
      sampleRate: 16000,
      whole: true,
      reply: 8,
    });
    expect(await player.next('playback.started')).toMatchObject({ reply: 8 });
    expect(await player.next('playback.ended')).toMatchObject({ reply: 8 });
    expect(player.of('playback.started')).toHaveLength(1);
  });

  test('duck, restore and volume change the rendered level smoothly', async () => {
    const { context, rate, rendered, player } = await setup();
    const sampleRate = 16000;
    const signal = tone(sampleRate * 3, sampleRate, 200);
    player.send({ type: 'play', audio: toPcm16(signal), mimeType: 'audio/pcm', sampleRate, whole: true });
    const started = await player.next('playback.started');
    const start = frameOf(started.audioAt, rate);
    // The level over the 100 ms before the tap reaches `frame` + 250 ms.
    const levelAfter = async (frame: number) => {
      const end = frame + Math.round(rate * 0.25);
      await rendered.waitUntil(end);
      return maxAbs(rendered.read(end - Math.round(rate * 0.1), end));
    };
    const now = () => Math.round(context.currentTime * rate);
    expect(await levelAfter(start)).toBeCloseTo(0.5, 2);
    player.send({ type: 'duck', level: 0.25, rampMs: 15 });
    expect(await levelAfter(now())).toBeCloseTo(0.125, 2);
    player.send({ type: 'restore', rampMs: 50 });
    expect(await levelAfter(now())).toBeCloseTo(0.5, 2);
    player.send({ type: 'volume', value: 0.5 });
    const end = now();
    expect(await levelAfter(end)).toBeCloseTo(0.25, 2);
    const toneStep = maxStep(resampled(signal.subarray(0, sampleRate), sampleRate, rate));
    expect(maxStep(rendered.read(start, end))).toBeLessThan(1.05 * toneStep);
  });

  test('a suspended context (autoplay policy) reports blocked, holds the reply, and plays it on resume', async () => {
    const context = new AudioContext();
    await context.suspend();
    cleanup.push(() => context.close());
    const { rate, rendered, player } = await setup({}, createAudioHost({ context }));
    await player.next('playback.blocked');
    const pcm = toPcm16(speechLike(8000, 16000));
    player.send({ type: 'play', audio: pcm, mimeType: 'audio/pcm', sampleRate: 16000, whole: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(player.of('playback.started')).toEqual([]);
    expect(rendered.end()).toBe(0);
    player.send({ type: 'resume' });
    await player.next('playback.resumed');
    const started = await player.next('playback.started');
    await player.next('playback.ended');
    await expectRendered(
      rendered,
      frameOf(started.audioAt, rate),
      resampled(pcm16ToFloat32(pcm), 16000, rate),
    );
  });

  test('undecodable audio is a typed error, the reply ends unheard, the next one plays', async () => {
    const { player } = await setup();
    player.send({
      type: 'play',
      audio: new Uint8Array([1, 2, 3, 4]),
      mimeType: 'audio/mpeg',
      whole: true,
      reply: 1,
    });
    const { error, reply } = await player.next('playback.error');
    expect([error.source, error.code, reply]).toEqual(['playback', 'playback.decode', 1]);
    player.send({
      type: 'play',
      audio: toPcm16(tone(800, 16000, 300)),
      mimeType: 'audio/pcm',
      sampleRate: 16000,
      whole: true,
      reply: 2,
    });
    expect(await player.next('playback.ended')).toMatchObject({ reply: 1, heardMs: 0 });
    expect(await player.next('playback.ended')).toMatchObject({ reply: 2 });
  });

  test('chooses the output device where setSinkId exists, and says why not otherwise', async () => {
    const { player } = await setup();
    player.send({ type: 'sink', deviceId: '' });
    expect(await player.next('playback.sink')).toEqual({ type: 'playback.sink', deviceId: '' });
    player.send({ type: 'sink', deviceId: 'no-such-device' });
    expect((await player.next('playback.error')).error.code).toBe('playback.sink-failed');
  });

  test('teardown closes the AudioContext it created and silences a shared one', async () => {
    const contexts = spyAudioContexts();
    try {
      const own: Player = runAdapter(playback());
      own.send({
        type: 'play',
        audio: toPcm16(tone(16000, 16000, 300)),
        mimeType: 'audio/pcm',
        sampleRate: 16000,
        whole: true,
      });
      await own.next('playback.started');
      own.stop();
      await until(() => contexts.created[0]?.state === 'closed', 'the created context to close');
    } finally {
      contexts.restore();
    }

    const { context, rate, rendered, player, host } = await setup();
    player.send({
      type: 'play',
      audio: toPcm16(tone(48000, 16000, 300)),
      mimeType: 'audio/pcm',
      sampleRate: 16000,
      whole: true,
    });
    await player.next('playback.started');
    player.stop();
    const after = Math.round(context.currentTime * rate) + 1024;
    await rendered.waitUntil(after + rate / 4);
    expect(context.state).toBe('running');
    expect(maxAbs(rendered.read(after, after + rate / 4))).toBe(0);
    expect(host.context).toBe(context);
  });
});
