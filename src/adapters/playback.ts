import { fromCallback } from 'xstate';
import { type AudioHost, createAudioHost, resumeContext, watchRunning } from '../audio/host.ts';
import { mixToMono, pcm16ToFloat32 } from '../audio/pcm.ts';
import { createResampler, type Resampler } from '../audio/resample.ts';
import type { PlaybackAudio, PlaybackCommand, PlaybackEvent } from '../audio/types.ts';
import { parseWav } from '../audio/wav.ts';
import {
  PLAYER_PROCESSOR,
  type PlayerCommand,
  type PlayerMessage,
  type PlayerProcessorOptions,
} from '../audio/worklet.ts';
import { VoxError } from '../errors.ts';

export interface PlaybackOptions {
  /** Share one AudioContext with capture. Without it, playback creates its own and closes it at teardown. */
  host?: AudioHost;
  /** Audio queued before a streamed reply starts (absorbs network jitter). Default 40 ms. */
  jitterMs?: number;
  /** Fade at a stop; at most one render quantum (128 samples). Default 2.5 ms. */
  stopRampMs?: number;
  /** Initial output volume, 0 to 1. Default 1. */
  volume?: number;
}

const PCM_TYPES = ['audio/pcm', 'audio/l16', 'audio/raw'];
const WAV_TYPES = ['audio/wav', 'audio/wave', 'audio/x-wav', 'audio/vnd.wave'];

const playbackError = (code: string, message: string, cause?: unknown) =>
  new VoxError('playback', code, message, { cause });

const isRiff = (audio: Uint8Array) => String.fromCharCode(...audio.subarray(0, 4)) === 'RIFF';

/**
 * Samples and their rate, from PCM and WAV directly (exact) or from the browser's decoder (MP3, ...).
 * `streamRate`: the rate of the reply so far, for WAV streams that send the header only once.
 */
async function decode(
  context: BaseAudioContext,
  { audio, mimeType, sampleRate }: PlaybackAudio,
  streamRate?: number,
) {
  const type = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  const wavType = WAV_TYPES.includes(type);
  if (PCM_TYPES.includes(type) || (wavType && streamRate && !isRiff(audio))) {
    const rate = sampleRate ?? streamRate;
    if (!rate) throw playbackError('playback.decode', `${mimeType} audio needs a sampleRate.`);
    return { samples: pcm16ToFloat32(audio), rate };
  }
  if (wavType) {
    const wav = parseWav(audio);
    if (!(wav instanceof VoxError)) return { samples: mixToMono(wav.channels), rate: wav.sampleRate };
  }
  try {
    const buffer = await context.decodeAudioData(audio.slice().buffer);
    const channels = Array.from({ length: buffer.numberOfChannels }, (_, i) => buffer.getChannelData(i));
    return { samples: mixToMono(channels), rate: buffer.sampleRate };
  } catch (cause) {
    throw playbackError(
      'playback.decode',
      `This browser could not decode the reply audio (${mimeType}).`,
      cause,
    );
  }
}

/**
 * Plays replies through one AudioWorklet queue on the audio clock: streamed chunks back to back at
 * sample precision (each reply resampled as one continuous stream, so chunk edges cannot click), whole
 * files the same way. `stop` is silent within one render quantum and answers with the ms heard.
 * Output: worklet → duck gain → volume gain → speakers and `host.reference`.
 */
export function playback(options: PlaybackOptions = {}) {
  return fromCallback<PlaybackCommand>(({ sendBack, receive }) => {
    const emit = (event: PlaybackEvent) => sendBack(event);
    const host = options.host ?? createAudioHost();
    const context = host.context;
    const rate = context.sampleRate;
    const unwatch = watchRunning(context, (running) =>
      emit({ type: running ? 'playback.resumed' : 'playback.blocked' }),
    );
    const duck = context.createGain();
    const volume = context.createGain();
    volume.gain.value = options.volume ?? 1;
    duck.connect(volume);
    volume.connect(context.destination);
    volume.connect(host.reference);

    let node: AudioWorkletNode | undefined;
    let closed = false;
    const early: PlayerCommand[] = [];
    const post = (command: PlayerCommand) => {
      if (node) node.port.postMessage(command, command.type === 'push' ? [command.samples.buffer] : []);
      else early.push(command);
    };
    const processorOptions: PlayerProcessorOptions = {
      jitterSamples: Math.round(((options.jitterMs ?? 40) * rate) / 1000),
      rampSamples: Math.min(128, Math.max(1, Math.round(((options.stopRampMs ?? 2.5) * rate) / 1000))),
    };
    host
      .ready()
      .then(() => {
        if (closed) return;
        node = new AudioWorkletNode(context, PLAYER_PROCESSOR, {
          numberOfInputs: 0,
          numberOfOutputs: 1,
          outputChannelCount: [1],
          processorOptions,
        });
        node.port.onmessage = ({ data }: MessageEvent<PlayerMessage>) => report(data);
        node.connect(duck);
        for (const command of early.splice(0)) post(command);
      })
      .catch((cause) =>
        emit({
          type: 'playback.error',
          error: playbackError('playback.worklet', 'The audio player could not load in this page.', cause),
        }),
      );

    // Replies get increasing numbers here (the worklet drops anything of a stopped number); `keys`
    // maps them to the caller's `reply`, and `stoppedKeys` drops late audio of a stopped one.
    const keys = new Map<number, number | undefined>();
    const pushed = new Map<number, number>();
    const stoppedKeys = new Set<number>();
    let reply = -1;
    let open = false;
    let stoppedUpTo = -1;
    let resampler: Resampler | undefined;
    let chain = Promise.resolve();

    const ms = (samples: number) => (samples / rate) * 1000;
    const report = (message: PlayerMessage) => {
      const key = keys.get(message.reply);
      const times = { at: Date.now(), audioAt: ms(message.frame) };
      if (message.type === 'started') emit({ type: 'playback.started', reply: key, ...times });
      else if (message.type === 'underrun') emit({ type: 'playback.underrun', reply: key, ...times });
      else {
        const type = message.type === 'ended' ? 'playback.ended' : 'playback.stopped';
        emit({ type, reply: key, ...times, heardMs: ms(message.played) });
        keys.delete(message.reply);
      }
    };

    const push = (number: number, samples: Float32Array) => {
      if (number <= stoppedUpTo || samples.length === 0) return;
      pushed.set(number, (pushed.get(number) ?? 0) + samples.length);
      post({ type: 'push', reply: number, samples });
    };
    const finish = () => {
      if (!open) return;
      open = false;
      const number = reply;
      chain = chain.then(() => {
        if (resampler) push(number, resampler.flush());
        resampler = undefined;
        if (number <= stoppedUpTo) return;
        if (pushed.get(number)) post({ type: 'end', reply: number });
        else {
          // Nothing of it could be played (undecodable): it ends unheard rather than never.
          const times = { at: Date.now(), audioAt: context.currentTime * 1000 };
          emit({ type: 'playback.ended', reply: keys.get(number), ...times, heardMs: 0 });
          keys.delete(number);
        }
        pushed.delete(number);
      });
    };
    const play = (audio: PlaybackAudio) => {
      if (audio.reply !== undefined && stoppedKeys.has(audio.reply)) return; // late audio of a stopped reply
      if (!open || audio.whole || audio.reply !== keys.get(reply)) {
        finish();
        reply++;
        open = true;
        keys.set(reply, audio.reply);
      }
      const number = reply;
      chain = chain
        .then(async () => {
          if (number <= stoppedUpTo) return;
          const { samples, rate: from } = await decode(context, audio, resampler?.inRate);
          if (number <= stoppedUpTo) return;
          if (resampler && resampler.inRate !== from) push(number, resampler.flush());
          if (!resampler || resampler.inRate !== from) resampler = createResampler(from, rate);
          push(number, resampler.process(samples));
        })
        .catch((error) => emit({ type: 'playback.error', error, reply: audio.reply }));
      if (audio.whole) finish();
    };
    const stop = (key: number | undefined) => {
      if (key !== undefined) stoppedKeys.add(key);
      for (let n = stoppedUpTo + 1; n <= reply; n++) {
        const stopped = keys.get(n);
        if (stopped !== undefined) stoppedKeys.add(stopped);
      }
      open = false;
      resampler = undefined;
      stoppedUpTo = reply;
      post({ type: 'stop', upTo: reply });
    };
    const ramp = (param: AudioParam, value: number, ms: number) => {
      param.cancelScheduledValues(context.currentTime);
      param.setTargetAtTime(value, context.currentTime, ms / 3000); // ~95% there after `ms`
    };
    const setSink = async (deviceId: string) => {
      const sinkable = context as AudioContext & { setSinkId?: (id: string) => Promise<void> };
      if (!sinkable.setSinkId) {
        throw playbackError(
          'playback.sink-unsupported',
          'This browser cannot choose the output device; use the system settings.',
        );
      }
      await sinkable.setSinkId(deviceId).catch((cause) => {
        throw playbackError(
          'playback.sink-failed',
          'That output device cannot be used. Choose another one.',
          cause,
        );
      });
      emit({ type: 'playback.sink', deviceId });
    };

    receive((command) => {
      if (closed) return;
      switch (command.type) {
        case 'play':
          return play(command);
        case 'finish':
          if (command.reply === undefined || command.reply === keys.get(reply)) finish();
          return;
        case 'stop':
          return stop(command.reply);
        case 'duck':
          return ramp(duck.gain, command.level ?? 0.25, command.rampMs ?? 15);
        case 'restore':
          return ramp(duck.gain, 1, command.rampMs ?? 150);
        case 'volume':
          return ramp(volume.gain, Math.min(1, Math.max(0, command.value)), 15);
        case 'sink':
          void setSink(command.deviceId).catch((error) => emit({ type: 'playback.error', error }));
          return;
        case 'resume':
          return resumeContext(context);
      }
    });

    return () => {
      closed = true;
      unwatch();
      node?.port.postMessage({ type: 'close' } satisfies PlayerCommand);
      node?.disconnect();
      duck.disconnect();
      volume.disconnect();
      if (!options.host) void host.close();
    };
  });
}
