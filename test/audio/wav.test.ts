import { describe, expect, test } from 'vitest';
import { encodeWav, parseWav, type WavAudio } from '../../src/audio/wav.ts';
import { isVoxError } from '../../src/errors.ts';

const parsed = (bytes: Uint8Array): WavAudio => {
  const result = parseWav(bytes);
  if (isVoxError(result)) throw result;
  return result;
};

describe('encodeWav', () => {
  test('writes a canonical 44-byte header with the rate, channels and data length', () => {
    const bytes = encodeWav({
      sampleRate: 16000,
      channels: 1,
      samples: new Int16Array([0, 1, -1, 32767, -32768]),
    });
    const view = new DataView(bytes.buffer);
    const text = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(36 + 10);
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(16000);
    expect(view.getUint32(28, true)).toBe(32000);
    expect(view.getUint16(32, true)).toBe(2);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(10);
    expect(bytes.length).toBe(54);
    expect(view.getInt16(44 + 3 * 2, true)).toBe(32767);
    expect(view.getInt16(44 + 4 * 2, true)).toBe(-32768);
  });

  test('round-trips through parseWav, stereo de-interleaved', () => {
    const wav = parsed(
      encodeWav({ sampleRate: 24000, channels: 2, samples: new Int16Array([16384, -16384, 0, 8192]) }),
    );
    expect(wav.sampleRate).toBe(24000);
    expect(wav.bitsPerSample).toBe(16);
    expect(wav.channels.map((c) => Array.from(c))).toEqual([
      [0.5, 0],
      [-0.5, 0.25],
    ]);
    expect(wav.durationMs).toBeCloseTo((2 / 24000) * 1000, 9);
  });
});

describe('parseWav', () => {
  test('skips unknown chunks and trusts the bytes when the data size is a streaming placeholder', () => {
    const plain = encodeWav({ sampleRate: 8000, channels: 1, samples: new Int16Array([100, 200, 300]) });
    const list = new Uint8Array([...new TextEncoder().encode('LIST'), 3, 0, 0, 0, 1, 2, 3, 0]);
    const bytes = new Uint8Array([...plain.subarray(0, 36), ...list, ...plain.subarray(36)]);
    new DataView(bytes.buffer).setUint32(36 + list.length + 4, 0xffffffff, true);
    expect(Array.from(parsed(bytes).channels[0] ?? [])).toEqual([100 / 32768, 200 / 32768, 300 / 32768]);
  });

  test('reads 32-bit float WAVs', () => {
    const bytes = encodeWav({ sampleRate: 16000, channels: 1, samples: new Int16Array(2) });
    const view = new DataView(bytes.buffer.slice(0, 44));
    view.setUint16(20, 3, true);
    view.setUint16(34, 32, true);
    view.setUint32(40, 8, true);
    const body = new DataView(new ArrayBuffer(8));
    body.setFloat32(0, 0.25, true);
    body.setFloat32(4, -1, true);
    const wav = parsed(new Uint8Array([...new Uint8Array(view.buffer), ...new Uint8Array(body.buffer)]));
    expect(Array.from(wav.channels[0] ?? [])).toEqual([0.25, -1]);
  });

  test.each([
    ['not RIFF', new TextEncoder().encode('ID3\u0004 some mp3 bytes')],
    [
      '8-bit',
      (() => {
        const bytes = encodeWav({ sampleRate: 8000, channels: 1, samples: new Int16Array(4) });
        new DataView(bytes.buffer).setUint16(34, 8, true);
        return bytes;
      })(),
    ],
    [
      'no data chunk',
      encodeWav({ sampleRate: 8000, channels: 1, samples: new Int16Array(0) }).subarray(0, 36),
    ],
  ])('returns a typed error for %s', (_name, bytes) => {
    const result = parseWav(bytes);
    expect(isVoxError(result) && result.code).toBe('wav.invalid');
  });
});
