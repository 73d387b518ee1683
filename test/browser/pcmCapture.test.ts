import { afterEach, describe, expect, test } from 'vitest';
import { pcmCapture } from '../../src/adapters/pcmCapture.ts';
import { type AudioHost, createAudioHost } from '../../src/audio/host.ts';
import { pcm16ToFloat32 } from '../../src/audio/pcm.ts';
import { createResampler } from '../../src/audio/resample.ts';
import type { CaptureCommand, CaptureEvent, CaptureInput } from '../../src/audio/types.ts';
import { parseWav } from '../../src/audio/wav.ts';
import {
  bestLag,
  fixture,
  graphMicrophone,
  manifest,
  runAdapter,
  spyAudioContexts,
  spyMediaDevices,
  until,
} from './helpers.ts';

type Capture = ReturnType<typeof runAdapter<CaptureCommand, CaptureEvent>>;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const WAV_16K = { mimeType: 'audio/wav', sampleRate: 16000 };

function startCapture(input: CaptureInput, options: Parameters<typeof pcmCapture>[0] = {}): Capture {
  const capture: Capture = runAdapter(pcmCapture(options), input);
  cleanup.push(() => capture.stop());
  return capture;
}

function sharedHost(): AudioHost {
  const host = createAudioHost();
  cleanup.push(() => host.close());
  return host;
}

async function loadWav(name: string) {
  const wav = parseWav(await fixture(name));
  if (wav instanceof Error) throw wav;
  return { samples: wav.channels[0] as Float32Array, rate: wav.sampleRate, durationMs: wav.durationMs };
}

function resample(samples: Float32Array, from: number, to: number) {
  const resampler = createResampler(from, to);
  return Float32Array.from([...resampler.process(samples), ...resampler.flush()]);
}

/** Plays a fixture into a capture as its microphone, from a Web Audio graph on the capture's clock. */
async function captureFixture(
  name: string,
  format: CaptureInput['format'],
  extra: Partial<CaptureInput> = {},
) {
  const host = sharedHost();
  const clip = await loadWav(name);
  const microphone = graphMicrophone(host.context, clip.samples, clip.rate);
  const capture = startCapture({ format, stream: microphone.stream, ...extra }, { host });
  const started = await capture.next('capture.started');
  const playAt = host.context.currentTime + 0.05;
  microphone.source.start(playAt);
  await microphone.ended;
  capture.send({ type: 'stop' });
  const done = await capture.next('capture.done');
  return { host, clip, capture, started, done, microphone };
}

/** turn.wav captured once as a WAV turn with levels; two tests read it. */
let turnCapture: ReturnType<typeof captureFixture> | undefined;
const captureTurn = () => {
  turnCapture ??= captureFixture('turn.wav', WAV_16K, { levelMs: 50 });
  return turnCapture;
};

const rms = (values: Float32Array) => Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);

describe('pcm capture (Chromium)', () => {
  test('a turn is one real WAV file: header, 16 kHz, 16-bit mono, the fixture at the right speed', async () => {
    const { clip, started, done } = await captureTurn();
    expect(started).toMatchObject({ mimeType: 'audio/wav', sampleRate: 16000 });
    const audio = done.audio as Uint8Array;
    const view = new DataView(audio.buffer, audio.byteOffset, audio.byteLength);
    const text = (at: number) => String.fromCharCode(...audio.subarray(at, at + 4));
    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(audio.length - 8);
    expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true)]).toEqual([
      1, 1, 16000,
    ]);
    expect([view.getUint32(28, true), view.getUint16(32, true), view.getUint16(34, true)]).toEqual([
      32000, 2, 16,
    ]);
    expect(view.getUint32(40, true)).toBe(audio.length - 44);
    expect(done.mimeType).toBe('audio/wav');
    expect(done.durationMs).toBe(((audio.length - 44) / 2 / 16000) * 1000);
    // The whole fixture is in it (plus the graph's start-up latency), at the right rate: a rate off by
    // 0.1% already drops the correlation with the fixture resampled to 16 kHz to 0.26. Not 1.0: the
    // browser's MediaStream path between the graph and the capture may glitch on a loaded machine.
    expect(done.durationMs).toBeGreaterThan(clip.durationMs);
    expect(done.durationMs).toBeLessThan(clip.durationMs + 1000);
    const captured = pcm16ToFloat32(audio.subarray(44));
    const match = bestLag(captured, resample(clip.samples, clip.rate, 16000), 16000);
    expect(match.correlation).toBeGreaterThan(0.9);
  });

  test.each([
    [16000, 20],
    [24000, 30],
  ])(
    'streaming at %i Hz sends frames of exactly %i ms, numbered and timed on the audio clock',
    async (sampleRate, frameMs) => {
      const { clip, capture, started, done } = await captureFixture('speech.wav', {
        mimeType: 'audio/pcm',
        sampleRate,
        frameMs,
      });
      expect(started.sampleRate).toBe(sampleRate);
      expect(done.audio).toBeUndefined();
      const frames = capture.of('capture.frame');
      const samples = (sampleRate * frameMs) / 1000;
      expect(frames.length).toBe(Math.ceil((done.durationMs * sampleRate) / 1000 / samples));
      expect(frames.every((f, i) => f.index === i && f.audio.length === samples * 2)).toBe(true);
      const first = frames[0]?.audioAt ?? 0;
      expect(frames.every((f, i) => Math.abs(f.audioAt - first - i * frameMs) < 1e-6)).toBe(true);
      const joined = new Uint8Array(frames.length * samples * 2);
      frames.forEach((f, i) => joined.set(f.audio, i * samples * 2));
      const match = bestLag(
        pcm16ToFloat32(joined),
        resample(clip.samples, clip.rate, sampleRate),
        sampleRate,
      );
      expect(match.correlation).toBeGreaterThan(0.9);
    },
  );

  test('input levels follow the fixture: speech and the noise burst loud, the gaps between them quiet', async () => {
    const layout = (await manifest()).turn;
    const { capture, clip, done } = await captureTurn();
    const levels = capture.of('capture.level');
    // Where the fixture landed on the audio clock: the capture's first sample is one level window
    // before the first level report; the correlation gives the fixture's offset from there. (Not from
    // when it was started: on a loaded machine the browser's MediaStream path may drop tens of ms of the silence.)
    const captured = pcm16ToFloat32((done.audio as Uint8Array).subarray(44));
    const { lag } = bestLag(captured, resample(clip.samples, clip.rate, 16000), 16000);
    const fixtureAt = (levels[0]?.audioAt ?? 0) - 50 + lag / 16;
    const mean = (from: number, to: number) => {
      const inside = levels.filter(
        (l) => l.audioAt >= fixtureAt + from + 100 && l.audioAt <= fixtureAt + to - 50,
      );
      expect(inside.length).toBeGreaterThan(0);
      return inside.reduce((sum, l) => sum + l.rms, 0) / inside.length;
    };
    const speechEnd = layout.speechAt + layout.speechMs;
    expect(mean(layout.speechAt, speechEnd)).toBeGreaterThan(0.02);
    expect(mean(layout.noiseAt - 50, layout.noiseAt + layout.noiseMs)).toBeGreaterThan(0.1);
    expect(mean(speechEnd + 100, layout.noiseAt - 50)).toBeLessThan(0.001);
    expect(mean(0, layout.speechAt - 50)).toBeLessThan(0.001);
    expect(levels.every((l) => l.peak >= l.rms && l.peak <= 1)).toBe(true);
  });

  test('mute captures silence without stopping the frame clock; unmute brings the sound back', async () => {
    const host = sharedHost();
    const context = host.context;
    const rate = context.sampleRate;
    const tone = Float32Array.from(
      { length: rate * 3 },
      (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate),
    );
    const microphone = graphMicrophone(context, tone, rate);
    const capture = startCapture(
      { format: { mimeType: 'audio/pcm', sampleRate: 16000, frameMs: 20 }, stream: microphone.stream },
      { host },
    );
    await capture.next('capture.started');
    microphone.source.start();
    const frames = () => capture.of('capture.frame');
    const loud = (frame: { audio: Uint8Array }) => rms(pcm16ToFloat32(frame.audio)) > 0.3;
    const framesFrom = async (at: number, count: number) => {
      await until(
        () => frames().filter((f) => f.audioAt >= at).length >= count,
        `${count} frames after ${at} ms`,
      );
      return frames()
        .filter((f) => f.audioAt >= at)
        .slice(0, count);
    };
    await until(() => frames().some(loud), 'loud frames');
    capture.send({ type: 'mute', muted: true });
    // The mute fades in ~5 ms from the command's audio-clock time; 100 ms later it is exact silence.
    const mutedAt = context.currentTime * 1000 + 100;
    expect((await framesFrom(mutedAt, 15)).every((f) => f.audio.every((b) => b === 0))).toBe(true);
    capture.send({ type: 'mute', muted: false });
    const unmutedAt = context.currentTime * 1000 + 100;
    expect((await framesFrom(unmutedAt, 5)).every(loud)).toBe(true);
    expect(frames().every((f, i) => f.index === i)).toBe(true);
  });

  test('the microphone (fake device playing turn.wav): asks for echo cancellation, noise suppression, auto gain; releases everything', async () => {
    const spy = spyMediaDevices();
    const contexts = spyAudioContexts();
    cleanup.push(contexts.restore);
    const capture = startCapture({ format: WAV_16K }, { mediaDevices: spy.devices });
    const started = await capture.next('capture.started');
    expect(started.label).toContain('Fake');
    expect(spy.requests[0]?.audio).toMatchObject({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
    const devices = await capture.next('capture.devices');
    expect(devices.devices.map((d) => d.label)).toContain('Fake Audio Input 1');
    await until(
      () => capture.of('capture.level').some((l) => l.rms > 0.01),
      'sound from the fake microphone',
    );
    capture.send({ type: 'stop' });
    const done = await capture.next('capture.done');
    expect(done.durationMs).toBeGreaterThan(0);
    expect(spy.streams[0]?.getTracks().every((t) => t.readyState === 'ended')).toBe(true);
    await until(() => contexts.created[0]?.state === 'closed', 'the capture context to close');
  });

  test('device choice at start and mid-capture; the frame clock does not jump; devicechange lists again', async () => {
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
    const first = inputs.find((d) => d.label === 'Fake Audio Input 1')?.deviceId as string;
    const second = inputs.find((d) => d.label === 'Fake Audio Input 2')?.deviceId as string;
    const spy = spyMediaDevices();
    const capture = startCapture(
      { format: { mimeType: 'audio/pcm', sampleRate: 16000 }, deviceId: first },
      { mediaDevices: spy.devices, host: sharedHost() },
    );
    expect((await capture.next('capture.started')).deviceId).toBe(first);
    await until(() => capture.of('capture.frame').length > 10, 'frames from the first device');
    capture.send({ type: 'device', deviceId: second });
    expect((await capture.next('capture.device')).deviceId).toBe(second);
    const switchedAt = capture.of('capture.frame').length;
    await until(() => capture.of('capture.frame').length > switchedAt + 10, 'frames from the second device');
    expect(capture.of('capture.frame').every((f, i) => f.index === i)).toBe(true);
    expect(spy.streams[0]?.getTracks()[0]?.readyState).toBe('ended');
    await capture.next('capture.devices');
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    expect((await capture.next('capture.devices')).devices.length).toBe(inputs.length);
  });

  test('a device that is not there is a typed, actionable error', async () => {
    const capture = startCapture({ format: WAV_16K, deviceId: 'no-such-microphone' });
    const { error } = await capture.next('capture.error');
    expect([error.source, error.code, error.details.deviceId]).toEqual([
      'capture',
      'capture.device-missing',
      'no-such-microphone',
    ]);
    expect(error.message).toMatch(/Choose another microphone/);
  });

  test('a microphone unplugged mid-recording ends the capture with capture.device-lost', async () => {
    const spy = spyMediaDevices();
    const capture = startCapture({ format: WAV_16K }, { mediaDevices: spy.devices, host: sharedHost() });
    await capture.next('capture.started');
    spy.streams[0]?.getAudioTracks()[0]?.dispatchEvent(new Event('ended'));
    const { error } = await capture.next('capture.error');
    expect(error.code).toBe('capture.device-lost');
    expect(error.message).toMatch(/Reconnect it/);
    expect(spy.streams[0]?.getTracks().every((t) => t.readyState === 'ended')).toBe(true);
    capture.send({ type: 'stop' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(capture.of('capture.done')).toEqual([]);
  });

  test('a format pcm cannot produce is refused before the microphone opens', async () => {
    const spy = spyMediaDevices();
    const capture = startCapture(
      { format: { mimeType: 'audio/webm;codecs=opus', sampleRate: 16000 } },
      { mediaDevices: spy.devices },
    );
    const { error } = await capture.next('capture.error');
    expect(error.code).toBe('capture.unsupported-type');
    expect(spy.requests).toEqual([]);
  });

  test('a suspended context reports blocked; resume lets audio flow; an app stream is left running', async () => {
    const context = new AudioContext();
    await context.suspend();
    cleanup.push(() => context.close());
    // The autoplay policy: without a gesture, resume() waits. The flags here allow it at once, so the
    // page plays that part until the test's own `resume` stands for the user's click.
    const resume = context.resume.bind(context);
    let clicked = false;
    context.resume = () => (clicked ? resume() : new Promise<void>(() => {}));
    const microphone = graphMicrophone(context, new Float32Array(48000).fill(0.25), 48000);
    const capture = startCapture(
      { format: { mimeType: 'audio/pcm', sampleRate: 16000 }, stream: microphone.stream },
      { host: createAudioHost({ context }) },
    );
    await capture.next('capture.blocked');
    await capture.next('capture.started');
    expect(capture.of('capture.frame')).toEqual([]);
    clicked = true;
    capture.send({ type: 'resume' });
    await capture.next('capture.resumed');
    await capture.next('capture.frame');
    capture.send({ type: 'stop' });
    await capture.next('capture.done');
    expect(microphone.stream.getTracks().every((t) => t.readyState === 'live')).toBe(true);
  });
});
