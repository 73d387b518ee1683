/**
 * Runs in Chromium (served by Vite, driven by bench/audio.bench.ts): streams replies through the
 * playback adapter and through a naive AudioBufferSourceNode scheduler, records the rendered output
 * with a tap worklet, and measures it.
 */
import { playback } from '../../src/adapters/playback.ts';
import { createAudioHost } from '../../src/audio/host.ts';
import { pcm16ToFloat32 } from '../../src/audio/pcm.ts';
import { createResampler } from '../../src/audio/resample.ts';
import type { PlaybackCommand, PlaybackEvent } from '../../src/audio/types.ts';
import { parseWav } from '../../src/audio/wav.ts';
import { fixture, runAdapter, splitBytes, tap, toPcm16 } from '../../test/browser/helpers.ts';

export interface ProbeOptions {
  /** Sample rate of the streamed PCM. */
  rate: number;
  trials: number;
  /** Chunk sizes in bytes (even), random in [min, max]. */
  minBytes: number;
  maxBytes: number;
  /** Chunks arrive this much faster than they play. */
  speedup: number;
  /** Head start before a reply plays: the adapter's jitter buffer, the naive scheduler's lead. */
  jitterMs: number;
}

export interface TrialResult {
  /** Per chunk boundary: rendered offset change in samples (>0 gap, <0 overlap). */
  boundaryShifts: number[];
  /** Largest rendered error against the ideal stream near a boundary, relative to full scale. */
  boundaryError: number;
  /** Chunks that came after the audio before them had played out (the machine's timers were late). */
  late: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function resampled(samples: Float32Array, from: number, to: number) {
  const resampler = createResampler(from, to);
  return Float32Array.from([...resampler.process(samples), ...resampler.flush()]);
}

/** Performance time at which audio-clock frame `frame` is audible. */
function audibleAt(context: AudioContext, frame: number) {
  const stamp = context.getOutputTimestamp();
  return (stamp.performanceTime ?? 0) + (frame / context.sampleRate - (stamp.contextTime ?? 0)) * 1000;
}

/**
 * Where each chunk's first sample landed in `rendered`, against the ideal back-to-back stream: the
 * shift (±32 samples, smallest on a tie) that best aligns 96 samples around it. Boundaries in silence
 * cannot be located and are skipped.
 */
function measure(rendered: Float32Array, expected: Float32Array, starts: number[]) {
  const window = 48;
  const cost = (start: number, shift: number) => {
    let sum = 0;
    for (let i = -window; i < window; i++)
      sum += ((rendered[start + shift + i] ?? 0) - (expected[start + i] ?? 0)) ** 2;
    return sum;
  };
  const shifts: number[] = [];
  let error = 0;
  for (const start of starts) {
    let energy = 0;
    for (let i = -window; i < window; i++) energy += (expected[start + i] ?? 0) ** 2;
    if (Math.sqrt(energy / (2 * window)) < 0.02) continue;
    let best = { shift: 0, cost: cost(start, 0) };
    for (let d = 1; d <= 32; d++) {
      for (const shift of [-d, d]) {
        const c = cost(start, shift);
        if (c < best.cost) best = { shift, cost: c };
      }
    }
    shifts.push(best.shift);
    for (let i = -window; i < window; i++) {
      error = Math.max(error, Math.abs((rendered[start + best.shift + i] ?? 0) - (expected[start + i] ?? 0)));
    }
  }
  const boundaryShifts = shifts.slice(1).map((s, i) => s - (shifts[i] as number));
  return { boundaryShifts, boundaryError: error };
}

async function speechAt(rate: number) {
  const wav = parseWav(await fixture('speech.wav'));
  if (wav instanceof Error) throw wav;
  return toPcm16(resampled(wav.channels[0] as Float32Array, wav.sampleRate, rate));
}

/** The playback adapter: chunks in, rendered output measured. */
async function adapterTrial(options: ProbeOptions, pcm: Uint8Array, seed: number): Promise<TrialResult> {
  const host = createAudioHost();
  const context = host.context;
  const out = context.sampleRate;
  const rendered = await tap(context, host.reference);
  const player = runAdapter<PlaybackCommand, PlaybackEvent>(playback({ host, jitterMs: options.jitterMs }));
  const pieces = splitBytes(pcm, options.minBytes, options.maxBytes, seed);
  for (const piece of pieces) {
    player.send({ type: 'play', audio: piece, mimeType: 'audio/pcm', sampleRate: options.rate, reply: 1 });
    await sleep(((piece.length / 2 / options.rate) * 1000) / options.speedup);
  }
  player.send({ type: 'finish', reply: 1 });
  const started = await player.next('playback.started', 30_000);
  const ended = await player.next('playback.ended', 30_000);
  const start = Math.round((started.audioAt * out) / 1000);
  const expected = resampled(pcm16ToFloat32(pcm), options.rate, out);
  await rendered.waitUntil(Math.round((ended.audioAt * out) / 1000) + 256);
  const measured = measure(
    rendered.read(start, start + expected.length),
    expected,
    boundaries(pieces, options.rate, out),
  );
  player.stop();
  await host.close();
  return { ...measured, late: player.of('playback.underrun').length };
}

/** Output sample index where each chunk starts, in the ideal back-to-back stream. */
function boundaries(pieces: Uint8Array[], from: number, to: number) {
  const starts: number[] = [];
  let input = 0;
  for (const piece of pieces) {
    starts.push(Math.round((input * to) / from));
    input += piece.length / 2;
  }
  return starts.filter((s) => s > 64);
}

/**
 * The usual hand-written scheduler (an AudioBufferSourceNode per chunk at `max(now, next)`, `next +=
 * duration`), as a baseline measured the same way.
 */
async function naiveTrial(options: ProbeOptions, pcm: Uint8Array, seed: number): Promise<TrialResult> {
  const context = new AudioContext();
  const out = context.sampleRate;
  const bus = context.createGain();
  bus.connect(context.destination);
  const rendered = await tap(context, bus);
  const pieces = splitBytes(pcm, options.minBytes, options.maxBytes, seed);
  let next = 0;
  let first = -1;
  let late = 0;
  for (const piece of pieces) {
    const samples = pcm16ToFloat32(piece);
    const buffer = context.createBuffer(1, samples.length, options.rate);
    buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(bus);
    if (next > 0 && context.currentTime > next) late++;
    const when = Math.max(context.currentTime + (next === 0 ? options.jitterMs / 1000 : 0), next);
    if (first < 0) first = when;
    source.start(when);
    next = when + buffer.duration;
    await sleep(((piece.length / 2 / options.rate) * 1000) / options.speedup);
  }
  const start = Math.round(first * out);
  const expected = resampled(pcm16ToFloat32(pcm), options.rate, out);
  await rendered.waitUntil(Math.ceil(next * out) + 256);
  const measured = measure(
    rendered.read(start, start + expected.length),
    expected,
    boundaries(pieces, options.rate, out),
  );
  await context.close();
  return { ...measured, late };
}

/**
 * One 1 s chunk (longer than the jitter buffer, so it starts at once): send → first audible sample;
 * then a stop mid-reply: command → silence on the rendered output, and samples heard after it.
 */
async function stopTrial(): Promise<{
  firstSampleMs: number;
  stopToSilentMs: number;
  samplesAfterStop: number;
  outputPathMs: number;
}> {
  const host = createAudioHost();
  const context = host.context;
  const rate = context.sampleRate;
  const rendered = await tap(context, host.reference);
  const player = runAdapter<PlaybackCommand, PlaybackEvent>(playback({ host }));
  const tone = Float32Array.from(
    { length: 16000 },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * 300 * i) / 16000),
  );
  const sentAt = performance.now();
  player.send({ type: 'play', audio: toPcm16(tone), mimeType: 'audio/pcm', sampleRate: 16000, reply: 1 });
  const started = await player.next('playback.started');
  const firstSampleMs = audibleAt(context, Math.round((started.audioAt * rate) / 1000)) - sentAt;
  await rendered.waitUntil(
    Math.round((started.audioAt * rate) / 1000) + rate / 5 + Math.floor(Math.random() * 128),
  );
  const stopAt = performance.now();
  player.send({ type: 'stop' });
  player.send({ type: 'play', audio: toPcm16(tone), mimeType: 'audio/pcm', sampleRate: 16000, reply: 1 });
  const stopped = await player.next('playback.stopped');
  const silent = Math.round((stopped.audioAt * rate) / 1000);
  await rendered.waitUntil(silent + rate / 4);
  const after = rendered.read(silent, silent + rate / 4).filter((v) => v !== 0).length;
  const stopToSilentMs = audibleAt(context, silent) - stopAt;
  const stamp = context.getOutputTimestamp();
  const outputPathMs = (context.currentTime - (stamp.contextTime ?? 0)) * 1000;
  player.stop();
  await host.close();
  return { firstSampleMs, stopToSilentMs, samplesAfterStop: after, outputPathMs };
}

async function runProbe(options: ProbeOptions) {
  const pcm = await speechAt(options.rate);
  const adapter: TrialResult[] = [];
  const naive: TrialResult[] = [];
  const stops: Awaited<ReturnType<typeof stopTrial>>[] = [];
  for (let trial = 0; trial < options.trials; trial++) {
    adapter.push(await adapterTrial(options, pcm, trial + 1));
    naive.push(await naiveTrial(options, pcm, trial + 1));
    stops.push(await stopTrial());
  }
  const probeContext = new AudioContext();
  const contextRate = probeContext.sampleRate;
  const baseLatencyMs = probeContext.baseLatency * 1000;
  const outputLatencyMs = probeContext.outputLatency * 1000;
  await probeContext.close();
  return {
    adapter,
    naive,
    stops,
    contextRate,
    baseLatencyMs,
    outputLatencyMs,
    speechMs: (pcm.length / 2 / options.rate) * 1000,
  };
}

export type ProbeResult = Awaited<ReturnType<typeof runProbe>>;

(globalThis as unknown as { runProbe: typeof runProbe }).runProbe = runProbe;
