import { VoxError } from '../errors.ts';

/** 16-bit PCM audio, interleaved when there is more than one channel. */
export interface Pcm16 {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

/** Decoded WAV content as floats in [-1, 1], one array per channel. */
export interface WavAudio {
  sampleRate: number;
  channels: Float32Array[];
  /** The sample format of the file: 16-bit integer or 32-bit float. */
  bitsPerSample: number;
  durationMs: number;
}

const HEADER_BYTES = 44;

/** A canonical RIFF/WAVE file (PCM, 16-bit little-endian). */
export function encodeWav({ sampleRate, channels, samples }: Pcm16): Uint8Array {
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(HEADER_BYTES + i * 2, samples[i] ?? 0, true);
  return bytes;
}

const invalid = (message: string) =>
  new VoxError('playback', 'wav.invalid', `Not a playable WAV file: ${message}`);

/**
 * Reads a RIFF/WAVE file with 16-bit integer or 32-bit float samples (plain or WAVE_FORMAT_EXTENSIBLE),
 * skipping chunks it does not need. Returns a VoxError (never throws) for anything else.
 */
export function parseWav(bytes: Uint8Array): WavAudio | VoxError {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return invalid('no RIFF/WAVE header');
  let format: { code: number; channels: number; sampleRate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= bytes.length) {
      const code = view.getUint16(body, true);
      format = {
        // WAVE_FORMAT_EXTENSIBLE keeps the real format code at the start of its sub-format GUID.
        code: code === 0xfffe && size >= 26 ? view.getUint16(body + 24, true) : code,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) return invalid('data before fmt');
      // Streamed WAVs often carry a placeholder size (0 or 0xFFFFFFFF): trust the bytes present.
      const end = size === 0 || body + size > bytes.length ? bytes.length : body + size;
      return readSamples(view, body, end, format);
    }
    offset = body + size + (size % 2);
  }
  return invalid('no data chunk');
}

function readSamples(
  view: DataView,
  start: number,
  end: number,
  format: { code: number; channels: number; sampleRate: number; bits: number },
): WavAudio | VoxError {
  const { code, channels: count, sampleRate, bits } = format;
  const int16 = code === 1 && bits === 16;
  const float32 = code === 3 && bits === 32;
  if (!int16 && !float32) return invalid(`format ${code} with ${bits}-bit samples is not supported`);
  if (count < 1 || sampleRate < 1) return invalid('no channels or no sample rate');
  const bytesPerFrame = (bits / 8) * count;
  const frames = Math.floor((end - start) / bytesPerFrame);
  const channels = Array.from({ length: count }, () => new Float32Array(frames));
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < count; channel++) {
      const at = start + frame * bytesPerFrame + channel * (bits / 8);
      const target = channels[channel] as Float32Array;
      target[frame] = int16 ? view.getInt16(at, true) / 32768 : view.getFloat32(at, true);
    }
  }
  return { sampleRate, channels, bitsPerSample: bits, durationMs: (frames / sampleRate) * 1000 };
}
