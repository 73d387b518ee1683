import type { AudioHost } from 'voxstate';
import { ConnectionStatus } from 'voxstate/react';
import type { TalkMode } from '../stage.ts';
import { Exchange } from './Exchange.tsx';
import { ModeSwitch, type ModeSwitchProps } from './ModeSwitch.tsx';
import { Notices } from './Notices.tsx';
import { Orb } from './Orb.tsx';
import { StatusLine } from './StatusLine.tsx';
import { TalkControls } from './TalkControls.tsx';

export interface TalkingModeProps {
  /** The AudioHost playback uses: the orb listens to what it sends to the speakers. */
  host: AudioHost;
  /** Default push-to-talk. */
  mode?: TalkMode;
  /** The mode switch; without it (the stories) the controls follow `mode` alone. */
  settings?: ModeSwitchProps;
}

/**
 * The talking mode of seed 004: the connection status of seed 000 (shown while not connected), the orb,
 * where the conversation is, what was said, and the controls.
 */
export function TalkingMode({ host, mode = 'hold', settings }: TalkingModeProps) {
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
      {settings && <ModeSwitch mode={mode} {...settings} />}
    </section>
  );
}
