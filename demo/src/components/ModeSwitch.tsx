import type { TalkMode } from '../stage.ts';

const MODES: { mode: TalkMode; label: string }[] = [
  { mode: 'hold', label: 'Hold to talk' },
  { mode: 'toggle', label: 'Tap to talk' },
  { mode: 'handsfree', label: 'Hands-free' },
];

export interface ModeSwitchProps {
  onModeChange(mode: TalkMode): void;
  /** Voice activity runs on the microphone: speaking over the agent stops it; hands-free is possible. */
  listen: boolean;
  onListenChange(listen: boolean): void;
}

/**
 * How the user takes a turn: hold the button, tap it on and off, or just speak (hands-free, which
 * needs voice activity); and whether speaking over the agent stops it (barge-in by voice).
 */
export function ModeSwitch({
  mode,
  onModeChange,
  listen,
  onListenChange,
}: ModeSwitchProps & { mode: TalkMode }) {
  return (
    <div className="talk-settings">
      <fieldset className="segmented modes">
        <legend className="visually-hidden">How to talk</legend>
        {MODES.map((option) => {
          const unavailable = option.mode === 'handsfree' && !listen;
          return (
            <label
              key={option.mode}
              className={unavailable ? 'unavailable' : undefined}
              title={unavailable ? 'Hands-free needs "Speak to interrupt" (voice activity) on' : undefined}
            >
              <input
                type="radio"
                name="mode"
                value={option.mode}
                checked={mode === option.mode}
                disabled={unavailable}
                onChange={() => onModeChange(option.mode)}
              />
              <span>{option.label}</span>
            </label>
          );
        })}
      </fieldset>
      <label
        className="check"
        title="Listens to the microphone while the agent speaks, and stops it when you talk"
      >
        <input type="checkbox" checked={listen} onChange={(event) => onListenChange(event.target.checked)} />
        Speak to interrupt
      </label>
    </div>
  );
}
