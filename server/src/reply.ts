/**
 * One reply: transcribe the user's turn, stream the responder's tokens, speak the text. Streaming
 * dialects get each sentence's audio as soon as it is spoken, in PCM chunks; turn-based ones get one
 * WAV once the text is complete. An aborted signal (an interrupt, a closed connection) stops it at
 * once: nothing more is generated or sent, except the `done` that tells the client the reply ended.
 */
import type { ServerEvent } from 'voxstate/dialects/types';
import type { TurnAudio } from './audio/input.ts';
import { type Pcm, pcmBytes, pcmChunks } from './audio/pcm.ts';
import { encodeWav } from './audio/wav.ts';
import type { Pipeline } from './pipeline/types.ts';
import { sleep } from './sleep.ts';
import type { Thread } from './threads.ts';

export interface ReplySettings {
  pipeline: Pipeline;
  /** How reply audio goes out: one WAV, or PCM chunks. */
  audio: 'wav' | 'pcm';
  /** Length of a PCM chunk. */
  chunkMs: number;
  /** PCM chunks go out at this multiple of real time; 0 sends them as fast as they are made. */
  audioSpeed: number;
  /** A wait before the reply starts (the `delay` fault). */
  delayMs: number;
}

export type ReplyOutcome =
  | { type: 'done'; text: string }
  | { type: 'interrupted' }
  | { type: 'failed'; message: string };

/** Where a sentence ends in streamed text: after `.`, `!` or `?` (and closing quotes) before a space or the end. */
function sentenceEnd(text: string): number {
  let end = 0;
  for (const match of text.matchAll(/[.!?]+["')\]]*(?=\s|$)/g)) end = match.index + match[0].length;
  return end;
}

export async function runReply(
  replyId: string,
  audio: TurnAudio,
  thread: Thread,
  settings: ReplySettings,
  send: (event: ServerEvent) => void,
  signal: AbortSignal,
): Promise<ReplyOutcome> {
  const { pipeline } = settings;
  const started = performance.now();
  // Also stops the sentences still being spoken when the reply fails.
  const failed = new AbortController();
  const live = AbortSignal.any([signal, failed.signal]);
  const emit = (event: ServerEvent) => {
    live.throwIfAborted();
    send({ ...event, replyId } as ServerEvent);
  };
  const sendPcm = async (pcm: Pcm) => {
    for (const chunk of pcmChunks(pcm, settings.chunkMs)) {
      emit({
        type: 'server.audio',
        audio: pcmBytes(chunk),
        mimeType: 'audio/pcm',
        sampleRate: pcm.sampleRate,
        whole: false,
      });
      if (settings.audioSpeed > 0)
        await sleep((chunk.length * 1000) / pcm.sampleRate / settings.audioSpeed, live);
    }
  };
  // Sentences are spoken one after another while the tokens keep coming.
  let spoken = 0;
  let speech = Promise.resolve();
  const speak = (text: string, all: boolean) => {
    const end = all ? text.length : spoken + sentenceEnd(text.slice(spoken));
    const sentence = text.slice(spoken, end).trim();
    spoken = end;
    if (!sentence) return;
    speech = speech.then(async () => sendPcm(await pipeline.synthesizer.synthesize(sentence, live)));
    speech.catch(() => {});
  };

  let text = '';
  let user = '';
  try {
    if (settings.delayMs > 0) await sleep(settings.delayMs, live);
    emit({ type: 'server.stage', stage: 'transcribing' });
    const transcript = await pipeline.transcriber.transcribe(audio, live);
    user = transcript.text;
    emit({ type: 'server.transcript', text: user, final: true });
    emit({ type: 'server.stage', stage: 'thinking' });
    const tokens = pipeline.responder.respond({
      transcript,
      audio,
      history: thread.history,
      turn: thread.turns,
      signal: live,
    });
    for await (const token of tokens) {
      text += token;
      emit({ type: 'server.token', text: token });
      if (settings.audio === 'pcm') speak(text, false);
    }
    emit({ type: 'server.reply', text });
    if (settings.audio === 'pcm') {
      speak(text, true);
      await speech;
    } else if (text.trim()) {
      emit({ type: 'server.stage', stage: 'synthesizing' });
      const pcm = await pipeline.synthesizer.synthesize(text, live);
      emit({
        type: 'server.audio',
        audio: encodeWav(pcm),
        mimeType: 'audio/wav',
        sampleRate: pcm.sampleRate,
        whole: true,
      });
    }
    emit({ type: 'server.done', durationMs: Math.round(performance.now() - started) });
    thread.remember(user, text);
    return { type: 'done', text };
  } catch (error) {
    if (signal.aborted) {
      // The thread remembers the reply as far as it got.
      if (user) thread.remember(user, text);
      send({ type: 'server.done', durationMs: Math.round(performance.now() - started), replyId });
      return { type: 'interrupted' };
    }
    failed.abort();
    const message = error instanceof Error ? error.message : String(error);
    send({ type: 'server.error', message, replyId });
    return { type: 'failed', message };
  }
}
