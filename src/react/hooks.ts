import { useSelector } from '@xstate/react';
import { useEffect, useMemo, useState } from 'react';
import type { VoxError } from '../errors.ts';
import {
  type BargeInSnapshot,
  bargeInOf,
  type ConnectionSnapshot,
  connectionOf,
  type SessionSnapshot,
  selectBargeInState,
  selectConnectionError,
  selectConnectionStatus,
  selectInputLevel,
  selectPlaybackBlocked,
  selectReplyText,
  selectSessionError,
  selectSessionState,
  selectStage,
  selectTranscript,
  selectUserText,
  sessionOf,
} from '../selectors.ts';
import { useConversation } from './provider.tsx';

/*
 * Each hook subscribes to one child actor and re-renders its component only when the selected value
 * changes (`===`). Pass selectors that return primitives or stable references (see src/selectors.ts);
 * a selector that builds a new object each time re-renders on every event of that actor.
 */

export function useConnectionSelector<T>(selector: (snapshot: ConnectionSnapshot) => T): T {
  const actor = useConversation();
  return useSelector(
    useMemo(() => connectionOf(actor), [actor]),
    selector,
  );
}

export function useSessionSelector<T>(selector: (snapshot: SessionSnapshot) => T): T {
  const actor = useConversation();
  return useSelector(
    useMemo(() => sessionOf(actor), [actor]),
    selector,
  );
}

export function useBargeInSelector<T>(selector: (snapshot: BargeInSnapshot) => T): T {
  const actor = useConversation();
  return useSelector(
    useMemo(() => bargeInOf(actor), [actor]),
    selector,
  );
}

/** `connecting`, `open`, `reconnecting` or `closed`. */
export const useConnectionStatus = () => useConnectionSelector(selectConnectionStatus);
/** `idle`, `ready`, `recording`, `processing` or `speaking`. */
export const useSessionState = () => useSessionSelector(selectSessionState);
/** `transcribing`, `thinking` or `synthesizing` while processing; null otherwise. */
export const useStage = () => useSessionSelector(selectStage);
/** The agent's reply as it streams in. */
export const useReplyText = () => useSessionSelector(selectReplyText);
/** What the user said in the latest turn. */
export const useUserText = () => useSessionSelector(selectUserText);
export const useTranscript = () => useSessionSelector(selectTranscript);
/** 0..1 while recording: changes many times a second, so read it only in the meter. */
export const useInputLevel = () => useSessionSelector(selectInputLevel);
/** Playback waits for a click (autoplay policy): send `audio.resume` from a click handler. */
export const usePlaybackBlocked = () => useSessionSelector(selectPlaybackBlocked);
/** `idle`, `armed` (the agent speaks) or `ducked` (the user may be barging in). */
export const useBargeInState = () => useBargeInSelector(selectBargeInState);

export interface VoiceErrors {
  /** Why the last socket closed; null once a socket is open. */
  connection: VoxError | null;
  /** Why the last turn failed, or the microphone did not start; null once a turn starts. */
  session: VoxError | null;
  /** The last error the conversation emitted, including those that change no state (a refused clip). */
  latest: VoxError | null;
}

/** The errors the conversation holds, and the last one it reported. */
export function useVoiceErrors(): VoiceErrors {
  const actor = useConversation();
  const connection = useConnectionSelector(selectConnectionError);
  const session = useSessionSelector(selectSessionError);
  const [latest, setLatest] = useState<VoxError | null>(null);
  useEffect(() => {
    const keep = (event: { error: VoxError }) => setLatest(event.error);
    const subscriptions = [actor.on('session.error', keep), actor.on('connection.error', keep)];
    return () => {
      for (const s of subscriptions) s.unsubscribe();
    };
  }, [actor]);
  return useMemo(() => ({ connection, session, latest }), [connection, session, latest]);
}
