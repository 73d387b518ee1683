/**
 * A real conversation (session, bargeIn, playback and voice adapters on one AudioHost) in a simulated
 * room: the "microphone" is a MediaStream mixed on the same AudioContext from the agent's output
 * (host.reference, delayed and attenuated) and a user's voice started at a known audio-clock time, so
 * every time is on one clock. The server is a scripted WebSocket in the page (seed 000's dialect).
 */
import { playback } from '../../src/adapters/playback.ts';
import { type VoiceOptions, voice } from '../../src/adapters/voice.ts';
import { createAudioHost } from '../../src/audio/host.ts';
import { parseWav } from '../../src/audio/wav.ts';
import { createVoiceConversation } from '../../src/conversation.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { messageType } from '../../src/dialects/messageType.ts';
import { fixture, tap, toPcm16, until } from './helpers.ts';

/** The server's side as the test plays it: what it received, and a way to send. */
interface ServerSide {
  received: string[];
  deliver(message: object): void;
}

/** A WebSocket whose server is the test: it records what the client sends and delivers what the test says. */
class ScriptedSocket implements ServerSide {
  static last: ScriptedSocket | undefined;
  readyState = 0;
  protocol = '';
  binaryType = 'blob';
  received: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  constructor() {
    ScriptedSocket.last = this;
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 0);
  }
  send(data: string) {
    this.received.push(data);
  }
  close() {
    this.readyState = 3;
  }
  deliver(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

/** The real `ws` server of test/browser/wsBroker.ts, played through its control socket. */
async function brokeredServer(port: number): Promise<ServerSide> {
  const control = new WebSocket(`ws://127.0.0.1:${port}/control`);
  const received: string[] = [];
  control.onmessage = ({ data }) => received.push(String(data));
  await new Promise((resolve, reject) => {
    control.onopen = resolve;
    control.onerror = reject;
  });
  return { received, deliver: (message) => control.send(JSON.stringify(message)) };
}

export interface RigOptions {
  /** Speaker to microphone. Default 100 ms, −15 dB. */
  echoDelayMs?: number;
  echoDb?: number;
  confirmMs?: number;
  /** The port of a real `ws` server (test/browser/wsBroker.ts); default a scripted socket in the page. */
  serverPort?: number;
  voice?: Omit<VoiceOptions, 'host' | 'stream'>;
}

const ms = (seconds: number) => seconds * 1000;

/** Mono floats of a fixture WAV. */
export async function speechOf(name: string) {
  const wav = parseWav(await fixture(name));
  if (wav instanceof Error) throw wav;
  return { samples: wav.channels[0] as Float32Array, rate: wav.sampleRate };
}

export const rmsOf = (values: Float32Array) =>
  Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / Math.max(1, values.length));

export async function bargeInRig(options: RigOptions = {}) {
  const host = createAudioHost();
  const context = host.context;
  await host.ready();
  await context.resume();
  const rendered = await tap(context, host.reference);

  // The room: the agent's output comes back late and quieter; the user speaks into the same microphone.
  const microphone = context.createMediaStreamDestination();
  microphone.channelCount = 1;
  const delay = context.createDelay(1);
  delay.delayTime.value = (options.echoDelayMs ?? 100) / 1000;
  const echo = context.createGain();
  echo.gain.value = 10 ** ((options.echoDb ?? -15) / 20);
  host.reference.connect(delay).connect(echo).connect(microphone);

  const server = options.serverPort ? await brokeredServer(options.serverPort) : undefined;
  const log: { type: string; audioAt: number; event: Record<string, unknown> }[] = [];
  const record = (event: { type: string }) =>
    log.push({ type: event.type, audioAt: ms(context.currentTime), event: event as Record<string, unknown> });
  const conversation = createVoiceConversation({
    url: options.serverPort ? `ws://127.0.0.1:${options.serverPort}/ws` : 'ws://voice.test/ws',
    WebSocket: options.serverPort ? WebSocket : ScriptedSocket,
    dialect: messageType,
    heartbeat: false,
    bargeIn: { confirmMs: options.confirmMs ?? 150 },
    adapters: {
      playback: playback({ host }),
      voice: voice({ ...options.voice, host, stream: microphone.stream }),
    },
    // What the playback adapter reports to the session, which the conversation does not relay.
    inspect: (inspection) => {
      if (inspection.type === '@xstate.event' && inspection.event.type.startsWith('playback.'))
        record(inspection.event);
    },
  });
  conversation.on('*', record);
  ScriptedSocket.last = undefined;
  conversation.start();
  conversation.send({ type: 'connect' });
  const socket = server ?? (await until(() => ScriptedSocket.last, 'the socket'));
  // Seed 000 has no handshake: the session is ready once the socket is open.
  await until(
    () => log.some((e) => e.type === 'connection.status' && e.event.status === 'open'),
    'the connection',
  );

  /** Plays `samples` into the microphone from audio-clock time `atMs`, scaled by `gain`. */
  const say = (samples: Float32Array, rate: number, atMs: number, gain = 1) => {
    const buffer = context.createBuffer(1, samples.length, rate);
    buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    const level = context.createGain();
    level.gain.value = gain;
    source.connect(level).connect(microphone);
    source.start(atMs / 1000);
  };

  /** The microphone path's own delay: a click played into it, found in what comes out of its stream. */
  const inputLatencyMs = async () => {
    const heard = await tap(context, context.createMediaStreamSource(microphone.stream));
    const click = context.createConstantSource();
    const at = Math.ceil((context.currentTime + 0.05) * context.sampleRate);
    click.connect(microphone);
    click.start(at / context.sampleRate);
    click.stop((at + 128) / context.sampleRate);
    await heard.waitUntil(at + context.sampleRate / 5);
    const samples = heard.read(at, at + context.sampleRate / 5);
    heard.disconnect();
    click.disconnect();
    return (samples.findIndex((v) => v > 0.5) / context.sampleRate) * 1000;
  };

  let turns = 0;
  /** A user turn (a short clip), then the agent's reply streams in: returns a way to send its chunks. */
  const reply = async (samples: Float32Array, rate: number, chunkMs = 100) => {
    const id = `r${++turns}`;
    conversation.send({ type: 'audio.send', audio: new Uint8Array(64), mimeType: 'audio/pcm' });
    const pcm = toPcm16(samples);
    const step = 2 * Math.round((rate * chunkMs) / 1000);
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < pcm.length; at += step) chunks.push(pcm.subarray(at, at + step));
    let next = 0;
    /** Sends the next `count` chunks (all that are left by default), then `response_done` after the last. */
    const send = (count = chunks.length) => {
      for (const end = Math.min(chunks.length, next + count); next < end; next++) {
        socket.deliver({
          message_type: 'audio_chunk',
          audio: bytesToBase64(chunks[next] as Uint8Array),
          format: 'pcm_s16le',
          sample_rate: rate,
          response_id: id,
        });
      }
      if (next === chunks.length) socket.deliver({ message_type: 'response_done', response_id: id });
    };
    return { id, send, chunks: chunks.length, sent: () => next };
  };

  const first = (type: string, after = 0) =>
    log.find((entry) => entry.type === type && log.indexOf(entry) >= after);
  return {
    host,
    context,
    rendered,
    conversation,
    socket,
    log,
    say,
    reply,
    first,
    /** Waits for the first `type` event logged at or after index `after`. */
    next: (type: string, after = 0, timeoutMs?: number) =>
      until(() => first(type, after), `${type} (got ${log.map((e) => e.type).join(', ')})`, timeoutMs),
    /** The interrupt frames the server received. */
    stops: () => socket.received.filter((frame) => frame.includes('"stop_audio"')),
    nowMs: () => ms(context.currentTime),
    inputLatencyMs,
    async close() {
      conversation.stop();
      rendered.disconnect();
      await host.close();
    },
  };
}

export type Rig = Awaited<ReturnType<typeof bargeInRig>>;
