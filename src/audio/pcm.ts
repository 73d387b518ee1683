/** 16-bit little-endian PCM bytes as floats in [-1, 1]. A trailing odd byte is ignored. */
export function pcm16ToFloat32(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/** The average of the channels (voice is mono; a stereo reply is folded, not cut). */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  const [first] = channels;
  if (!first || channels.length === 1) return first ?? new Float32Array(0);
  const out = new Float32Array(first.length);
  for (const channel of channels) {
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (channel[i] ?? 0) / channels.length;
  }
  return out;
}

/** Joins 16-bit frames, keeping the first `samples` samples (the last frame may be padding). */
export function joinFrames(frames: readonly Int16Array[], samples: number): Int16Array {
  const out = new Int16Array(samples);
  let offset = 0;
  for (const frame of frames) {
    if (offset >= samples) break;
    out.set(frame.subarray(0, samples - offset), offset);
    offset += frame.length;
  }
  return out;
}
