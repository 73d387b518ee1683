import { fromCallback } from 'xstate';
import { type AudioHost, createAudioHost, resumeContext, watchRunning } from '../audio/host.ts';
import { DEFAULT_CONSTRAINTS, deviceLostError, listInputs, openMicrophone } from '../audio/microphone.ts';
import type { CaptureCommand, CaptureEvent, CaptureInput } from '../audio/types.ts';
import { CAPTURE_PROCESSOR, type CaptureMessage, type CaptureProcessorOptions } from '../audio/worklet.ts';
import type { CaptureFormat } from '../dialects/types.ts';
import { isVoxError, VoxError } from '../errors.ts';

export interface CaptureAdapterOptions {
  /** Share one AudioContext with playback (one clock, echo reference). Without it, each capture creates and closes its own. */
  host?: AudioHost;
  /** getUserMedia audio constraints; default: echo cancellation, noise suppression, auto gain, mono. */
  constraints?: MediaTrackConstraints;
  /** Default: `navigator.mediaDevices`. */
  mediaDevices?: MediaDevices;
}

/** What a recorder decides from the format before the microphone opens. */
export interface RecorderPlan {
  mimeType: string;
  /** Rate of the capture worklet's output (frames and levels). */
  outRate: number;
  /** Worklet frame size at `outRate`; 0 for none. */
  frameSamples: number;
}

/** The live parts of a capture a recorder attaches to. */
export interface CaptureParts {
  context: AudioContext;
  /** The (mutable) microphone signal. */
  signal: AudioNode;
  /** Sends `flush` to the worklet and resolves with its `flushed` answer. */
  flush(): Promise<number>;
  /** Audio-clock ms of worklet output sample `index`. */
  audioTimeOf(index: number): number;
  emit(event: CaptureEvent): void;
  fail(error: VoxError): void;
}

export interface Recorder {
  /** Worklet messages other than start and level. */
  onMessage?(message: CaptureMessage): void;
  /** Ends the recording: what `capture.done` carries. */
  stop(): Promise<{ audio?: Uint8Array; durationMs: number }>;
  release(): void;
}

export interface RecorderKind {
  plan(format: CaptureFormat, context: AudioContext): RecorderPlan | VoxError;
  start(parts: CaptureParts, plan: RecorderPlan, format: CaptureFormat): Recorder;
}

const DEFAULT_LEVEL_MS = 50;

const asCaptureError = (error: unknown) =>
  isVoxError(error) ? error : new VoxError('capture', 'capture.failed', String(error), { cause: error });

/**
 * The capture lifecycle both adapters share: microphone (or the app's stream) → mute gain → capture
 * worklet (levels, and frames for `pcm`); device changes, unplugging and the autoplay policy reported
 * as events; everything released at `capture.done`, at a fatal error and at teardown.
 */
export function captureAdapter(options: CaptureAdapterOptions, kind: RecorderKind) {
  return fromCallback<CaptureCommand, CaptureInput>(({ input, sendBack, receive }) => {
    const emit = (event: CaptureEvent) => sendBack(event);
    const host = options.host ?? createAudioHost();
    const devices = options.mediaDevices ?? globalThis.navigator?.mediaDevices;
    const context = host.context;
    const levelMs = input.levelMs ?? DEFAULT_LEVEL_MS;
    let deviceId = input.deviceId;
    let finished = false;
    let stopping = false;
    let muted = input.muted ?? false;
    let stream: MediaStream | undefined;
    let ownStream = false;
    let source: MediaStreamAudioSourceNode | undefined;
    let gain: GainNode | undefined;
    let node: AudioWorkletNode | undefined;
    let recorder: Recorder | undefined;
    let startFrame = 0;
    let flushed: ((samples: number) => void) | undefined;
    const unwatch = watchRunning(context, (running) =>
      emit({ type: running ? 'capture.resumed' : 'capture.blocked' }),
    );

    const onEnded = () => fail(deviceLostError(stream?.getAudioTracks()[0]?.getSettings().deviceId));
    const onDeviceChange = () =>
      void listInputs(devices).then((list) => !finished && emit({ type: 'capture.devices', devices: list }));

    const dropStream = () => {
      for (const track of stream?.getAudioTracks() ?? []) {
        track.removeEventListener('ended', onEnded);
        if (ownStream) track.stop();
      }
      source?.disconnect();
      stream = undefined;
      source = undefined;
    };
    const useStream = (next: MediaStream, own: boolean) => {
      dropStream();
      stream = next;
      ownStream = own;
      for (const track of next.getAudioTracks()) track.addEventListener('ended', onEnded);
      source = context.createMediaStreamSource(next);
      if (gain) source.connect(gain);
    };
    const release = () => {
      if (finished) return;
      finished = true;
      unwatch();
      devices?.removeEventListener?.('devicechange', onDeviceChange);
      recorder?.release();
      dropStream();
      node?.port.postMessage({ type: 'close' });
      node?.disconnect();
      gain?.disconnect();
      if (!options.host) void host.close();
    };
    function fail(error: VoxError) {
      if (finished) return;
      emit({ type: 'capture.error', error });
      release();
    }

    const stop = async () => {
      if (!recorder || finished || stopping) return;
      stopping = true;
      const { audio, durationMs } = await recorder.stop();
      if (finished) return;
      emit({
        type: 'capture.done',
        audio,
        mimeType: plan.mimeType,
        durationMs,
        at: Date.now(),
        audioAt: context.currentTime * 1000,
      });
      release();
    };

    const planned = kind.plan(input.format, context);
    if (isVoxError(planned)) {
      queueMicrotask(() => fail(planned));
      return release;
    }
    const plan = planned;
    resumeContext(context);

    const start = async () => {
      await host.ready().catch((cause) => {
        throw new VoxError('capture', 'capture.worklet', 'The audio processor could not load in this page.', {
          cause,
        });
      });
      const opened =
        input.stream ?? (await openMicrophone(devices, deviceId, options.constraints ?? DEFAULT_CONSTRAINTS));
      if (finished) {
        if (!input.stream) for (const track of opened.getTracks()) track.stop();
        return;
      }
      gain = context.createGain();
      gain.gain.value = muted ? 0 : 1;
      useStream(opened, !input.stream);
      const processorOptions: CaptureProcessorOptions = {
        outRate: plan.outRate,
        frameSamples: plan.frameSamples,
        levelSamples: Math.round((levelMs * plan.outRate) / 1000),
      };
      node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions,
      });
      node.port.onmessage = ({ data }: MessageEvent<CaptureMessage>) => {
        if (data.type === 'start') startFrame = data.frame;
        else if (data.type === 'level')
          emit({
            type: 'capture.level',
            rms: data.rms,
            peak: data.peak,
            at: Date.now(),
            audioAt: audioTimeOf(data.end),
          });
        else if (data.type === 'flushed') flushed?.(data.samples);
        else recorder?.onMessage?.(data);
      };
      // The worklet's output is silent; the connection keeps it pulled by the rendering graph.
      gain.connect(node).connect(context.destination);
      const audioTimeOf = (index: number) => (startFrame / context.sampleRate + index / plan.outRate) * 1000;
      recorder = kind.start(
        {
          context,
          signal: gain,
          audioTimeOf,
          emit,
          fail,
          flush: () =>
            new Promise((resolve) => {
              flushed = resolve;
              node?.port.postMessage({ type: 'flush' });
            }),
        },
        plan,
        input.format,
      );
      devices?.addEventListener?.('devicechange', onDeviceChange);
      const settings = opened.getAudioTracks()[0]?.getSettings();
      const label = opened.getAudioTracks()[0]?.label;
      emit({
        type: 'capture.started',
        mimeType: plan.mimeType,
        sampleRate: plan.outRate,
        deviceId: settings?.deviceId,
        label,
        at: Date.now(),
        audioAt: context.currentTime * 1000,
      });
      onDeviceChange();
      if (stopping) {
        stopping = false;
        await stop();
      }
    };
    start().catch((error) => fail(asCaptureError(error)));

    const switchDevice = async (deviceId: string) => {
      const next = await openMicrophone(devices, deviceId, options.constraints ?? DEFAULT_CONSTRAINTS);
      if (finished) {
        for (const track of next.getTracks()) track.stop();
        return;
      }
      useStream(next, true);
      const track = next.getAudioTracks()[0];
      emit({ type: 'capture.device', deviceId: track?.getSettings().deviceId, label: track?.label });
    };

    receive((command) => {
      if (finished) return;
      switch (command.type) {
        case 'stop':
          if (recorder) void stop().catch((error) => fail(asCaptureError(error)));
          else stopping = true; // still opening: stop right after the start
          return;
        case 'mute':
          muted = command.muted;
          gain?.gain.setTargetAtTime(muted ? 0 : 1, context.currentTime, 0.005);
          return;
        case 'device':
          if (!source) deviceId = command.deviceId;
          else void switchDevice(command.deviceId).catch((error) => fail(asCaptureError(error)));
          return;
        case 'resume':
          resumeContext(context);
          return;
      }
    });

    return release;
  });
}
