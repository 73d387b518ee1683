import { generateFixtures } from '../test/fixtures/generate.ts';
import type { BargeInProbeOptions, BargeInProbeResult, LatencyTrial } from './bargeIn/probe.ts';
import type { Benchmark, Table } from './benchmark.ts';
import { runBrowserProbe } from './browserProbe.ts';
import { num, ratio, SUMMARY_HEAD, summarize, summaryCells } from './stats.ts';

/** The default voice adapter; 10 trials per echo delay and level: 20 per row. */
const PROBE: BargeInProbeOptions = {
  trials: 10,
  echoReplies: 10,
  echoDb: -15,
  echoDelaysMs: [50, 150],
  confirmMs: 150,
  userMs: 700,
  detectors: [{ name: 'default', voice: {} }],
  userDb: [0, 6],
};
const GOALS = { duckedMs: 30, stoppedMs: PROBE.confirmMs + 20 };

const present = (values: (number | null)[]) => values.filter((v): v is number => v !== null);

function latencyTable(result: BargeInProbeResult): Table {
  const input = result.inputLatencyMs;
  const rows = PROBE.userDb.flatMap((userDb) => {
    const mine = result.latency.filter((t) => t.userDb === userDb);
    const level = `user ${userDb === 0 ? 'at the echo level' : `${userDb} dB above the echo`}`;
    const row = (measure: string, values: number[], goal?: number) => {
      const summary = summarize(values);
      return [
        `${level}: ${measure}`,
        ...summaryCells(summary),
        goal ? `${ratio(summary.p50 / goal)} / ${ratio(summary.p95 / goal)}` : '–',
      ];
    };
    const ducked = present(mine.map((t) => t.duckedMs));
    const stopped = present(mine.map((t) => t.stoppedMs));
    const both = (t: LatencyTrial) => (t.duckedMs !== null && t.stoppedMs !== null ? [t] : []);
    return [
      row('onset → ducked', ducked, GOALS.duckedMs),
      row('onset → stopped', stopped, GOALS.stoppedMs),
      row(
        'heard → ducked (net of the microphone path)',
        ducked.map((v) => v - input),
        GOALS.duckedMs,
      ),
      row(
        'heard → stopped (net of the microphone path)',
        stopped.map((v) => v - input),
        GOALS.stoppedMs,
      ),
      row(
        'ducked → stopped',
        mine.flatMap(both).map((t) => (t.stoppedMs as number) - (t.duckedMs as number)),
      ),
      row(
        'samples of the reply after its stop',
        mine.map((t) => t.samplesAfterStop),
      ),
    ];
  });
  return {
    caption: `Onset of the user's voice (its start in the graph) → the agent ducked / stopped, ms on the audio clock; echo ${PROBE.echoDb} dB, ${PROBE.echoDelaysMs.join(' and ')} ms late; confirmMs ${PROBE.confirmMs}; ratios are p50 / p95 against the goals: ducked ≤ ${GOALS.duckedMs} ms, stopped ≤ ${GOALS.stoppedMs} ms`,
    head: ['measure', ...SUMMARY_HEAD, '× goal (p50 / p95)'],
    rows,
  };
}

const benchmark: Benchmark = {
  name: 'bargein',
  title: "Barge-in: stopping the agent when the user speaks, never on the agent's own voice",
  about: [
    'Headless Chromium (Debian) with a Vite-served page runs a real conversation (session, bargeIn, playback and the default',
    'voice adapter on one AudioHost; a scripted seed 000 server in the page). The microphone is a MediaStream mixed on the same',
    "AudioContext from the agent's output, delayed and attenuated, and a different espeak-ng voice started at a known audio-clock",
    'time (the onset). Ducked: the audio clock when the duck command reached the playback adapter (its 15 ms ramp starts there);',
    "stopped: the audio-clock frame where the player went silent (`playback.stopped`). After the stop the rest of the reply's",
    'chunks are sent, and a tap worklet counts non-zero output samples after the stop (one 128-sample fade allowed).',
    "The microphone path's own delay (MediaStream destination → source) is measured with a click and shown subtracted too.",
    'About 2 minutes.',
  ].join(' '),
  async run(log) {
    await generateFixtures();
    log('barge-in: interruption trials, then replies with their echo only');
    const result = await runBrowserProbe<BargeInProbeOptions, BargeInProbeResult>(
      'bench/bargeIn/page.html',
      PROBE,
      log,
    );
    const missed = result.latency.filter((t) => t.stoppedMs === null).length;
    const echo = result.echo[0] ?? { replies: 0, ducked: 0, stopped: 0 };
    return {
      tables: [
        latencyTable(result),
        {
          caption: 'Errors',
          head: ['measure', 'count', 'out of'],
          rows: [
            ["replies ducked by the agent's own echo alone", String(echo.ducked), String(echo.replies)],
            ["replies stopped by the agent's own echo alone", String(echo.stopped), String(echo.replies)],
            ['interruptions by the other voice missed', String(missed), String(result.latency.length)],
          ],
        },
      ],
      notes: [
        `Context rate ${result.contextRate} Hz; render blocks of 10 ms (Chromium's fake output device), so a command from the main thread takes effect at the next block. The simulated microphone path delays everything by ${num(result.inputLatencyMs)} ms before the detector hears it, as a real input path does.`,
        'The default detector: frames of one render quantum (128 samples), one frame over 0.005 RMS and 3× the noise floor ducks the agent; the confirmation window runs from the onset the detector reports.',
        "The user's phrase (espeak-ng en-us+f3, 'Wait, I have another question.', its first 700 ms) starts softly: at the echo's level its first 30 ms are about 0.007 RMS.",
      ],
    };
  },
};

export default benchmark;
