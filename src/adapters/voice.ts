import { fromCallback } from 'xstate';
import { createEchoGate, DEFAULT_ECHO_GATE, type EchoGateOptions } from '../audio/echoGate.ts';
import { type AudioHost, createAudioHost } from '../audio/host.ts';
import { DEFAULT_CONSTRAINTS, openMicrophone } from '../audio/microphone.ts';
import { createVad, DEFAULT_VAD, type VadOptions } from '../audio/vad.ts';
import { addModuleOnce, RENDER_QUANTUM } from '../audio/worklet.ts';
import type { VoxError } from '../errors.ts';

export const VOICE_PROCESSOR = 'voxstate-voice';

export interface VoiceOptions {
  /** The AudioHost that plays the agent: its `reference` feeds the echo gate, and both share one clock. */
  host?: AudioHost;
  /** Listen to this stream (hands-free apps that already hold the microphone); its tracks stay the app's. */
  stream?: MediaStream;
  /** Otherwise the microphone is opened with these (default: browser echo cancellation on). */
  deviceId?: string;
  constraints?: MediaTrackConstraints;
  /** Default `navigator.mediaDevices`. */
  devices?: MediaDevices;
  /**
   * Frame of the detector. Default one render quantum (128 samples: 2.7 ms at 48 kHz), so that speech
   * is seen within the quantum it is heard in.
   */
  frameMs?: number;
  vad?: Partial<VadOptions>;
  /** The echo gate's settings, or `false` for none (the detector then hears the agent too). */
  echoGate?: Partial<Omit<EchoGateOptions, 'sampleRate'>> | false;
  /** Where to load the detector's worklet module from (CSP without `blob:`): serve `voiceWorkletSource`. */
  workletUrl?: string;
}

/**
 * What a voice-activity actor sends its parent: `at` is ms on the AudioContext clock of the frame where
 * the speech (or the silence) began, `now` the clock when the event was sent. Any detector that sends
 * these (Silero through `@ricky0123/vad-web`, a server's VAD) can replace this one as `adapters.voice`.
 */
export type VoiceAdapterEvent =
  | { type: 'speech.start'; at: number; now: number }
  | { type: 'speech.end'; at: number; now: number }
  /** The microphone could not be opened: no barge-in until the conversation restarts. */
  | { type: 'voice.error'; error: VoxError };

interface VoiceProcessorOptions {
  frameSamples: number;
  vad: VadOptions;
  echoGate: EchoGateOptions | false;
}
type VoiceMessage = { type: 'start' | 'end'; frame: number };

interface WorkletScope {
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(name: string, processor: new (options: AudioWorkletNodeOptions) => object): void;
  currentFrame: number;
  sampleRate: number;
}

/** Runs inside the AudioWorkletGlobalScope (see worklet.ts): input 0 is the microphone, input 1 the reference. */
function installVoiceProcessor(makeVad: typeof createVad, makeEchoGate: typeof createEchoGate, name: string) {
  const scope = globalThis as unknown as WorkletScope;
  const mono = (channels: Float32Array[] | undefined, into: Float32Array, at: number, length: number) => {
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (const channel of channels ?? []) sum += channel[i] ?? 0;
      into[at + i] = channels?.length ? sum / channels.length : 0;
    }
  };

  class VoiceProcessor extends scope.AudioWorkletProcessor {
    declare o: VoiceProcessorOptions;
    declare vad: ReturnType<typeof createVad>;
    declare gate: ReturnType<typeof createEchoGate> | null;
    declare mic: Float32Array;
    declare ref: Float32Array;
    declare filled: number;
    declare origin: number;
    declare closed: boolean;

    constructor(options: AudioWorkletNodeOptions) {
      super();
      this.o = options.processorOptions as VoiceProcessorOptions;
      this.vad = makeVad(this.o.vad, (this.o.frameSamples / scope.sampleRate) * 1000);
      this.gate = this.o.echoGate ? makeEchoGate(this.o.echoGate) : null;
      this.mic = new Float32Array(this.o.frameSamples);
      this.ref = new Float32Array(this.o.frameSamples);
      this.filled = 0;
      this.origin = -1;
      this.closed = false;
      this.port.onmessage = () => {
        this.closed = true;
      };
    }

    process(inputs: Float32Array[][]) {
      if (this.closed) return false;
      if (this.origin < 0) this.origin = scope.currentFrame;
      const length = inputs[0]?.[0]?.length ?? 128;
      for (let done = 0; done < length; ) {
        const n = Math.min(length - done, this.mic.length - this.filled);
        mono(
          inputs[0]?.map((c) => c.subarray(done)),
          this.mic,
          this.filled,
          n,
        );
        mono(
          inputs[1]?.map((c) => c.subarray(done)),
          this.ref,
          this.filled,
          n,
        );
        this.filled += n;
        done += n;
        if (this.filled === this.mic.length) this.frame();
      }
      return true;
    }

    frame() {
      this.filled = 0;
      const { vad } = this.o;
      let level = 0;
      for (const s of this.mic) level += s * s;
      level = Math.sqrt(level / this.mic.length);
      // Only a frame loud enough to count needs the delay search.
      const search = level > vad.threshold * vad.releaseRatio;
      const heard = this.gate ? this.gate.push(this.mic, this.ref, search).residual : level;
      const change = this.vad.push(heard);
      if (!change) return;
      const frame = this.origin + change.frame * this.mic.length;
      this.port.postMessage({ type: change.type, frame } satisfies VoiceMessage);
    }
  }

  scope.registerProcessor(name, VoiceProcessor);
}

/** The detector's worklet module, from the same functions the Node tests run (see worklet.ts for `__name`). */
export const voiceWorkletSource = `var __name = (target) => target;\n(${installVoiceProcessor})(${createVad}, ${createEchoGate}, ${JSON.stringify(VOICE_PROCESSOR)});\n`;

/**
 * The default voice-activity adapter: an energy detector behind an echo gate, in an AudioWorklet of
 * its own on the shared AudioHost. It hears the microphone (or `stream`) and `host.reference`, what
 * the agent is playing, and sends `speech.start` / `speech.end` with audio-clock times. It opens the
 * microphone on `voice.listen` (the conversation sends it with the user's first turn, or at once when
 * hands-free) and listens from then on, so the microphone is open and the noise floor known before
 * the agent first speaks.
 */
export function voice(options: VoiceOptions = {}) {
  return fromCallback<{ type: string }>(({ sendBack, receive }) => {
    const host = options.host ?? createAudioHost();
    const context = host.context;
    const rate = context.sampleRate;
    let closed = false;
    let node: AudioWorkletNode | undefined;
    let source: MediaStreamAudioSourceNode | undefined;
    let opened: MediaStream | undefined;
    let gated = false;

    const start = async () => {
      const stream =
        options.stream ??
        (opened = await openMicrophone(
          options.devices ?? globalThis.navigator?.mediaDevices,
          options.deviceId,
          options.constraints ?? DEFAULT_CONSTRAINTS,
        ));
      await addModuleOnce(context, voiceWorkletSource, options.workletUrl);
      if (closed) {
        for (const track of opened?.getTracks() ?? []) track.stop();
        return;
      }
      const frameSamples = options.frameMs ? Math.round((options.frameMs * rate) / 1000) : RENDER_QUANTUM;
      const processorOptions: VoiceProcessorOptions = {
        frameSamples,
        vad: { ...DEFAULT_VAD, ...options.vad },
        echoGate:
          options.echoGate === false || !options.host
            ? false
            : { ...DEFAULT_ECHO_GATE, ...options.echoGate, sampleRate: rate },
      };
      node = new AudioWorkletNode(context, VOICE_PROCESSOR, {
        numberOfInputs: 2,
        numberOfOutputs: 1, // silent; connected so that the graph pulls it
        channelCount: 1,
        channelCountMode: 'explicit',
        processorOptions,
      });
      node.port.onmessage = ({ data }: MessageEvent<VoiceMessage>) =>
        sendBack({
          type: data.type === 'start' ? 'speech.start' : 'speech.end',
          at: (data.frame / rate) * 1000,
          now: context.currentTime * 1000,
        } satisfies VoiceAdapterEvent);
      source = context.createMediaStreamSource(stream);
      source.connect(node, 0, 0);
      if (processorOptions.echoGate) {
        host.reference.connect(node, 0, 1);
        gated = true;
      }
      node.connect(context.destination);
    };
    let listening = false;
    receive((command) => {
      if (command.type !== 'voice.listen' || listening) return;
      listening = true;
      start().catch((error: VoxError) => {
        if (!closed) sendBack({ type: 'voice.error', error } satisfies VoiceAdapterEvent);
      });
    });

    return () => {
      closed = true;
      node?.port.postMessage('close');
      source?.disconnect();
      node?.disconnect();
      if (node && gated) host.reference.disconnect(node);
      for (const track of opened?.getTracks() ?? []) track.stop();
      if (!options.host) void host.close();
    };
  });
}
