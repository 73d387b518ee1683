import { afterEach, describe, expect, test } from 'vitest';
import { mediaRecorderCapture } from '../../src/adapters/mediaRecorderCapture.ts';
import { playback } from '../../src/adapters/playback.ts';
import { createAudioHost } from '../../src/audio/host.ts';
import type {
  CaptureCommand,
  CaptureEvent,
  CaptureInput,
  PlaybackCommand,
  PlaybackEvent,
} from '../../src/audio/types.ts';
import { parseWav } from '../../src/audio/wav.ts';
import { fixture, graphMicrophone, runAdapter, spyMediaDevices } from './helpers.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const OPUS_250 = { mimeType: 'audio/webm;codecs=opus', sampleRate: 16000, frameMs: 250 };

async function record(
  format: CaptureInput['format'],
  options: Parameters<typeof mediaRecorderCapture>[0] = {},
) {
  const host = createAudioHost();
  const wav = parseWav(await fixture('speech.wav'));
  if (wav instanceof Error) throw wav;
  const microphone = graphMicrophone(host.context, wav.channels[0] as Float32Array, wav.sampleRate);
  const capture = runAdapter<CaptureCommand, CaptureEvent>(mediaRecorderCapture({ host, ...options }), {
    format,
    stream: microphone.stream,
  });
  cleanup.push(
    () => host.close(),
    () => capture.stop(),
  );
  const started = await capture.next('capture.started');
  microphone.source.start();
  await microphone.ended;
  capture.send({ type: 'stop' });
  const done = await capture.next('capture.done');
  return { host, capture, started, done, speechMs: wav.durationMs };
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
  return out;
};
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

describe('MediaRecorder capture (Chromium)', () => {
  test('streams WebM/Opus in 250 ms timeslices that decode, alone as a prefix and together', async () => {
    const { host, capture, started, done, speechMs } = await record(OPUS_250);
    expect(started.mimeType).toBe('audio/webm;codecs=opus');
    expect(done.audio).toBeUndefined();
    const frames = capture.of('capture.frame');
    expect(frames.every((f, i) => f.index === i && f.audio.length > 0)).toBe(true);
    expect(frames.length).toBeGreaterThanOrEqual(Math.floor(speechMs / 250) - 1);
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(done.durationMs / 250) + 2);
    expect(Array.from(frames[0]?.audio.subarray(0, 4) ?? [])).toEqual(EBML_MAGIC);
    const decode = (bytes: Uint8Array) => host.context.decodeAudioData(bytes.slice().buffer);
    const whole = await decode(concat(frames.map((f) => f.audio)));
    expect(whole.duration * 1000).toBeGreaterThan(speechMs - 150);
    expect(whole.duration * 1000).toBeLessThan(done.durationMs + 300);
    // What a streaming server has after the first chunks: a decodable start of the same stream.
    const prefix = await decode(concat(frames.slice(0, 4).map((f) => f.audio)));
    expect(prefix.duration).toBeGreaterThan(0.5);
    expect(capture.of('capture.level').some((l) => l.rms > 0.02)).toBe(true);
  });

  test('without frameMs, one whole file in capture.done, which playback decodes and plays', async () => {
    const { host, capture, done, speechMs } = await record({
      mimeType: 'audio/webm;codecs=opus',
      sampleRate: 16000,
    });
    expect(capture.of('capture.frame')).toEqual([]);
    expect(done.mimeType).toBe('audio/webm;codecs=opus');
    const audio = done.audio as Uint8Array;
    expect(Array.from(audio.subarray(0, 4))).toEqual(EBML_MAGIC);
    const player = runAdapter<PlaybackCommand, PlaybackEvent>(playback({ host }));
    cleanup.push(() => player.stop());
    player.send({ type: 'play', audio, mimeType: done.mimeType, whole: true, reply: 1 });
    const ended = await player.next('playback.ended');
    expect(ended.heardMs).toBeGreaterThan(speechMs - 150);
  });

  test('falls back to a type the browser records when the requested one is not', async () => {
    const capture = runAdapter<CaptureCommand, CaptureEvent>(mediaRecorderCapture(), {
      format: { mimeType: 'audio/x-unknown', sampleRate: 16000, frameMs: 100 },
    });
    cleanup.push(() => capture.stop());
    expect((await capture.next('capture.started')).mimeType).toBe('audio/webm;codecs=opus');
    await capture.next('capture.frame');
  });

  test('an unsupported type without fallback is a typed error naming what works, before any prompt', async () => {
    const spy = spyMediaDevices();
    const capture = runAdapter<CaptureCommand, CaptureEvent>(
      mediaRecorderCapture({ fallback: false, mediaDevices: spy.devices }),
      {
        format: { mimeType: 'audio/ogg;codecs=opus', sampleRate: 16000 },
      },
    );
    cleanup.push(() => capture.stop());
    const { error } = await capture.next('capture.error');
    expect([error.source, error.code]).toEqual(['capture', 'capture.unsupported-type']);
    expect(error.message).toMatch(
      /cannot record audio\/ogg;codecs=opus\. It can record audio\/webm;codecs=opus/,
    );
    expect(spy.requests).toEqual([]);
  });
});
