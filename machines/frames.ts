/** A WebSocket frame: text, or binary as bytes (adapters turn ArrayBuffers and Blobs into bytes). */
export type Frame = string | Uint8Array;

/** How a frame travels through the outgoing queue. */
export type FrameKind =
  /** Handshake, pings, interrupts: go first after a (re)connect, never dropped for age. */
  | 'control'
  /** Application frames: flushed in order once the owner says the handshake is complete. */
  | 'app'
  /** Live audio: like `app`, but dropped when older than `queue.maxRealtimeAgeMs` at flush time. */
  | 'realtime';

export interface Outgoing {
  frame: Frame;
  kind: FrameKind;
  bytes: number;
  /** Timestamp (ms) given by the sender; only realtime frames need it. */
  at: number | undefined;
  /** Write number, set when the frame is written; kept if a socket gives the frame back, to requeue it in order. */
  seq?: number;
  /** The connection's own heartbeat frame (a ping, or the answer to a server's), not the owner's. */
  heartbeat?: true;
}

/** Size of a frame on the wire: UTF-8 length for text, without allocating an encoded copy. */
export function frameBytes(frame: Frame): number {
  if (typeof frame !== 'string') return frame.byteLength;
  let bytes = 0;
  for (let i = 0; i < frame.length; i++) {
    const c = frame.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
