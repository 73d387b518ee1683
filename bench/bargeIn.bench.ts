import { generateFixtures } from '../test/fixtures/generate.ts';
import type { BargeInProbeOptions, BargeInProbeResult, LatencyTrial } from './bargeIn/probe.ts';
import type { Benchmark, Table } from './benchmark.ts';
import { runBrowserProbe } from './browserProbe.ts';
import { num, SUMMARY_HEAD, summarize, summaryCells } from './stats.ts';

const PROBE: BargeInProbeOptions = {
  trials: 10,
  echoReplies: 10,
  echoDb: -15,
  echoDelaysMs: [50, 150],
  confirmMs: 150,
  frameMs: [10, 5],
  userDb: [0, 6],
};

async function probe(log: (line: string) => void): Promise<BargeInProbeResult> {
  log('barge-in: interruption trials, then replies with their echo only');
  return runBrowserProbe<BargeInProbeOptions, BargeInProbeResult>('bench/bargeIn/page.html', PROBE, log);
}

function latencyTable(trials: LatencyTrial[]): Table {
  const rows = PROBE.frameMs.flatMap((frameMs) =>
    PROBE.userDb.flatMap((userDb) => {
      const mine = trials.filter((t) => t.userDb === userDb && t.frameMs === frameMs);
      const level = `${frameMs} ms frames${frameMs === 10 ? ' (default)' : ''}, user ${userDb === 0 ? 'at the echo level' : `${userDb} dB above the echo`}`;
      const present = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
      return [
        [`${level}: onset → ducked`, ...summaryCells(summarize(present(mine.map((t) => t.duckedMs))))],
        [`${level}: onset → stopped`, ...summaryCells(summarize(present(mine.map((t) => t.stoppedMs))))],
        [
          `${level}: ducked → stopped (confirmMs ${PROBE.confirmMs})`,
          ...summaryCells(
            summarize(
              mine.flatMap((t) =>
                t.duckedMs !== null && t.stoppedMs !== null ? [t.stoppedMs - t.duckedMs] : [],
              ),
            ),
          ),
        ],
        [
          `${level}: samples of the reply after its stop`,
          ...summaryCells(summarize(mine.map((t) => t.samplesAfterStop))),
        ],
      ];
    }),
  );
  return {
    caption: `Onset of the user's voice (its start in the graph) → the agent ducked / stopped, ms on the audio clock; echo ${PROBE.echoDb} dB, ${PROBE.echoDelaysMs.join(' and ')} ms late; confirmMs ${PROBE.confirmMs}; goals: ducked ≤ 30 ms, stopped ≤ ${PROBE.confirmMs + 20} ms, 0 samples`,
    head: ['measure', ...SUMMARY_HEAD],
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
    'About 5 minutes.',
  ].join(' '),
  async run(log) {
    await generateFixtures();
    const result = await probe(log);
    const missed = result.latency.filter((t) => t.stoppedMs === null).length;
    return {
      tables: [
        latencyTable(result.latency),
        {
          caption: 'Errors',
          head: ['measure', 'count', 'out of'],
          rows: [
            ...result.echo.flatMap((e) => [
              [
                `${e.frameMs} ms frames: replies ducked by the agent's own echo alone`,
                String(e.ducked),
                String(e.replies),
              ],
              [
                `${e.frameMs} ms frames: replies stopped by the agent's own echo alone`,
                String(e.stopped),
                String(e.replies),
              ],
            ]),
            ['interruptions by the other voice missed', String(missed), String(result.latency.length)],
          ],
        },
      ],
      notes: [
        `Context rate ${result.contextRate} Hz. Speech starts after 2 loud frames (seed 000's count): 20 ms of the onset → ducked figure with 10 ms frames, 10 ms with 5 ms frames. The simulated microphone path (MediaStream destination → source) adds its own buffering, about 21 ms in Chromium here (the echo gate finds a 50 ms echo at 71 ms), as a real input path does.`,
        "The user's phrase (espeak-ng en-us+f3, 'Wait, I have another question.') starts softly: at the echo's level its first 40 ms stay under the 0.01 RMS threshold, hence the longer figures at that level.",
        `Onset → stopped is at least confirmMs (${num(PROBE.confirmMs)} ms) after the duck by design: a cough only ducks.`,
      ],
    };
  },
};

export default benchmark;
