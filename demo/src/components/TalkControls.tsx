import { type KeyboardEvent, type PointerEvent, useEffect } from 'react';
import { useConversation, useSessionState } from 'voxstate/react';
import type { TalkMode } from '../stage.ts';
import { Icon } from './Icon.tsx';

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && target.closest('input, textarea, select, button, [contenteditable]');

/**
 * Space talks from anywhere on the page (but not while a form control or another button has focus):
 * held for push-to-talk, pressed on and off for toggle. Escape stops the reply.
 */
function useKeys(mode: TalkMode, press: () => void, release: () => void, interrupt: () => void) {
  useEffect(() => {
    const down = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') return interrupt();
      if (event.code !== 'Space' || event.repeat || typing(event.target)) return;
      event.preventDefault();
      press();
    };
    const up = (event: globalThis.KeyboardEvent) => {
      if (event.code !== 'Space' || typing(event.target)) return;
      event.preventDefault();
      if (mode === 'hold') release();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [mode, press, release, interrupt]);
}

/** The talk button (hold, or tap on and off) and the stop button that cuts the agent short. */
export function TalkControls({ mode }: { mode: TalkMode }) {
  const actor = useConversation();
  const state = useSessionState();
  const recording = state === 'recording';
  const canTalk = state === 'ready' || recording;
  const busy = state === 'processing' || state === 'speaking';

  const start = () => actor.send({ type: 'record.start' });
  const stop = () => actor.send({ type: 'record.stop' });
  const interrupt = () => actor.send({ type: 'interrupt' });
  // Tap and hands-free: a click starts a turn or ends the one in progress (hands-free also by a pause).
  const toggle = () => actor.send({ type: 'record.toggle' });
  const press = mode === 'hold' ? start : toggle;
  useKeys(mode, press, stop, interrupt);

  // Hold mode: the pointer (mouse, touch, pen) and the button's own keys start and stop the turn.
  const holdKeys = (event: KeyboardEvent, action: () => void) => {
    if (event.key !== ' ' && event.key !== 'Enter') return;
    event.preventDefault();
    if (!event.repeat) action();
  };
  const hold =
    mode === 'hold'
      ? {
          onPointerDown: (event: PointerEvent<HTMLButtonElement>) => {
            if (event.button !== 0) return;
            event.currentTarget.setPointerCapture(event.pointerId);
            start();
          },
          onPointerUp: stop,
          onPointerCancel: stop,
          onKeyDown: (event: KeyboardEvent) => holdKeys(event, start),
          onKeyUp: (event: KeyboardEvent) => holdKeys(event, stop),
        }
      : { onClick: press };

  const label = recording
    ? mode === 'hold'
      ? 'Release to send'
      : 'Send what you said'
    : mode === 'hold'
      ? 'Hold to talk'
      : 'Start talking';
  return (
    <div className="controls">
      <button
        type="button"
        className="talk"
        data-recording={recording}
        disabled={!canTalk}
        aria-pressed={recording}
        aria-label={label}
        {...hold}
      >
        <Icon name="mic" size={30} />
      </button>
      <button
        type="button"
        className="stop"
        disabled={!busy}
        onClick={interrupt}
        aria-label="Stop the reply"
        aria-keyshortcuts="Escape"
        title="Stop the reply (Esc)"
      >
        <Icon name="stop" size={16} />
        <span>Stop</span>
      </button>
    </div>
  );
}
