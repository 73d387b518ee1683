import { embeddedReply } from '../../server/src/pipeline/embedded.ts';
import { Espeak } from '../../server/src/pipeline/espeak.ts';
import { cachedSynthesizer } from '../../server/src/pipeline/synthesis.ts';
import type { Table } from '../benchmark.ts';
import { num, ratio, SUMMARY_HEAD, summarize, summaryCells } from '../stats.ts';

const REPLIES = 40;
const VOICE = { voice: 'en-us', wordsPerMinute: 175 };

/** Replies the embedded responder gives, all different (as they are in a conversation). */
function replies(): string[] {
  return Array.from({ length: REPLIES }, (_, i) => {
    const segments = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      startMs: 200 + k * 700,
      endMs: 600 + k * 700 + i * 10,
    }));
    const analysis = { durationMs: 1000 + i * 150, segments, peakDb: -12 };
    const audio = { bytes: new Uint8Array(0), format: 'wav' as const, sampleRate: 16_000 };
    return embeddedReply({ transcript: { text: '', analysis }, audio, turn: i + 1 });
  });
}

const firstSentence = (text: string) => text.slice(0, text.search(/[.!?](\s|$)/) + 1);

export async function synthesisTables(log: (line: string) => void): Promise<Table[]> {
  const loadStarted = performance.now();
  const engine = await Espeak.load();
  const loadMs = performance.now() - loadStarted;
  log(`espeak-ng loaded in ${num(loadMs)} ms`);
  const texts = replies();
  const whole: number[] = [];
  const sentence: number[] = [];
  const audioSeconds: number[] = [];
  const factors: number[] = [];
  for (const text of texts) {
    let started = performance.now();
    const pcm = engine.speak(text, VOICE);
    const ms = performance.now() - started;
    const seconds = pcm.samples.length / pcm.sampleRate;
    whole.push(ms);
    audioSeconds.push(seconds);
    factors.push(ms / 1000 / seconds);
    started = performance.now();
    engine.speak(firstSentence(text), VOICE);
    sentence.push(performance.now() - started);
  }
  log(`${REPLIES} replies: synthesis p50 ${num(summarize(whole).p50)} ms`);

  const cache = cachedSynthesizer({ synthesize: async (text) => engine.speak(text, VOICE) });
  const signal = new AbortController().signal;
  const hits: number[] = [];
  for (const text of texts) await cache.synthesize(text, signal);
  for (const text of texts) {
    const started = performance.now();
    await cache.synthesize(text, signal);
    hits.push((performance.now() - started) * 1000);
  }

  const w = summarize(whole);
  const a = summarize(audioSeconds);
  return [
    {
      caption: `espeak-ng synthesis per reply (${REPLIES} different replies of the embedded responder, voice en-us, 175 words/min)`,
      head: ['Figure', ...SUMMARY_HEAD, '× audio length (p50)'],
      rows: [
        [
          'whole reply, as the turn-based dialect sends it (ms)',
          ...summaryCells(w),
          ratio(summarize(factors).p50),
        ],
        [
          'first sentence, the first audio of a streaming dialect (ms)',
          ...summaryCells(summarize(sentence)),
          '–',
        ],
        ['audio produced per reply (s)', ...summaryCells(a), '–'],
        ['cache hit, the same text again (µs)', ...summaryCells(summarize(hits)), '–'],
        ['loading espeak-ng once per process (ms)', '1', ...Array(4).fill(num(loadMs)), '–'],
      ],
    },
  ];
}
