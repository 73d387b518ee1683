import type { TalkMode } from '../stage.ts';

const HANDS_FREE = 'Not available yet: hands-free needs voice activity detection (the barge-in work).';

const MODES: { mode: TalkMode; label: string }[] = [
  { mode: 'hold', label: 'Hold to talk' },
  { mode: 'toggle', label: 'Tap to talk' },
];

/**
 * Push-to-talk or toggle. Hands-free needs a voice-activity adapter (`adapters.voice`), which voxstate
 * does not ship yet: the option is shown, disabled, and says so.
 */
export function ModeSwitch({ mode, onChange }: { mode: TalkMode; onChange: (mode: TalkMode) => void }) {
  return (
    <fieldset className="segmented modes">
      <legend className="visually-hidden">How to talk</legend>
      {MODES.map((option) => (
        <label key={option.mode}>
          <input
            type="radio"
            name="mode"
            value={option.mode}
            checked={mode === option.mode}
            onChange={() => onChange(option.mode)}
          />
          <span>{option.label}</span>
        </label>
      ))}
      <label className="unavailable" title={HANDS_FREE}>
        <input type="radio" name="mode" value="handsfree" disabled aria-describedby="handsfree-note" />
        <span>Hands-free</span>
        <small aria-hidden="true">soon</small>
        <span className="visually-hidden" id="handsfree-note">
          {HANDS_FREE}
        </span>
      </label>
    </fieldset>
  );
}
