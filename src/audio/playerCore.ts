export interface PlayerCoreOptions {
  /** Audio a reply must have queued before it starts (or after an underrun), unless it is complete. */
  jitterSamples: number;
  /** Length of the fade at a stop; at most one render block, so a stop is silent within one quantum. */
  rampSamples: number;
}

/** Reply numbers are given by the main thread, increasing; frames are sample frames of the audio clock. */
export interface PlayerSink {
  started(reply: number, frame: number): void;
  /** The reply's last sample was played; `played` counts its samples that reached the output. */
  ended(reply: number, frame: number, played: number): void;
  /** A stop took effect: silence from `frame` on. `reply` is -1 when nothing was queued. */
  stopped(reply: number, frame: number, played: number): void;
  /** The reply ran dry before its end: silence until the jitter buffer refills. */
  underrun(reply: number, frame: number): void;
}

export interface PlayerCore {
  push(reply: number, samples: Float32Array): void;
  /** No more audio for this reply (and for every earlier one). */
  end(reply: number): void;
  /** Fades out what plays, then drops everything queued for replies up to `upTo`, now and later. */
  stop(upTo: number): void;
  /** Fills one render block starting at sample frame `frame`. */
  render(out: Float32Array, frame: number): void;
}

/**
 * The streamed-reply player behind the playback AudioWorklet: one queue of sample blocks, played back
 * to back at sample precision, so chunk boundaries can neither gap nor overlap. Self-contained (its
 * source runs inside the AudioWorkletGlobalScope, see worklet.ts).
 */
export function createPlayerCore(options: PlayerCoreOptions, sink: PlayerSink): PlayerCore {
  const queue: { reply: number; data: Float32Array; offset: number }[] = [];
  let lastEnded = -1;
  let dropUpTo = -1;
  let current = -1; // the reply on air (also while it re-buffers after an underrun)
  let played = 0;
  let playedTo = 0; // the frame just after the last sample played
  let waiting = true; // the jitter gate is closed
  let stopRequested = false;

  const queued = (reply: number) => {
    let samples = 0;
    for (const block of queue) if (block.reply === reply) samples += block.data.length - block.offset;
    return samples;
  };
  const ready = (reply: number) => reply <= lastEnded || queued(reply) >= options.jitterSamples;

  // Copies up to `count` queued samples of the current reply into out[at...]; returns how many.
  const copy = (out: Float32Array, at: number, count: number) => {
    const head = queue[0];
    if (!head || head.reply !== current) return 0;
    const n = Math.min(count, head.data.length - head.offset);
    out.set(head.data.subarray(head.offset, head.offset + n), at);
    head.offset += n;
    if (head.offset === head.data.length) queue.shift();
    played += n;
    return n;
  };

  const applyStop = (out: Float32Array, frame: number) => {
    let faded = 0;
    if (current >= 0 && !waiting) {
      const ramp = Math.min(options.rampSamples, out.length);
      while (faded < ramp) {
        const n = copy(out, faded, ramp - faded);
        if (n === 0) break;
        faded += n;
      }
      // Raised-cosine fade from the current level to zero over the ramp: no step, no click.
      for (let i = 0; i < faded; i++)
        out[i] = (out[i] as number) * 0.5 * (1 + Math.cos((Math.PI * (i + 1)) / ramp));
    }
    sink.stopped(current >= 0 ? current : (queue[0]?.reply ?? -1), frame + faded, played);
    out.fill(0, faded);
    queue.length = 0;
    current = -1;
    played = 0;
    waiting = true;
    stopRequested = false;
  };

  return {
    push(reply, samples) {
      if (reply > dropUpTo && samples.length > 0) queue.push({ reply, data: samples, offset: 0 });
    },
    end(reply) {
      lastEnded = Math.max(lastEnded, reply);
    },
    stop(upTo) {
      dropUpTo = Math.max(dropUpTo, upTo);
      stopRequested = true;
    },
    render(out, frame) {
      if (stopRequested) return applyStop(out, frame);
      let at = 0;
      while (at < out.length) {
        if (waiting) {
          if (current >= 0 && current <= lastEnded && queued(current) === 0) {
            sink.ended(current, playedTo, played);
            current = -1;
          }
          const head = queue[0];
          if (!head || !ready(head.reply)) break;
          if (head.reply !== current) {
            current = head.reply;
            played = 0;
            sink.started(current, frame + at);
          }
          waiting = false;
        }
        const n = copy(out, at, out.length - at);
        at += n;
        if (n > 0) {
          playedTo = frame + at;
          continue;
        }
        // The current reply ran out: it ended (reported above, next turn) or it is late.
        waiting = true;
        if (current > lastEnded) sink.underrun(current, frame + at);
      }
      out.fill(0, at);
    },
  };
}
