import { runInContext, runInNewContext } from 'node:vm';
import { workletSource } from '../../src/audio/worklet.ts';

type Processor = {
  port: FakePort;
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
};

class FakePort {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  readonly sent: unknown[] = [];
  postMessage(message: unknown) {
    this.sent.push(message);
  }
  /** Delivers a message to the processor, as the main thread's `node.port.postMessage` would. */
  deliver(data: unknown) {
    this.onmessage?.({ data });
  }
}

/**
 * Evaluates the worklet module's source text in a fresh V8 context that has only what an
 * AudioWorkletGlobalScope has (no `performance`, no DOM), so a reference to anything outside the
 * injected functions fails here as it would in the browser.
 */
export function loadWorkletScope(sampleRate: number) {
  const processors = new Map<string, new (options: unknown) => Processor>();
  const scope = {
    sampleRate,
    currentFrame: 0,
    AudioWorkletProcessor: class {
      readonly port = new FakePort();
    },
    registerProcessor: (name: string, ctor: new (options: unknown) => Processor) =>
      processors.set(name, ctor),
  };
  runInNewContext(`globalThis.AudioWorkletProcessor = AudioWorkletProcessor;\n${workletSource}`, scope);
  const create = (name: string, processorOptions: object) => {
    const Ctor = processors.get(name);
    if (!Ctor) throw new Error(`no processor ${name}`);
    return new Ctor({ processorOptions }) as Processor & { port: FakePort };
  };
  /** A Float32Array made inside the worklet's context, as the browser hands its processors. */
  const floats = (length: number) => runInContext(`new Float32Array(${length})`, scope) as Float32Array;
  return { scope, processors, create, floats };
}
