import { VOICE_PROCESSOR, voiceWorkletSource } from '../src/adapters/voice.ts';
import { DEFAULT_ECHO_GATE } from '../src/audio/echoGate.ts';
import { createResampler } from '../src/audio/resample.ts';
import { DEFAULT_VAD } from '../src/audio/vad.ts';
import { parseWav } from '../src/audio/wav.ts';
import { CAPTURE_PROCESSOR, workletSource } from '../src/audio/worklet.ts';
import { FIXTURE_DIR, generateFixtures } from '../test/fixtures/generate.ts';
import type { ProbeOptions, ProbeResult } from './audio/probe.ts';
import type { Benchmark, Table } from './benchmark.ts';
import { runBrowserProbe } from './browserProbe.ts';
import { num, ratio, SUMMARY_HEAD, summarize, summaryCells } from './stats.ts';

const QUANTUM = 128;
const CAPTURE_ROUNDS = 20;
const VOICE_ROUNDS = 5;
const PROBE: ProbeOptions = {
  rate: 24000,
  trials: 8,
  minBytes: 96,
  maxBytes: 4000,
  speedup: 1.5,
  jitterMs: 200,
};

/** A fixture at a device rate, as the browser would hand it to a worklet. */
async function deviceInput(rate: number, name = 'turn.wav') {
  const { readFile } = await import('node:fs/promises');
  const wav = parseWav(await readFile(`${FIXTURE_DIR}/${name}`));
  if (wav instanceof Error) throw wav;
  const resampler = createResampler(wav.sampleRate, rate);
  const channel = wav.channels[0] as Float32Array;
  return Float32Array.from([...resampler.process(channel), ...resampler.flush()]);
}

type Processor = { process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean };

/**
 * The worklet module's own source text, run in this realm with stand-ins for the worklet globals (a
 * vm context would slow every global lookup and measure that instead). Restores the globals after.
 */
function withWorkletGlobals<T>(
  module: { source: string; processor: string },
  sampleRate: number,
  use: (create: (options: object) => Processor, setFrame: (frame: number) => void) => T,
): T {
  const g = globalThis as Record<string, unknown>;
  const names = ['sampleRate', 'currentFrame', 'AudioWorkletProcessor', 'registerProcessor'];
  const saved = names.map((name) => g[name]);
  const processors = new Map<string, new (options: object) => Processor>();
  Object.assign(g, {
    sampleRate,
    currentFrame: 0,
    AudioWorkletProcessor: class {
      readonly port = { postMessage() {}, onmessage: null };
    },
    registerProcessor: (name: string, ctor: new (options: object) => Processor) => processors.set(name, ctor),
  });
  try {
    new Function(module.source)();
    const Processor = processors.get(module.processor) as new (options: object) => Processor;
    return use(
      (processorOptions) => new Processor({ processorOptions }),
      (frame) => {
        g.currentFrame = frame;
      },
    );
  } finally {
    names.forEach((name, i) => {
      g[name] = saved[i];
    });
  }
}

/** The capture processor, fed the fixture at a device rate in 128-sample render quanta. */
async function captureTable(log: (line: string) => void): Promise<Table> {
  const rows: string[][] = [];
  for (const deviceRate of [48000, 44100]) {
    const input = await deviceInput(deviceRate);
    const seconds = input.length / deviceRate;
    const block = new Float32Array(QUANTUM);
    const capture = { source: workletSource, processor: CAPTURE_PROCESSOR };
    const times = withWorkletGlobals(capture, deviceRate, (create, setFrame) => {
      const measured: number[] = [];
      for (let round = 0; round < CAPTURE_ROUNDS + 2; round++) {
        const node = create({ outRate: 16000, frameSamples: 320, levelSamples: 800 });
        const started = performance.now();
        for (let at = 0; at + QUANTUM <= input.length; at += QUANTUM) {
          block.set(input.subarray(at, at + QUANTUM));
          setFrame(at);
          node.process([[block]], [[]]);
        }
        if (round >= 2) measured.push(performance.now() - started);
      }
      return measured;
    });
    const frames = (seconds * 1000) / 20;
    const perFrame = summarize(times.map((ms) => (ms * 1000) / frames));
    const share = summarize(times.map((ms) => ms / 1000 / seconds));
    log(`capture ${deviceRate} Hz → 16 kHz: ${num(perFrame.p50)} µs per 20 ms frame`);
    rows.push([
      `${deviceRate} → 16000`,
      ...summaryCells(perFrame),
      `${num(share.p50 * 100)} %`,
      `${num(share.p95 * 100)} %`,
    ]);
  }
  return {
    caption: `Capture worklet (resample, 20 ms frames, levels) per 20 ms frame, µs; turn.wav, ${CAPTURE_ROUNDS} rounds`,
    head: ['device rate → output', ...SUMMARY_HEAD, 'share of real time p50', 'p95'],
    rows,
  };
}

/** The room of the barge-in bench: the agent's echo (100 ms late, −15 dB) with the other voice over it. */
async function room(rate: number) {
  const agent = await deviceInput(rate, 'speech.wav');
  const user = await deviceInput(rate, 'other-voice.wav');
  const echoAt = Math.round(0.1 * rate);
  const userAt = Math.round(1.5 * rate);
  const microphone = new Float32Array(agent.length + echoAt);
  agent.forEach((v, i) => {
    microphone[i + echoAt] = v * 10 ** (-15 / 20);
  });
  const end = Math.min(user.length, microphone.length - userAt);
  for (let i = 0; i < end; i++)
    microphone[userAt + i] = (microphone[userAt + i] as number) + (user[i] as number) * 0.2;
  const reference = new Float32Array(microphone.length);
  reference.set(agent);
  return { microphone, reference };
}

const DETECTORS = [
  {
    name: `default: 128-sample frames, delay search every ${DEFAULT_ECHO_GATE.searchMs} ms`,
    frameMs: 0,
    searchMs: DEFAULT_ECHO_GATE.searchMs,
  },
  { name: '128-sample frames, delay search on every frame', frameMs: 0, searchMs: 0 },
  { name: '10 ms frames (the previous default)', frameMs: 10, searchMs: DEFAULT_ECHO_GATE.searchMs },
];

/** The voice processor (echo gate and detector), fed the agent's echo and the other voice, in render quanta. */
async function voiceTable(log: (line: string) => void): Promise<Table> {
  const rows: string[][] = [];
  for (const deviceRate of [48000, 44100]) {
    const { microphone, reference } = await room(deviceRate);
    const seconds = microphone.length / deviceRate;
    const mic = new Float32Array(QUANTUM);
    const ref = new Float32Array(QUANTUM);
    let base = Number.NaN;
    for (const detector of DETECTORS) {
      const voice = { source: voiceWorkletSource, processor: VOICE_PROCESSOR };
      const times = withWorkletGlobals(voice, deviceRate, (create, setFrame) => {
        const measured: number[] = [];
        for (let round = 0; round < VOICE_ROUNDS + 1; round++) {
          const node = create({
            frameSamples: detector.frameMs ? Math.round((detector.frameMs * deviceRate) / 1000) : QUANTUM,
            vad: DEFAULT_VAD,
            echoGate: { ...DEFAULT_ECHO_GATE, searchMs: detector.searchMs, sampleRate: deviceRate },
          });
          const started = performance.now();
          for (let at = 0; at + QUANTUM <= microphone.length; at += QUANTUM) {
            mic.set(microphone.subarray(at, at + QUANTUM));
            ref.set(reference.subarray(at, at + QUANTUM));
            setFrame(at);
            node.process([[mic], [ref]], [[]]);
          }
          if (round >= 1) measured.push(performance.now() - started);
        }
        return measured;
      });
      const quanta = Math.floor(microphone.length / QUANTUM);
      const perQuantum = summarize(times.map((ms) => (ms * 1000) / quanta));
      const share = summarize(times.map((ms) => ms / 1000 / seconds));
      if (Number.isNaN(base)) base = perQuantum.p50;
      log(`voice ${deviceRate} Hz, ${detector.name}: ${num(perQuantum.p50)} µs per quantum`);
      rows.push([
        `${deviceRate} Hz, ${detector.name}`,
        ...summaryCells(perQuantum),
        `${num(share.p50 * 100)} %`,
        ratio(perQuantum.p50 / base),
      ]);
    }
  }
  return {
    caption: `Voice worklet (echo gate + detector) per 128-sample render quantum, µs; ${VOICE_ROUNDS} rounds over the agent's echo with the other voice over it`,
    head: ['device rate, detector', ...SUMMARY_HEAD, 'share of real time p50', '× the default (p50)'],
    rows,
  };
}

async function probe(log: (line: string) => void): Promise<ProbeResult> {
  log(`playback: ${PROBE.trials} trials of streamed speech, adapter and naive scheduler`);
  return runBrowserProbe<ProbeOptions, ProbeResult>('bench/audio/page.html', PROBE, log);
}

function playbackTables(result: ProbeResult): Table[] {
  // A trial with a late chunk has a real gap there (the timers, not the scheduler): it is counted,
  // and its boundaries are left out of the placement figures.
  const shiftRow = (name: string, trials: ProbeResult['adapter']) => {
    const clean = trials.filter((t) => t.late === 0);
    const shifts = clean.flatMap((t) => t.boundaryShifts);
    const gaps = shifts.filter((s) => s > 0);
    const overlaps = shifts.filter((s) => s < 0).map((s) => -s);
    const error = summarize(clean.map((t) => t.boundaryError));
    return [
      name,
      `${trials.length - clean.length} of ${trials.length}`,
      String(shifts.length),
      String(gaps.length + overlaps.length),
      num(Math.max(0, ...gaps)),
      num(Math.max(0, ...overlaps)),
      num(error.p50),
      num(error.max),
    ];
  };
  const chunkFirst = summarize(result.stops.map((s) => s.firstSampleMs));
  const stop = summarize(result.stops.map((s) => s.stopToSilentMs));
  const quantumMs = (QUANTUM / result.contextRate) * 1000;
  return [
    {
      caption: `Chunk boundaries on the rendered output (${PROBE.rate} Hz PCM in chunks of ${PROBE.minBytes / 2}–${PROBE.maxBytes / 2} samples into a ${result.contextRate} Hz context, arriving ${PROBE.speedup}× faster than real time after a ${PROBE.jitterMs} ms head start; ${PROBE.trials} replies of ${num(result.speechMs / 1000)} s speech)`,
      head: [
        'scheduler',
        'trials with a late chunk (left out)',
        'boundaries located',
        'misplaced',
        'largest gap (samples)',
        'largest overlap (samples)',
        'error near boundaries p50 (full scale 1)',
        'max',
      ],
      rows: [
        shiftRow('voxstate playback (worklet queue)', result.adapter),
        shiftRow('naive AudioBufferSourceNode chain', result.naive),
      ],
    },
    {
      caption: `Latency on the audio clock mapped to performance.now() (getOutputTimestamp), ms; render quantum ${num(quantumMs)} ms, baseLatency ${num(result.baseLatencyMs)} ms, outputLatency ${num(result.outputLatencyMs)} ms`,
      head: ['measure', ...SUMMARY_HEAD, 'p50 / render quantum'],
      rows: [
        [
          'a chunk longer than the jitter buffer sent → its first sample audible',
          ...summaryCells(chunkFirst),
          ratio(chunkFirst.p50 / quantumMs),
        ],
        ['stop sent → silence on the output', ...summaryCells(stop), ratio(stop.p50 / quantumMs)],
        [
          'of which the output path (render position − audible position)',
          ...summaryCells(summarize(result.stops.map((s) => s.outputPathMs))),
          '—',
        ],
        [
          'samples of a stopped reply after its stop',
          ...summaryCells(summarize(result.stops.map((s) => s.samplesAfterStop))),
          '—',
        ],
      ],
    },
  ];
}

const benchmark: Benchmark = {
  name: 'audio',
  title: 'Audio: capture and voice worklet cost, gapless playback, playback latency',
  about: [
    "Capture: the worklet module's own source text (resampler, 20 ms framer, level meter) runs with stand-ins for the",
    'AudioWorkletGlobalScope globals (performance.now() does not exist in a worklet, so it is timed here, in Node), fed turn.wav (espeak-ng speech, silence, noise) resampled to a device rate, in 128-sample',
    'render quanta; the clock runs around the whole file. The voice worklet (echo gate and detector) is timed the same way over the',
    "barge-in bench's room: the agent's speech as reference, its echo 100 ms late at −15 dB with the other voice over it. Playback: headless Chromium (Debian) with a Vite-served page; replies",
    'of espeak-ng speech stream in as 24 kHz PCM chunks of random sizes; a tap worklet records what reaches the speakers and each',
    "chunk's first sample is located in it (±32 samples) against the ideal back-to-back stream; the same is done for the usual",
    'hand-written AudioBufferSourceNode scheduler. Latencies map audio-clock frames to performance.now() with getOutputTimestamp',
    '(so they include the reported output latency of the fake output device). About 60 s.',
  ].join(' '),
  async run(log) {
    await generateFixtures();
    const capture = await captureTable(log);
    const voice = await voiceTable(log);
    const result = await probe(log);
    const quantumMs = (QUANTUM / result.contextRate) * 1000;
    return {
      tables: [capture, voice, ...playbackTables(result)],
      notes: [
        `A stop takes effect at the next render quantum (${num(quantumMs)} ms here) and fades over at most one quantum; the rest is message passing and output latency.`,
        'Misplaced boundaries: chunks whose first sample is not where back to back puts it; the error column shows how far the rendered samples near boundaries stray from the ideal stream (clicks).',
        'A streamed reply whose first chunk is shorter than the jitter buffer (40 ms by default) also waits for that much audio before its first sample.',
      ],
    };
  },
};

export default benchmark;
