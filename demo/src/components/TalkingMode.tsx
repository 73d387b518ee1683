import { useState } from 'react';
import type { AudioHost } from 'voxstate';
import { ConnectionStatus } from 'voxstate/react';
import { remember, remembered } from '../settings.ts';
import type { TalkMode } from '../stage.ts';
import { Exchange } from './Exchange.tsx';
import { ModeSwitch } from './ModeSwitch.tsx';
import { Notices } from './Notices.tsx';
import { Orb } from './Orb.tsx';
import { StatusLine } from './StatusLine.tsx';
import { TalkControls } from './TalkControls.tsx';

const storedMode = (): TalkMode => (remembered('mode') === 'toggle' ? 'toggle' : 'hold');

/**
 * The talking mode of seed 004: the connection status of seed 000 (shown while not connected), the orb,
 * where the conversation is, what was said, and the controls.
 */
export function TalkingMode({ host }: { host: AudioHost }) {
  const [mode, setMode] = useState(storedMode);
  const choose = (next: TalkMode) => {
    remember('mode', next);
    setMode(next);
  };
  return (
    <section className="stage" aria-label="Talking mode">
      <div className="status-slot">
        <ConnectionStatus />
      </div>
      <Orb host={host} />
      <StatusLine mode={mode} />
      <Notices />
      <Exchange />
      <TalkControls mode={mode} />
      <ModeSwitch mode={mode} onChange={choose} />
    </section>
  );
}
