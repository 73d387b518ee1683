/**
 * The little of WAV the server needs: writing a canonical 16-bit mono file, and finding where the
 * samples of a received one start (its `fmt ` and `data` chunks), which also works on the first bytes
 * of a file still arriving in chunks.
 */
import type { Pcm } from './pcm.ts';
import { pcmBytes } from './pcm.ts';

const HEADER_BYTES = 44;

export function encodeWav({ samples, sampleRate }: Pcm): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const tag = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) bytes[at + i] = text.charCodeAt(i);
  };
  tag(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  tag(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  bytes.set(pcmBytes(samples), HEADER_BYTES);
  return bytes;
}

export interface WavLayout {
  /** 1 = 16-bit integer PCM, 3 = 32-bit float. */
  encoding: 'int16' | 'float32';
  channels: number;
  sampleRate: number;
  /** Offset of the first sample. */
  dataOffset: number;
  /** Bytes of sample data the header announces (streamed files may announce 0 or 0xFFFFFFFF). */
  dataBytes: number;
}

const ascii = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

export const isWav = (bytes: Uint8Array) =>
  bytes.length >= 12 && ascii(bytes, 0) === 'RIFF' && ascii(bytes, 8) === 'WAVE';

/**
 * The layout of a WAV file from its first bytes: null while the header is incomplete, a string when
 * the file is not one this server can read.
 */
export function wavLayout(bytes: Uint8Array): WavLayout | string | null {
  if (bytes.length < 12) return null;
  if (!isWav(bytes)) return 'not a RIFF/WAVE file';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Omit<WavLayout, 'dataOffset' | 'dataBytes'> | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      if (at + 24 > bytes.length) return null;
      const raw = view.getUint16(at + 8, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real code at the start of its sub-format GUID.
      const code =
        raw === 0xfffe && size >= 26 && at + 34 <= bytes.length ? view.getUint16(at + 32, true) : raw;
      const bits = view.getUint16(at + 22, true);
      const encoding = code === 1 && bits === 16 ? 'int16' : code === 3 && bits === 32 ? 'float32' : null;
      if (!encoding)
        return `a WAV file with ${bits}-bit samples in format ${code} (16-bit PCM or 32-bit float only)`;
      const channels = view.getUint16(at + 10, true);
      const sampleRate = view.getUint32(at + 12, true);
      if (channels < 1 || sampleRate < 1) return 'a WAV file with no channels or no sample rate';
      format = { encoding, channels, sampleRate };
    } else if (id === 'data') {
      if (!format) return 'a WAV file whose data comes before its format';
      return { ...format, dataOffset: at + 8, dataBytes: size };
    }
    at += 8 + size + (size % 2);
  }
  return null;
}
