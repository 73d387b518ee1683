import { type CaptureCore, createCaptureCore } from './captureCore.ts';
import { createPlayerCore, type PlayerCore } from './playerCore.ts';
import { createResampler } from './resample.ts';

export const CAPTURE_PROCESSOR = 'voxstate-capture';
export const PLAYER_PROCESSOR = 'voxstate-player';

/** Options of the capture processor (`processorOptions`). */
export interface CaptureProcessorOptions {
  outRate: number;
  frameSamples: number;
  levelSamples: number;
}

/** Options of the player processor (`processorOptions`). */
export interface PlayerProcessorOptions {
  jitterSamples: number;
  rampSamples: number;
}

/** Messages from the capture processor; sample indices count output samples from `start`. */
export type CaptureMessage =
  | { type: 'start'; frame: number }
  | { type: 'frame'; pcm: Int16Array; index: number }
  | { type: 'level'; rms: number; peak: number; end: number }
  | { type: 'flushed'; samples: number };

export type PlayerMessage =
  | { type: 'started'; reply: number; frame: number }
  | { type: 'ended' | 'stopped'; reply: number; frame: number; played: number }
  | { type: 'underrun'; reply: number; frame: number };

export type PlayerCommand =
  | { type: 'push'; reply: number; samples: Float32Array }
  | { type: 'end'; reply: number }
  | { type: 'stop'; upTo: number }
  | { type: 'close' };

interface ProcessorBase {
  readonly port: MessagePort;
}
interface WorkletScope {
  AudioWorkletProcessor: new () => ProcessorBase;
  registerProcessor(name: string, processor: new (options: AudioWorkletNodeOptions) => ProcessorBase): void;
  sampleRate: number;
  currentFrame: number;
}

export const RENDER_QUANTUM = 128;

/**
 * Runs inside the AudioWorkletGlobalScope, from its source text: it may use only its parameters and
 * the scope's globals (there is no `performance` there). The pipelines are passed in for that reason.
 */
function installProcessors(
  makeResampler: typeof createResampler,
  makeCaptureCore: typeof createCaptureCore,
  makePlayerCore: typeof createPlayerCore,
  captureName: string,
  playerName: string,
  quantum: number,
) {
  const scope = globalThis as unknown as WorkletScope;

  class CaptureProcessor extends scope.AudioWorkletProcessor {
    declare core: CaptureCore;
    declare mono: Float32Array;
    declare started: boolean;
    declare closed: boolean;

    constructor(options: AudioWorkletNodeOptions) {
      super();
      const o = options.processorOptions as CaptureProcessorOptions;
      const post = (message: CaptureMessage, transfer: Transferable[] = []) =>
        this.port.postMessage(message, transfer);
      this.mono = new Float32Array(quantum);
      this.started = false;
      this.closed = false;
      this.core = makeCaptureCore(o, makeResampler(scope.sampleRate, o.outRate), {
        frame: (pcm, _floats, index) => post({ type: 'frame', pcm, index }, [pcm.buffer]),
        level: (rms, peak, end) => post({ type: 'level', rms, peak, end }),
      });
      this.port.onmessage = (event: MessageEvent<{ type: 'flush' | 'close' }>) => {
        if (this.closed) return;
        if (event.data.type === 'flush') post({ type: 'flushed', samples: this.core.flush() });
        this.closed = true;
      };
    }

    process(inputs: Float32Array[][]) {
      if (this.closed) return false;
      if (!this.started) {
        this.started = true;
        this.port.postMessage({ type: 'start', frame: scope.currentFrame } satisfies CaptureMessage);
      }
      // Fold to mono; no input connected (a device being switched) counts as silence, keeping time.
      const channels = inputs[0] ?? [];
      const mono = this.mono;
      mono.fill(0);
      for (const channel of channels) {
        for (let i = 0; i < mono.length; i++)
          mono[i] = (mono[i] as number) + (channel[i] ?? 0) / channels.length;
      }
      this.core.push(mono);
      return true;
    }
  }

  class PlayerProcessor extends scope.AudioWorkletProcessor {
    declare core: PlayerCore;
    declare closed: boolean;

    constructor(options: AudioWorkletNodeOptions) {
      super();
      const post = (message: PlayerMessage) => this.port.postMessage(message);
      this.closed = false;
      this.core = makePlayerCore(options.processorOptions as PlayerProcessorOptions, {
        started: (reply, frame) => post({ type: 'started', reply, frame }),
        ended: (reply, frame, played) => post({ type: 'ended', reply, frame, played }),
        stopped: (reply, frame, played) => post({ type: 'stopped', reply, frame, played }),
        underrun: (reply, frame) => post({ type: 'underrun', reply, frame }),
      });
      this.port.onmessage = ({ data }: MessageEvent<PlayerCommand>) => {
        if (data.type === 'push') this.core.push(data.reply, data.samples);
        else if (data.type === 'end') this.core.end(data.reply);
        else if (data.type === 'stop') this.core.stop(data.upTo);
        else this.closed = true;
      };
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]) {
      if (this.closed) return false;
      const out = outputs[0]?.[0];
      if (out) this.core.render(out, scope.currentFrame);
      return true;
    }
  }

  scope.registerProcessor(captureName, CaptureProcessor);
  scope.registerProcessor(playerName, PlayerProcessor);
}

const literal = (value: string | number) => JSON.stringify(value);

/**
 * The AudioWorklet module: both processors, from the same functions the Node tests and benchmarks run.
 * esbuild's `keepNames` (tsx, some bundlers) wraps functions in `__name(...)`: the shim keeps that
 * source text runnable in the worklet scope.
 */
export const workletSource = `var __name = (target) => target;\n(${installProcessors})(${createResampler}, ${createCaptureCore}, ${createPlayerCore}, ${literal(CAPTURE_PROCESSOR)}, ${literal(PLAYER_PROCESSOR)}, ${RENDER_QUANTUM});\n`;

const loaded = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

/**
 * Adds a worklet module to a context once: by default from a Blob URL of its `source`; pages whose
 * Content-Security-Policy forbids `blob:` scripts can serve that text themselves and pass its URL.
 */
export function addModuleOnce(context: BaseAudioContext, source: string, url?: string): Promise<void> {
  let modules = loaded.get(context);
  if (!modules) loaded.set(context, (modules = new Map()));
  let pending = modules.get(source);
  if (!pending) {
    const blobUrl = url ? undefined : URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    pending = context.audioWorklet.addModule(url ?? (blobUrl as string)).finally(() => {
      if (blobUrl) URL.revokeObjectURL(blobUrl);
    });
    modules.set(source, pending);
  }
  return pending;
}

/** The capture and playback processors' module (`workletSource`), added to a context once. */
export const loadWorklet = (context: BaseAudioContext, url?: string) =>
  addModuleOnce(context, workletSource, url);
