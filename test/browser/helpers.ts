import { type AnyActorLogic, createActor, createMachine, type EventObject } from 'xstate';
import type { FixtureManifest } from '../fixtures/generate.ts';

/** Polls until `condition` holds; a generous ceiling, since the machine may be loaded. */
export async function until<T>(
  condition: () => T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs adapter logic as the child of a machine (as the session will), recording every event it sends
 * back. `next(type)` resolves with the first event of that type not yet taken by an earlier `next`.
 */
export function runAdapter<Command extends EventObject, Event extends EventObject>(
  logic: AnyActorLogic,
  input?: unknown,
) {
  const events: Event[] = [];
  const parent = createActor(
    createMachine({
      invoke: { id: 'adapter', src: logic, input },
      on: { '*': { actions: ({ event }) => void events.push(event as Event) } },
    }),
  ).start();
  const child = parent.getSnapshot().children.adapter;
  const taken = new Set<Event>();
  return {
    events,
    send: (command: Command) => child?.send(command),
    of: <T extends Event['type']>(type: T) =>
      events.filter((e) => e.type === type) as Extract<Event, { type: T }>[],
    next: <T extends Event['type']>(type: T, timeoutMs?: number) =>
      until(
        () => {
          const found = events.find((e) => e.type === type && !taken.has(e));
          if (found) taken.add(found);
          return found as Extract<Event, { type: T }> | undefined;
        },
        `${type} (got ${events.map((e) => e.type).join(', ') || 'nothing'})`,
        timeoutMs,
      ),
    stop: () => parent.stop(),
  };
}

export async function fixture(name: string): Promise<Uint8Array> {
  const response = await fetch(`/test/output/fixtures/${name}`);
  if (!response.ok) throw new Error(`fixture ${name}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function manifest(): Promise<FixtureManifest> {
  return JSON.parse(new TextDecoder().decode(await fixture('manifest.json')));
}

/** A "microphone" built from a Web Audio graph, so what it plays is on the context's clock. */
export function graphMicrophone(context: AudioContext, samples: Float32Array, sampleRate: number) {
  const buffer = context.createBuffer(1, samples.length, sampleRate);
  buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
  const source = context.createBufferSource();
  source.buffer = buffer;
  const destination = context.createMediaStreamDestination();
  destination.channelCount = 1;
  source.connect(destination);
  const ended = new Promise<void>((resolve) => source.addEventListener('ended', () => resolve()));
  return { stream: destination.stream, source, ended };
}

const TAP_SOURCE = `registerProcessor('test-tap', class extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    this.port.postMessage({ frame: currentFrame, samples: channel ? channel.slice() : new Float32Array(128) });
    return true;
  }
});`;
const tapsLoaded = new WeakMap<BaseAudioContext, Promise<void>>();

/**
 * Records what reaches `node`'s output, sample by sample, with the audio-clock frame of each sample:
 * the rendered sound, not the adapter's own arithmetic.
 */
export async function tap(context: AudioContext, node: AudioNode) {
  let loaded = tapsLoaded.get(context);
  if (!loaded) {
    loaded = context.audioWorklet.addModule(
      URL.createObjectURL(new Blob([TAP_SOURCE], { type: 'text/javascript' })),
    );
    tapsLoaded.set(context, loaded);
  }
  await loaded;
  const recorder = new AudioWorkletNode(context, 'test-tap', { numberOfInputs: 1, numberOfOutputs: 1 });
  let first = -1;
  let data = new Float32Array(1 << 16);
  let length = 0;
  recorder.port.onmessage = ({ data: block }: MessageEvent<{ frame: number; samples: Float32Array }>) => {
    if (first < 0) first = block.frame;
    const at = block.frame - first;
    if (at + block.samples.length > data.length) {
      const grown = new Float32Array(2 * (at + block.samples.length));
      grown.set(data);
      data = grown;
    }
    data.set(block.samples, at);
    length = at + block.samples.length;
  };
  node.connect(recorder).connect(context.destination);
  return {
    /** The audio-clock frame just after the last recorded sample. */
    end: () => (first < 0 ? 0 : first + length),
    /** Rendered samples of frames [from, to). */
    read: (from: number, to: number) => {
      const out = new Float32Array(to - from);
      for (let frame = Math.max(from, first); frame < to && frame - first < length; frame++) {
        out[frame - from] = data[frame - first] as number;
      }
      return out;
    },
    first: () => first,
    waitUntil: (frame: number) =>
      until(() => first >= 0 && first + length >= frame, `tap to reach frame ${frame}`),
    disconnect: () => {
      node.disconnect(recorder);
      recorder.disconnect();
      recorder.port.close();
    },
  };
}

/** 16-bit little-endian PCM of a float signal. */
export function toPcm16(samples: Float32Array): Uint8Array {
  const view = new DataView(new ArrayBuffer(samples.length * 2));
  samples.forEach((s, i) => view.setInt16(i * 2, Math.round(Math.max(-1, Math.min(1, s)) * 32767), true));
  return new Uint8Array(view.buffer);
}

/** Splits `whole` into consecutive pieces of pseudo-random even byte lengths in [min, max]. */
export function splitBytes(whole: Uint8Array, min: number, max: number, seed = 7): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let state = seed;
  for (let at = 0; at < whole.length; ) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = 2 * Math.floor((min + (state % (max - min + 1))) / 2);
    pieces.push(whole.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/**
 * The best match of `reference` inside `signal` (normalized cross-correlation, 1 = identical shape):
 * a coarse search on every 4th sample, then a fine one around the best coarse lag.
 */
export function bestLag(signal: Float32Array, reference: Float32Array, maxLag: number) {
  const score = (lag: number, step: number) => {
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i < reference.length && i + lag < signal.length; i += step) {
      const s = signal[i + lag] as number;
      const r = reference[i] as number;
      dot += s * r;
      a += s * s;
      b += r * r;
    }
    return a && b ? dot / Math.sqrt(a * b) : 0;
  };
  let best = { lag: 0, correlation: -1 };
  for (let lag = 0; lag <= maxLag; lag += 4) {
    const correlation = score(lag, 4);
    if (correlation > best.correlation) best = { lag, correlation };
  }
  const coarse = best.lag;
  best = { lag: 0, correlation: -1 };
  for (let lag = Math.max(0, coarse - 4); lag <= coarse + 4; lag++) {
    const correlation = score(lag, 1);
    if (correlation > best.correlation) best = { lag, correlation };
  }
  return best;
}

/** Records the streams getUserMedia hands out and the constraints it was asked for. */
export function spyMediaDevices() {
  const real = navigator.mediaDevices;
  const streams: MediaStream[] = [];
  const requests: MediaStreamConstraints[] = [];
  const devices = {
    getUserMedia: async (constraints: MediaStreamConstraints) => {
      requests.push(constraints);
      const stream = await real.getUserMedia(constraints);
      streams.push(stream);
      return stream;
    },
    enumerateDevices: () => real.enumerateDevices(),
    addEventListener: (type: string, listener: EventListener) => real.addEventListener(type, listener),
    removeEventListener: (type: string, listener: EventListener) => real.removeEventListener(type, listener),
  } as unknown as MediaDevices;
  return { devices, streams, requests };
}

/** Records every AudioContext constructed until `restore()`. */
export function spyAudioContexts() {
  const created: AudioContext[] = [];
  const Original = globalThis.AudioContext;
  globalThis.AudioContext = class extends Original {
    constructor(options?: AudioContextOptions) {
      super(options);
      created.push(this);
    }
  };
  return { created, restore: () => void (globalThis.AudioContext = Original) };
}
