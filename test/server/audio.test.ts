/** The server's audio pieces: decoding streams cut anywhere, speech by energy, espeak-ng and its cache. */
import { describe, expect, test } from 'vitest';
import { PcmDecoder, sniff, TurnBuffer } from '../../server/src/audio/input.ts';
import { SpeechDetector } from '../../server/src/audio/speech.ts';
import { analyse } from '../../server/src/pipeline/embedded.ts';
import { espeak } from '../../server/src/pipeline/espeak.ts';
import { cachedSynthesizer, espeakSynthesizer } from '../../server/src/pipeline/synthesis.ts';
import type { Synthesizer } from '../../server/src/pipeline/types.ts';
import { encodeWav } from '../../src/audio/wav.ts';
import { speechClip } from './support.ts';

const signal = new AbortController().signal;

describe('PcmDecoder', () => {
  test('a WAV cut into chunks at every possible place decodes to the same samples', () => {
    const samples = Int16Array.from({ length: 40 }, (_, i) => (i - 20) * 1000);
    const wav = encodeWav({ sampleRate: 8000, channels: 2, samples });
    const whole = new PcmDecoder('wav', null).push(wav);
    expect(whole).toHaveLength(20);
    expect(whole[0]).toBeCloseTo((-20000 + -19000) / 2 / 32768, 6);
    for (let cut = 1; cut < wav.length; cut++) {
      const decoder = new PcmDecoder('wav', null);
      const parts = [decoder.push(wav.subarray(0, cut)), decoder.push(wav.subarray(cut))];
      expect(Float32Array.from(parts.flatMap((p) => [...p]))).toEqual(whole);
      expect(decoder.sampleRate).toBe(8000);
    }
  });

  test('what it cannot decode, it says', () => {
    expect(new PcmDecoder('webm', null).problem).toMatch(/webm is compressed/);
    expect(new PcmDecoder('pcm_s16le', null).problem).toBe('raw PCM without a sample rate');
    const decoder = new PcmDecoder('wav', null);
    decoder.push(
      new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\0\0\0\0\x01\0\x08\0'),
    );
    expect(decoder.problem).toMatch(/8-bit samples/);
  });

  test('formats are recognised by their first bytes; a turn keeps the first chunk`s format', () => {
    expect(sniff(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]))).toBe('webm');
    expect(sniff(new TextEncoder().encode('OggS'))).toBe('ogg');
    expect(sniff(new Uint8Array([1, 2, 3, 4]))).toBeNull();
    const turn = new TurnBuffer();
    turn.add(new Uint8Array([1, 2]), null, 16_000);
    turn.add(new TextEncoder().encode('RIFF'), null, null);
    expect(turn.take()).toEqual({
      bytes: new Uint8Array([1, 2, 82, 73, 70, 70]),
      format: 'pcm_s16le',
      sampleRate: 16_000,
    });
    expect(turn.empty).toBe(true);
  });
});

describe('SpeechDetector', () => {
  test('segments start after two loud frames and end after 300 ms of quiet; gaps shorter than that are bridged', () => {
    const clip = speechClip({
      durationMs: 2000,
      speech: [
        [100, 500],
        [650, 800],
        [1300, 1600],
      ],
    });
    expect(analyse({ bytes: clip, format: 'wav', sampleRate: null })).toMatchObject({
      durationMs: 2000,
      segments: [
        { startMs: 100, endMs: 800 },
        { startMs: 1300, endMs: 1600 },
      ],
    });
  });

  test('a single loud frame is not speech; silence has no segments and a peak of -Infinity', () => {
    const detector = new SpeechDetector(1000);
    const click = new Float32Array(200);
    click.fill(0.5, 40, 60);
    detector.push(click);
    expect(detector.finish().segments).toEqual([]);
    const quiet = new SpeechDetector(1000);
    quiet.push(new Float32Array(100));
    expect(quiet.finish()).toEqual({ durationMs: 100, segments: [], peakDb: Number.NEGATIVE_INFINITY });
  });
});

describe('espeak-ng', () => {
  test('speaks: seconds of 16-bit audio at 22050 Hz, louder than silence', async () => {
    const pcm = await espeakSynthesizer().synthesize('Hello from the reference server.', signal);
    expect(pcm.sampleRate).toBe(22_050);
    expect(pcm.samples.length / pcm.sampleRate).toBeGreaterThan(1);
    expect(Math.max(...pcm.samples)).toBeGreaterThan(5000);
  });

  test('text that looks like an option is spoken, not parsed; a bad voice fails with espeak-ng`s message and the next call works', async () => {
    const engine = await espeak();
    expect(
      engine.speak('-w /tmp/elsewhere', { voice: 'en-us', wordsPerMinute: 175 }).samples.length,
    ).toBeGreaterThan(1000);
    expect(() => engine.speak('Hi.', { voice: 'nonexistent-voice', wordsPerMinute: 175 })).toThrow(
      /espeak-ng could not speak \(.*voice does not exist/,
    );
    expect(engine.speak('Hi.', { voice: 'en-us', wordsPerMinute: 175 }).samples.length).toBeGreaterThan(1000);
  });

  test('the same text gives the same audio every time (the instance is reset between runs)', async () => {
    const engine = await espeak();
    const a = engine.speak('One two three.', { voice: 'en-us', wordsPerMinute: 175 });
    engine.speak('Something else entirely, and longer.', { voice: 'en-gb', wordsPerMinute: 120 });
    expect(engine.speak('One two three.', { voice: 'en-us', wordsPerMinute: 175 }).samples).toEqual(
      a.samples,
    );
  });
});

describe('the synthesis cache', () => {
  function counting(): Synthesizer & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      async synthesize(text) {
        calls.push(text);
        return { samples: new Int16Array(text.length * 100), sampleRate: 8000 };
      },
    };
  }

  test('repeated texts are synthesized once, concurrent requests share one synthesis', async () => {
    const inner = counting();
    const cache = cachedSynthesizer(inner);
    const [a, b] = await Promise.all([cache.synthesize('hello', signal), cache.synthesize('hello', signal)]);
    expect(a).toBe(b);
    await cache.synthesize('hello', signal);
    expect(inner.calls).toEqual(['hello']);
    expect(cache.stats).toMatchObject({ hits: 2, misses: 1, bytes: 1000, entries: 1 });
  });

  test('past its size, the least recently used text goes first', async () => {
    const inner = counting();
    const cache = cachedSynthesizer(inner, { maxBytes: 2500 });
    for (const text of ['aaaaa', 'bbbbb', 'aaaaa', 'ccccc']) await cache.synthesize(text, signal);
    // 'bbbbb' was used least recently when 'ccccc' made it 3000 bytes.
    await cache.synthesize('aaaaa', signal);
    await cache.synthesize('bbbbb', signal);
    expect(inner.calls).toEqual(['aaaaa', 'bbbbb', 'ccccc', 'bbbbb']);
  });

  test('a failure is not kept', async () => {
    let fail = true;
    const cache = cachedSynthesizer({
      async synthesize() {
        if (fail) throw new Error('no');
        return { samples: new Int16Array(1), sampleRate: 8000 };
      },
    });
    await expect(cache.synthesize('x', signal)).rejects.toThrow('no');
    fail = false;
    await expect(cache.synthesize('x', signal)).resolves.toMatchObject({ sampleRate: 8000 });
  });
});
