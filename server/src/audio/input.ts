/**
 * The user's audio as it arrives: a format named by the protocol or recognised from the first bytes,
 * collected over a turn, and decoded to mono float samples where the server can (WAV and raw 16-bit
 * PCM; compressed formats such as WebM/Opus are kept as bytes the embedded transcriber cannot read).
 */
import { wavLayout } from './wav.ts';

export type InputFormat = 'wav' | 'pcm_s16le' | 'webm' | 'ogg' | 'mp3' | 'unknown';

export interface TurnAudio {
  bytes: Uint8Array;
  format: InputFormat;
  /** Known for raw PCM (from the protocol); WAV files carry their own. */
  sampleRate: number | null;
}

const startsWith = (bytes: Uint8Array, ...signature: number[]) => signature.every((b, i) => bytes[i] === b);

/** The format of a file from its signature, or null when nothing is recognised. */
export function sniff(bytes: Uint8Array): InputFormat | null {
  if (startsWith(bytes, 0x52, 0x49, 0x46, 0x46)) return 'wav'; // RIFF
  if (startsWith(bytes, 0x1a, 0x45, 0xdf, 0xa3)) return 'webm'; // EBML
  if (startsWith(bytes, 0x4f, 0x67, 0x67, 0x53)) return 'ogg'; // OggS
  if (startsWith(bytes, 0x49, 0x44, 0x33) || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) {
    return 'mp3';
  }
  return null;
}

/** A format name as clients send it (`pcm_s16le`, `wav`, a MIME type, ...). */
export function formatNamed(name: string): InputFormat {
  const lower = name.toLowerCase();
  if (
    lower === 'pcm' ||
    lower.startsWith('pcm_s16') ||
    lower.startsWith('audio/pcm') ||
    lower.startsWith('audio/l16')
  ) {
    return 'pcm_s16le';
  }
  for (const format of ['wav', 'webm', 'ogg', 'mp3'] as const) if (lower.includes(format)) return format;
  if (lower.includes('mpeg')) return 'mp3';
  if (lower.includes('opus')) return 'webm';
  return 'unknown';
}

/** The chunks of one user turn. The first chunk decides the format. */
export class TurnBuffer {
  private chunks: Uint8Array[] = [];
  bytes = 0;
  format: InputFormat | null = null;
  sampleRate: number | null = null;

  add(bytes: Uint8Array, format: InputFormat | null, sampleRate: number | null): void {
    if (this.format === null) {
      this.format = format ?? sniff(bytes) ?? 'pcm_s16le';
      this.sampleRate = sampleRate;
    }
    this.chunks.push(bytes);
    this.bytes += bytes.length;
  }

  get empty(): boolean {
    return this.bytes === 0;
  }

  /** The turn's audio; the buffer is empty again afterwards. */
  take(): TurnAudio {
    const bytes = new Uint8Array(this.bytes);
    let at = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    const audio = { bytes, format: this.format ?? 'unknown', sampleRate: this.sampleRate };
    this.chunks = [];
    this.bytes = 0;
    this.format = null;
    this.sampleRate = null;
    return audio;
  }
}

/**
 * Decodes a byte stream of WAV or raw 16-bit PCM into mono float samples, chunk by chunk (a chunk may
 * end anywhere, even inside the WAV header or a sample).
 */
export class PcmDecoder {
  sampleRate: number | null;
  /** Why the stream cannot be decoded, once that is known. */
  problem: string | null = null;
  private pending = new Uint8Array(0);
  private layout: { float: boolean; channels: number } | null = null;

  constructor(
    private readonly format: InputFormat,
    sampleRate: number | null,
  ) {
    this.sampleRate = sampleRate;
    if (format === 'pcm_s16le') {
      this.layout = { float: false, channels: 1 };
      if (!sampleRate) this.problem = 'raw PCM without a sample rate';
    } else if (format !== 'wav') {
      this.problem = `${format} is compressed, and only WAV and raw 16-bit PCM are decoded`;
    }
  }

  push(bytes: Uint8Array): Float32Array {
    if (this.problem) return new Float32Array(0);
    let data = this.pending.length > 0 ? concat(this.pending, bytes) : bytes;
    if (!this.layout) {
      const layout = wavLayout(data);
      if (layout === null) {
        this.pending = data.slice();
        return new Float32Array(0);
      }
      if (typeof layout === 'string') {
        this.problem = layout;
        return new Float32Array(0);
      }
      this.layout = { float: layout.encoding === 'float32', channels: layout.channels };
      this.sampleRate = layout.sampleRate;
      data = data.subarray(layout.dataOffset);
    }
    const frameBytes = this.layout.channels * (this.layout.float ? 4 : 2);
    const frames = Math.floor(data.length / frameBytes);
    this.pending = data.slice(frames * frameBytes);
    return mono(data, frames, this.layout);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function mono(data: Uint8Array, frames: number, layout: { float: boolean; channels: number }): Float32Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float32Array(frames);
  const width = layout.float ? 4 : 2;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < layout.channels; c++) {
      const at = (f * layout.channels + c) * width;
      sum += layout.float ? view.getFloat32(at, true) : view.getInt16(at, true) / 32768;
    }
    out[f] = sum / layout.channels;
  }
  return out;
}
