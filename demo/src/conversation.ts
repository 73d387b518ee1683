/**
 * One conversation for the page: the voxstate actor with the browser's audio adapters, sharing one
 * AudioContext (one clock for capture, playback and voice activity; the playback reference the orb and
 * the echo gate listen to), and an offline event log.
 */
import {
  type AudioHost,
  createAudioHost,
  createVoiceConversation,
  type Dialect,
  mediaRecorderCapture,
  pcmCapture,
  playback,
  voice as voiceActivity,
} from 'voxstate';
import { createEventLog, type EventLog, type StatelyInspector } from 'voxstate/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import type { UrlSettings } from './settings.ts';

export interface DemoConversation {
  actor: ReturnType<typeof createVoiceConversation>;
  host: AudioHost;
  log: EventLog;
  /** Stops the actor (socket, microphone, timers) and closes the AudioContext. */
  close(): void;
}

/** The dialect's path on this page's origin: the dev server proxies it to the voice server. */
export function socketUrl(dialect: Dialect, threadId: string, origin = location.origin): string {
  const url = new URL(dialect.path, origin.replace(/^http/, 'ws'));
  // Dialects without an init message name their thread in the URL; the reference server reads it.
  url.searchParams.set('thread_id', threadId);
  return url.toString();
}

/** WAV files and raw PCM frames come from the PCM worklet; WebM and Ogg from MediaRecorder. */
function captureFor(dialect: Dialect, host: AudioHost) {
  const type = dialect.capture.mimeType.split(';')[0];
  return type === 'audio/wav' || type === 'audio/pcm' ? pcmCapture({ host }) : mediaRecorderCapture({ host });
}

export interface DemoConversationOptions {
  dialect: Dialect;
  threadId: string;
  settings: UrlSettings;
  inspector: StatelyInspector | null;
  /** Voice activity on the microphone for the conversation's whole life: the user can barge in by speaking. */
  listen: boolean;
  /** The user's speech starts a turn and a pause ends it (needs `listen`). */
  handsFree: boolean;
}

export function createDemoConversation(options: DemoConversationOptions): DemoConversation {
  const { dialect, threadId, settings, inspector, listen, handsFree } = options;
  const host = createAudioHost({ contextOptions: { latencyHint: 'interactive' } });
  const log = createEventLog({ limit: 400 });
  const inspect: Observer<InspectionEvent> = {
    next(event) {
      log.next?.(event);
      inspector?.next?.(event);
    },
  };
  const actor = createVoiceConversation({
    url: socketUrl(dialect, threadId),
    dialect,
    threadId,
    autoConnect: true,
    heartbeat: settings.heartbeat,
    reconnect: settings.reconnect,
    replyTimeoutMs: settings.replyTimeoutMs,
    turnTaking: handsFree && listen ? 'hands-free' : 'push-to-talk',
    adapters: {
      capture: captureFor(dialect, host),
      playback: playback({ host }),
      // On the same AudioHost, so its echo gate hears what playback plays and ignores it.
      ...(listen ? { voice: voiceActivity({ host }) } : {}),
    },
    inspect,
  });
  return {
    actor,
    host,
    log,
    close() {
      actor.stop();
      void host.close();
    },
  };
}
