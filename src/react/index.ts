'use client';
/**
 * `voxstate/react`: a provider that holds one conversation actor, hooks that subscribe to its child
 * actors through selectors (a component re-renders only when what it reads changes), the
 * `useVoiceChat` convenience hook and the `ConnectionStatus` indicator.
 */
export type { ConnectionStatusProps, StatusColour } from './ConnectionStatus.tsx';
export { ConnectionStatus, connectionStatusCss } from './ConnectionStatus.tsx';
export type { VoiceErrors } from './hooks.ts';
export {
  useBargeInSelector,
  useBargeInState,
  useConnectionSelector,
  useConnectionStatus,
  useInputLevel,
  usePlaybackBlocked,
  useReplyText,
  useSessionSelector,
  useSessionState,
  useStage,
  useTranscript,
  useUserText,
  useVoiceErrors,
} from './hooks.ts';
export type { VoiceConversationProviderProps } from './provider.tsx';
export { useConversation, VoiceConversationProvider } from './provider.tsx';
export { useVoiceChat } from './useVoiceChat.ts';
