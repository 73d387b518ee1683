/**
 * Runs in Chromium (served by Vite, driven by bench/bargeIn.bench.ts): a real conversation on the
 * simulated acoustic path of the browser tests (test/browser/bargeInRig.ts). The user's voice starts
 * at a known audio-clock time over the agent's echo; every figure is on the AudioContext clock.
 */
import type { VoiceOptions } from '../../src/adapters/voice.ts';
import { bargeInRig, type Rig, rmsOf, speechOf } from '../../test/browser/bargeInRig.ts';

/** A voice-adapter configuration to measure; the first is the default one. */
export interface Detector {
  name: string;
  voice: Omit<VoiceOptions, 'host' | 'stream'>;
}

export interface BargeInProbeOptions {
  /** Per detector, echo delay and user level. */
  trials: number;
  /** Per detector and echo delay. */
  echoReplies: number;
  echoDb: number;
  echoDelaysMs: number[];
  confirmMs: number;
  /** How much of the user's phrase is spoken (ms): more than the confirmation window. */
  userMs: number;
  detectors: Detector[];
  /** The user's level relative to the agent's echo at the microphone (0 = the same level). */
  userDb: number[];
}

export interface LatencyTrial {
  detector: string;
  userDb: number;
  echoDelayMs: number;
  /** null: that step never came (a missed interruption). */
  duckedMs: number | null;
  stoppedMs: number | null;
  /** Non-zero output samples of the interrupted reply after its stop took effect (one quantum of fade allowed). */
  samplesAfterStop: number;
}

export interface BargeInProbeResult {
  contextRate: number;
  /** The simulated microphone's own delay (MediaStream destination → source), measured with a click. */
  inputLatencyMs: number;
  latency: LatencyTrial[];
  /** Replies played with their echo only: how many were ducked, how many stopped. */
  echo: { detector: string; replies: number; ducked: number; stopped: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function latencyTrial(
  r: Rig,
  speech: { agent: Float32Array; user: Float32Array; rate: number },
  gain: number,
  jitterMs: number,
): Promise<Omit<LatencyTrial, 'detector' | 'userDb' | 'echoDelayMs'>> {
  const from = r.log.length;
  const reply = await r.reply(speech.agent, speech.rate);
  reply.send(12);
  const started = await r.next('session.speaking', from);
  const onset = started.audioAt + 400 + jitterMs;
  r.say(speech.user, speech.rate, onset, gain);
  const stopped = await r.next('playback.stopped', from, 4000).catch(() => undefined);
  const ducked = r.first('bargeIn.ducked', from);
  reply.send(); // the reply's late chunks
  let samplesAfterStop = 0;
  if (stopped) {
    const rate = r.context.sampleRate;
    const quietFrom = Math.round((stopped.audioAt * rate) / 1000) + 128;
    const until = Math.round(((r.nowMs() + 400) * rate) / 1000);
    await r.rendered.waitUntil(until);
    samplesAfterStop = r.rendered.read(quietFrom, until).filter((v) => v !== 0).length;
  }
  // The user's phrase ends, and the detector's hangover passes, before the next trial.
  const done = onset + (speech.user.length / speech.rate) * 1000 + 300;
  while (r.nowMs() < done) await sleep(50);
  return {
    duckedMs: ducked ? ducked.audioAt - onset : null,
    stoppedMs: stopped ? stopped.audioAt - onset : null,
    samplesAfterStop,
  };
}

async function runProbe(options: BargeInProbeOptions): Promise<BargeInProbeResult> {
  const agent = await speechOf('speech.wav');
  const user = await speechOf('other-voice.wav');
  // 1.5 s of the agent per reply; the start of the user's phrase.
  const speech = {
    agent: agent.samples.subarray(0, Math.round(1.5 * agent.rate)),
    user: user.samples.subarray(0, Math.round((options.userMs / 1000) * user.rate)),
    rate: agent.rate,
  };
  const echoLevel = rmsOf(agent.samples) * 10 ** (options.echoDb / 20);
  const latency: LatencyTrial[] = [];
  let contextRate = 0;
  let inputLatencyMs = 0;
  for (const detector of options.detectors) {
    for (const echoDelayMs of options.echoDelaysMs) {
      for (const userDb of options.userDb) {
        const r = await bargeInRig({
          echoDb: options.echoDb,
          echoDelayMs,
          confirmMs: options.confirmMs,
          voice: detector.voice,
        });
        contextRate = r.context.sampleRate;
        inputLatencyMs ||= await r.inputLatencyMs();
        const gain = (echoLevel / rmsOf(user.samples)) * 10 ** (userDb / 20);
        try {
          for (let i = 0; i < options.trials; i++) {
            // Onsets spread over 10 ms, so that the alignment with frames and render blocks is sampled too.
            latency.push({
              detector: detector.name,
              userDb,
              echoDelayMs,
              ...(await latencyTrial(r, speech, gain, (i * 7) % 10)),
            });
          }
        } finally {
          await r.close();
        }
      }
    }
  }

  const echo: BargeInProbeResult['echo'] = [];
  for (const detector of options.detectors) {
    const counts = { detector: detector.name, replies: 0, ducked: 0, stopped: 0 };
    echo.push(counts);
    for (const echoDelayMs of options.echoDelaysMs) {
      const r = await bargeInRig({
        echoDb: options.echoDb,
        echoDelayMs,
        confirmMs: options.confirmMs,
        voice: detector.voice,
      });
      try {
        for (let i = 0; i < options.echoReplies; i++) {
          const from = r.log.length;
          (await r.reply(speech.agent, speech.rate)).send();
          const end = await Promise.race([
            r.next('playback.ended', from, 8000),
            r.next('playback.stopped', from, 8000),
          ]);
          counts.replies++;
          if (r.first('bargeIn.ducked', from)) counts.ducked++;
          if (end.type === 'playback.stopped') counts.stopped++;
        }
      } finally {
        await r.close();
      }
    }
  }
  return { contextRate, inputLatencyMs, latency, echo };
}

Object.assign(globalThis, { runProbe });
