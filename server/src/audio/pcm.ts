/** Mono 16-bit PCM: what the synthesizers produce and the protocols send. */
export interface Pcm {
  samples: Int16Array;
  sampleRate: number;
}

export const durationMs = (pcm: Pcm) => (pcm.samples.length * 1000) / pcm.sampleRate;

/** The samples as little-endian bytes (a copy, so the result owns its buffer). */
export function pcmBytes(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] as number, true);
  return bytes;
}

/** Pieces of about `ms` milliseconds each, for streaming dialects. */
export function pcmChunks(pcm: Pcm, ms: number): Int16Array[] {
  const size = Math.max(1, Math.round((pcm.sampleRate * ms) / 1000));
  const chunks: Int16Array[] = [];
  for (let i = 0; i < pcm.samples.length; i += size) chunks.push(pcm.samples.subarray(i, i + size));
  return chunks;
}

export function concatPcm(parts: Pcm[], sampleRate: number): Pcm {
  const samples = new Int16Array(parts.reduce((n, p) => n + p.samples.length, 0));
  let at = 0;
  for (const part of parts) {
    samples.set(part.samples, at);
    at += part.samples.length;
  }
  return { samples, sampleRate };
}
