import { useMemo } from 'react';
import type { ConversationActor } from '../../machines/conversation.machine.ts';
import {
  useConnectionStatus,
  usePlaybackBlocked,
  useReplyText,
  useSessionState,
  useStage,
  useUserText,
  useVoiceErrors,
} from './hooks.ts';
import { useConversation } from './provider.tsx';

/** The conversation's commands as functions, stable for the actor's lifetime. */
function commands(actor: ConversationActor) {
  return {
    connect: () => actor.send({ type: 'connect' }),
    disconnect: () => actor.send({ type: 'disconnect' }),
    reconnect: () => actor.send({ type: 'reconnect' }),
    startRecording: () => actor.send({ type: 'record.start' }),
    stopRecording: () => actor.send({ type: 'record.stop' }),
    /** A recorded turn (e.g. a WAV file) instead of the microphone. */
    sendAudio: (audio: Uint8Array, mimeType: string) => actor.send({ type: 'audio.send', audio, mimeType }),
    interrupt: () => actor.send({ type: 'interrupt' }),
    /** Call from a click handler when `needsClick`: the autoplay policy wants a user gesture. */
    resumeAudio: () => actor.send({ type: 'audio.resume' }),
    /** Send the audio of the last failed turn again. */
    retryTurn: () => actor.send({ type: 'turn.retry' }),
  };
}

/**
 * Everything a simple talking UI shows, and its commands, in one hook (in the spirit of seed 004's
 * `useVoiceChat`). Its component re-renders when any of these values changes, e.g. on every token;
 * components that show one thing should use that thing's hook instead.
 */
export function useVoiceChat() {
  const actor = useConversation();
  const status = useConnectionStatus();
  const state = useSessionState();
  const stage = useStage();
  const transcribedText = useUserText();
  const aiResponse = useReplyText();
  const needsClick = usePlaybackBlocked();
  const errors = useVoiceErrors();
  const actions = useMemo(() => commands(actor), [actor]);
  return {
    status,
    state,
    stage,
    isConnected: status === 'open',
    isReady: state === 'ready',
    isRecording: state === 'recording',
    isProcessing: state === 'processing',
    isSpeaking: state === 'speaking',
    transcribedText,
    aiResponse,
    needsClick,
    /** What went wrong with the turn or the connection, while it matters; null otherwise. */
    error: errors.session ?? errors.connection,
    ...actions,
  };
}
