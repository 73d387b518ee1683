/**
 * The embedded pipeline: works offline on any machine. Its transcriber measures the audio (duration,
 * speech segments found by energy) and says so; it does not recognise words. Its responder streams a
 * reply about what was measured, token by token at a configurable pace. Its synthesizer is espeak-ng.
 */
import { PcmDecoder, type TurnAudio } from '../audio/input.ts';
import { type SpeechAnalysis, SpeechDetector } from '../audio/speech.ts';
import { sleep } from '../sleep.ts';
import { cachedSynthesizer, espeakSynthesizer } from './synthesis.ts';
import type { Pipeline, Responder, ResponderInput, Transcriber } from './types.ts';

export interface EmbeddedOptions {
  /** Pause before each reply token (default 40 ms, about 25 tokens a second; 0 for tests). */
  tokenMs?: number;
  /** espeak-ng voice (default `en-us`) and speed (default 175 words a minute). */
  voice?: string;
  wordsPerMinute?: number;
  /** Bytes of synthesized speech kept for repeated texts (default 64 MiB; 0: no cache). */
  cacheBytes?: number;
}

/** Decodes the whole turn and finds its speech, or says why the audio cannot be decoded. */
export function analyse(audio: TurnAudio): SpeechAnalysis | string {
  const decoder = new PcmDecoder(audio.format, audio.sampleRate);
  const samples = decoder.push(audio.bytes);
  if (decoder.problem || decoder.sampleRate === null) return decoder.problem ?? 'no sample rate';
  const detector = new SpeechDetector(decoder.sampleRate);
  detector.push(samples);
  return detector.finish();
}

const secs = (ms: number) => (ms / 1000).toFixed(1);
const kilobytes = (bytes: number) => Math.max(1, Math.round(bytes / 1024));

function describe({ durationMs, segments }: SpeechAnalysis): string {
  if (segments.length === 0) return `[${secs(durationMs)} s of audio, no speech found]`;
  const spans = segments.map((s) => `${secs(s.startMs)}–${secs(s.endMs)} s`);
  return `[${secs(durationMs)} s of audio, speech at ${spans.join(', ')}]`;
}

export const energyTranscriber: Transcriber = {
  async transcribe(audio) {
    const analysis = analyse(audio);
    if (typeof analysis === 'string') {
      return {
        text: `[${kilobytes(audio.bytes.length)} KB of ${audio.format} audio, not decoded: ${analysis}]`,
      };
    }
    return { text: describe(analysis), analysis };
  },
};

/**
 * The reply the embedded responder gives: what the transcriber measured, said plainly. The first turn
 * of a thread also says what the server is; later ones are short.
 */
export function embeddedReply({
  transcript,
  audio,
  turn,
}: Pick<ResponderInput, 'transcript' | 'audio' | 'turn'>) {
  const analysis = transcript.analysis;
  const which =
    turn === 1
      ? 'I am the voxstate reference server, running offline: I can tell when you speak, but not what you say.'
      : `This is turn ${turn} of our conversation.`;
  if (!analysis) {
    return `I received ${kilobytes(audio.bytes.length)} kilobytes of ${audio.format} audio, a format I cannot decode offline. ${which}`;
  }
  const count = analysis.segments.length;
  if (count === 0) {
    return `I heard no speech in ${secs(analysis.durationMs)} seconds of audio. Try speaking closer to the microphone. ${which}`;
  }
  const spoken = analysis.segments.reduce((sum, s) => sum + s.endMs - s.startMs, 0);
  const parts = count === 1 ? 'one stretch' : `${count} stretches`;
  return `You spoke for ${secs(spoken)} seconds, in ${parts}. ${which}`;
}

/** Words with their leading space, the way language models stream tokens. */
export const tokens = (text: string) => text.match(/\s*\S+/g) ?? [];

export function scriptedResponder({ tokenMs = 40 }: { tokenMs?: number } = {}): Responder {
  return {
    async *respond(input) {
      for (const token of tokens(embeddedReply(input))) {
        if (tokenMs > 0) await sleep(tokenMs, input.signal);
        input.signal.throwIfAborted();
        yield token;
      }
    },
  };
}

export function embeddedPipeline({
  tokenMs,
  voice,
  wordsPerMinute,
  cacheBytes,
}: EmbeddedOptions = {}): Pipeline {
  const espeak = espeakSynthesizer({ voice, wordsPerMinute });
  return {
    name: 'embedded',
    transcriber: energyTranscriber,
    responder: scriptedResponder({ tokenMs }),
    synthesizer: cacheBytes === 0 ? espeak : cachedSynthesizer(espeak, { maxBytes: cacheBytes }),
  };
}
