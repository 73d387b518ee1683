/**
 * One client connection: reads its frames through the dialect's protocol, collects the user's turn,
 * runs its reply, and honours interrupts. Oversized and malformed input is answered with the
 * dialect's error message; the connection stays open.
 */
import { randomUUID } from 'node:crypto';
import type { Frame } from 'voxstate';
import type { ServerEvent } from 'voxstate/dialects/types';
import type { WebSocket } from 'ws';
import { PcmDecoder, TurnBuffer } from './audio/input.ts';
import { SpeechDetector } from './audio/speech.ts';
import type { FaultState, LogInput } from './events.ts';
import type { Pipeline } from './pipeline/types.ts';
import type { ClientRequest, ServerProtocol } from './protocols/types.ts';
import { runReply } from './reply.ts';
import type { Threads } from './threads.ts';

export interface ConversationSettings {
  pipeline: Pipeline;
  threads: Threads;
  faults: FaultState;
  /** Largest client message (seeds 001 and 004: 1 MiB). */
  maxMessageBytes: number;
  /** Largest user turn, over all its chunks. */
  maxTurnBytes: number;
  chunkMs: number;
  audioSpeed: number;
  /** Quiet after speech that ends a turn where the server's voice-activity detection does (seed 002). */
  endOfTurnMs: number;
  log(conversation: Conversation, event: LogInput): void;
}

/** The server's voice-activity detection over a streamed turn. */
interface Listening {
  decoder: PcmDecoder;
  detector: SpeechDetector | null;
  heard: boolean;
}

export class Conversation {
  readonly id = randomUUID();
  private threadId: string | null;
  private readonly turn = new TurnBuffer();
  private listening: Listening | null = null;
  /** The server's detection ended the turn: audio until the client's end marker belongs to it. */
  private draining = false;
  private current: { id: string; controller: AbortController } | null = null;
  private replies: Promise<void> = Promise.resolve();
  private count = 0;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    readonly protocol: ServerProtocol,
    private readonly settings: ConversationSettings,
    /** A thread named in the URL (`?thread_id=`), for dialects with no init message. */
    threadId: string | null,
  ) {
    this.threadId = threadId;
  }

  get dialect(): string {
    return this.protocol.dialect.name;
  }

  start(): void {
    if (this.protocol.handshake === 'greet') {
      this.send({ type: 'server.ready', sessionId: this.id, maxMessageBytes: this.settings.maxMessageBytes });
    }
  }

  /** A frame from the client; `bytes` is its size on the wire. */
  receive(frame: Frame, bytes: number): void {
    if (bytes > this.settings.maxMessageBytes) {
      this.refuse(
        `a ${bytes}-byte message is over the ${this.settings.maxMessageBytes}-byte limit: it was ignored`,
      );
      return;
    }
    const request = this.protocol.read(frame);
    if (typeof request === 'string') {
      this.refuse(request);
      return;
    }
    this.settings.log(this, { type: 'request', request: request.type });
    this.handle(request);
  }

  /** Sends a frame as it is (the `malformed` fault). */
  sendRaw(frame: Frame): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
  }

  /** The connection ended: the reply in progress stops and no queued one starts. */
  close(): void {
    this.closed = true;
    this.current?.controller.abort();
  }

  private handle(request: ClientRequest): void {
    switch (request.type) {
      case 'init':
        this.threadId = request.threadId;
        this.send({ type: 'server.ready', threadId: request.threadId });
        return;
      case 'ping':
        if (!this.settings.faults.mutePings) this.sendRaw(request.pong);
        return;
      case 'audio':
        this.audio(request);
        return;
      case 'audio.end':
        if (this.draining) this.draining = false;
        else if (this.turn.empty) this.refuse('the turn ended with no audio in it');
        else this.endTurn();
        return;
      case 'interrupt':
        this.interrupt(request.replyId);
        return;
      case 'none':
        return;
    }
  }

  private audio(request: Extract<ClientRequest, { type: 'audio' }>): void {
    if (this.protocol.handshake === 'init' && this.threadId === null) {
      this.refuse('Session not initialized: send init first');
      return;
    }
    if (this.draining) {
      this.send({ type: 'server.ack' });
      return;
    }
    this.turn.add(request.audio, request.format, request.sampleRate);
    this.send({ type: 'server.ack' });
    if (this.turn.bytes > this.settings.maxTurnBytes) {
      this.turn.take();
      this.listening = null;
      this.refuse(`the turn is over ${this.settings.maxTurnBytes} bytes of audio: it was dropped`);
      return;
    }
    if (request.last) this.endTurn();
    else if (this.protocol.endsTurnOnSilence) this.listen(request.audio);
  }

  /** Seed 002's server-side detection: speech_started, then speech_final after enough quiet. */
  private listen(bytes: Uint8Array): void {
    this.listening ??= {
      decoder: new PcmDecoder(this.turn.format ?? 'unknown', this.turn.sampleRate),
      detector: null,
      heard: false,
    };
    const listening = this.listening;
    const samples = listening.decoder.push(bytes);
    if (listening.decoder.sampleRate === null || listening.decoder.problem) return;
    listening.detector ??= new SpeechDetector(listening.decoder.sampleRate);
    const changes = listening.detector.push(samples);
    if (!listening.heard && changes.some((c) => c.type === 'started')) {
      listening.heard = true;
      this.send({ type: 'server.speech', state: 'started' });
    }
    if (listening.heard && listening.detector.silenceMs >= this.settings.endOfTurnMs) {
      this.send({ type: 'server.speech', state: 'ended' });
      this.endTurn();
      this.draining = true;
    }
  }

  /** A new turn ends the reply still in progress: a client that gave up on it is not kept waiting. */
  private endTurn(): void {
    const audio = this.turn.take();
    this.listening = null;
    this.current?.controller.abort();
    const replyId = `${this.id.slice(0, 8)}-${++this.count}`;
    this.replies = this.replies.then(() => this.reply(replyId, audio));
  }

  private async reply(replyId: string, audio: ReturnType<TurnBuffer['take']>): Promise<void> {
    if (this.closed) return;
    const controller = new AbortController();
    this.current = { id: replyId, controller };
    const thread = this.settings.threads.get(this.threadId ?? this.id);
    thread.turns++;
    this.settings.log(this, { type: 'reply.start', replyId });
    const settings = {
      pipeline: this.settings.pipeline,
      audio: this.protocol.replyAudio,
      chunkMs: this.settings.chunkMs,
      audioSpeed: this.settings.audioSpeed,
      delayMs: this.settings.faults.delayMs,
    };
    const outcome = await runReply(replyId, audio, thread, settings, (e) => this.send(e), controller.signal);
    this.current = null;
    const { type: result, ...details } = outcome;
    this.settings.log(this, { type: 'reply.end', replyId, outcome: result, ...details });
  }

  private interrupt(replyId: string | null): void {
    const current = this.current;
    if (current && (replyId === null || replyId === current.id)) current.controller.abort();
  }

  private refuse(message: string): void {
    this.settings.log(this, { type: 'refused', message });
    this.send({ type: 'server.error', message });
  }

  private send(event: ServerEvent): void {
    for (const frame of this.protocol.write(event)) this.sendRaw(frame);
  }
}
