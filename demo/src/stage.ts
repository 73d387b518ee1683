import type { ConnectionStatus, SessionState, Stage } from 'voxstate';

/** How the user starts a turn: hold the button, tap it on and off, or just speak (voice activity). */
export type TalkMode = 'hold' | 'toggle' | 'handsfree';

/** The orb's look: one per thing the user should notice. */
export type Look = 'offline' | 'ready' | 'listening' | 'thinking' | 'speaking';

/** The orb's look for each session state. */
export const LOOKS: Record<SessionState, Look> = {
  idle: 'offline',
  ready: 'ready',
  recording: 'listening',
  processing: 'thinking',
  speaking: 'speaking',
};

export interface StageView {
  title: string;
  hint: string;
}

const HINTS: Record<TalkMode, { ready: string; recording: string }> = {
  hold: { ready: 'Hold the button, or Space, and speak', recording: 'Release to send' },
  toggle: { ready: 'Tap the button, or Space, and speak', recording: 'Tap again to send' },
  handsfree: { ready: 'Just speak', recording: 'Pause to send' },
};

const OFFLINE: Record<ConnectionStatus, StageView> = {
  connecting: { title: 'Connecting…', hint: 'Reaching the voice server' },
  open: { title: 'Connecting…', hint: 'Starting the conversation' }, // the session says hello
  reconnecting: { title: 'Reconnecting…', hint: 'The connection dropped; the thread is kept' },
  closed: { title: 'Not connected', hint: 'Press Reconnect to try again' },
};

/** What the page says about where the conversation is. */
export function stageView(
  connection: ConnectionStatus,
  state: SessionState,
  stage: Stage | null,
  mode: TalkMode,
  needsClick: boolean,
): StageView {
  switch (state) {
    case 'idle':
      return OFFLINE[connection];
    case 'ready':
      return { title: 'Ready', hint: HINTS[mode].ready };
    case 'recording':
      return { title: 'Listening…', hint: HINTS[mode].recording };
    case 'processing':
      if (stage === 'thinking') return { title: 'Thinking…', hint: 'The reply streams in below' };
      if (stage === 'synthesizing')
        return { title: 'Synthesizing speech…', hint: 'Turning the reply into audio' };
      return { title: 'Transcribing…', hint: 'The server is listening to your turn' };
    case 'speaking':
      return needsClick
        ? { title: 'The reply is waiting', hint: 'Your browser needs a click to play it' }
        : { title: 'Speaking', hint: 'Stop, or Esc, cuts the reply short' };
  }
}
