/** The embedded synthesizer (espeak-ng) and a cache of synthesis results for repeated texts. */
import type { Pcm } from '../audio/pcm.ts';
import { espeak, type SpeakOptions } from './espeak.ts';
import type { Synthesizer } from './types.ts';

export function espeakSynthesizer({
  voice = 'en-us',
  wordsPerMinute = 175,
}: Partial<SpeakOptions> = {}): Synthesizer {
  return {
    async synthesize(text, signal) {
      const engine = await espeak();
      signal.throwIfAborted();
      return engine.speak(text, { voice, wordsPerMinute });
    },
  };
}

export interface CacheOptions {
  /** Bytes of PCM kept (default 64 MiB, about 25 minutes of espeak-ng's 22 kHz speech). */
  maxBytes?: number;
}

export interface CachedSynthesizer extends Synthesizer {
  readonly stats: { hits: number; misses: number; bytes: number; entries: number };
}

/**
 * Remembers what `inner` made for each text, least recently used out first. Concurrent requests for
 * the same text share one synthesis; failures are not kept.
 */
export function cachedSynthesizer(inner: Synthesizer, { maxBytes = 64 * 1024 * 1024 }: CacheOptions = {}) {
  /** In order of use, most recent last; `bytes` is 0 until the synthesis is done. */
  const entries = new Map<string, { pcm: Promise<Pcm>; bytes: number }>();
  const stats = {
    hits: 0,
    misses: 0,
    bytes: 0,
    get entries() {
      return entries.size;
    },
  };

  function remember(text: string, entry: { pcm: Promise<Pcm>; bytes: number }, pcm: Pcm) {
    if (entries.get(text) !== entry) return;
    entry.bytes = pcm.samples.byteLength;
    stats.bytes += entry.bytes;
    for (const [old, { bytes }] of entries) {
      if (stats.bytes <= maxBytes) break;
      entries.delete(old);
      stats.bytes -= bytes;
    }
  }

  function make(text: string) {
    stats.misses++;
    // Not tied to one caller's signal: another caller may still want the result.
    const entry = { pcm: inner.synthesize(text, new AbortController().signal), bytes: 0 };
    entries.set(text, entry);
    entry.pcm.then(
      (pcm) => remember(text, entry, pcm),
      () => {
        if (entries.get(text) === entry) entries.delete(text);
      },
    );
    return entry;
  }

  const cached: CachedSynthesizer = {
    stats,
    async synthesize(text, signal) {
      let entry = entries.get(text);
      if (entry) {
        stats.hits++;
        entries.delete(text);
        entries.set(text, entry);
      } else {
        entry = make(text);
      }
      const pcm = await entry.pcm;
      signal.throwIfAborted();
      return pcm;
    },
  };
  return cached;
}
