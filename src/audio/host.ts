import { loadWorklet } from './worklet.ts';

export interface AudioHostOptions {
  /** Use this context (the host will not close it). Otherwise one is created on first use. */
  context?: AudioContext;
  /** For a created context, e.g. `{ latencyHint: 'interactive' }`. */
  contextOptions?: AudioContextOptions;
  /** Where to load the worklet module from, for pages whose CSP forbids `blob:` scripts (serve `workletSource`). */
  workletUrl?: string;
}

/**
 * One AudioContext shared by capture and playback: their events then share one clock, and the sound
 * playback sends to the speakers is available to capture-side analysis (the barge-in echo gate).
 */
export interface AudioHost {
  /** Created on first use. Created before the page's first click, it starts suspended (autoplay policy). */
  readonly context: AudioContext;
  /**
   * What playback sends to the speakers (after volume and ducking): connect analysers or worklets here.
   * It is not connected to the speakers itself.
   */
  readonly reference: AudioNode;
  /** Resolves once the worklet module is loaded into the context. */
  ready(): Promise<void>;
  /** Closes the context if the host created it. */
  close(): Promise<void>;
}

export function createAudioHost(options: AudioHostOptions = {}): AudioHost {
  let context = options.context;
  let reference: GainNode | undefined;
  const getContext = () => {
    context ??= new AudioContext(options.contextOptions);
    return context;
  };
  return {
    get context() {
      return getContext();
    },
    get reference() {
      reference ??= getContext().createGain();
      return reference;
    },
    ready: () => loadWorklet(getContext(), options.workletUrl),
    async close() {
      reference?.disconnect();
      if (context && !options.context && context.state !== 'closed') await context.close();
    },
  };
}

/**
 * Reports when the context stops or starts running: `false` at once if it is not running now (the
 * autoplay policy, an iOS interruption), then every change. Returns the unsubscribe function.
 */
export function watchRunning(context: BaseAudioContext, report: (running: boolean) => void): () => void {
  let running = context.state === 'running';
  if (!running) report(false);
  const check = () => {
    if (context.state === 'closed' || (context.state === 'running') === running) return;
    running = !running;
    report(running);
  };
  context.addEventListener('statechange', check);
  return () => context.removeEventListener('statechange', check);
}

/** Asks a suspended context to run; without a user gesture the browser may keep it waiting. */
export function resumeContext(context: AudioContext) {
  if (context.state === 'suspended' || (context.state as string) === 'interrupted')
    context.resume().catch(() => {});
}
