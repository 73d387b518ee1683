import { useEffect, useId, useMemo, useState } from 'react';
import type { ClosedReason, ConnectionStatus as Status } from '../../machines/connection.machine.ts';
import {
  selectAttempt,
  selectClosedReason,
  selectConnectionStatus,
  selectMaxAttempts,
  selectRetryDelay,
} from '../selectors.ts';
import { useConnectionSelector } from './hooks.ts';
import { useConversation } from './provider.tsx';

const COLOURS = { green: '#16a34a', yellow: '#ca8a04', orange: '#ea580c', red: '#dc2626' } as const;
export type StatusColour = keyof typeof COLOURS;

const CLOSED_TEXT: Record<ClosedReason, string> = {
  initial: 'Not connected',
  manual: 'Disconnected',
  exhausted: 'Could not reconnect',
  auth: 'The server refused the credentials',
  protocol: 'The server refused the protocol',
  server: 'The server ended the connection',
};

/** Closed for a reason no retry will change by itself: offer the button at once. */
const gaveUp = (reason: ClosedReason | null) =>
  reason !== null && reason !== 'initial' && reason !== 'manual';

/** A small default look; the component works without it (the dot's colour is inline). */
export const connectionStatusCss = `.vox-status[data-color]{display:inline-flex;align-items:center;gap:.5em;padding:.3em .8em;border-radius:999px;background:#fff;color:#111;box-shadow:0 1px 4px #0003;font:500 14px/1.4 system-ui,sans-serif}
.vox-status-dot{display:inline-block;width:.6em;height:.6em;margin-right:.5em;border-radius:50%}
.vox-status:is([data-color=yellow],[data-color=orange]) .vox-status-dot{animation:vox-pulse 1s ease-in-out infinite alternate}
@keyframes vox-pulse{to{opacity:.3}}
@media (prefers-reduced-motion:reduce){.vox-status-dot{animation:none!important}}
.vox-status button{font:inherit;color:inherit;background:none;border:1px solid currentColor;border-radius:999px;padding:0 .7em;cursor:pointer}`;

export interface ConnectionStatusProps {
  /** Offer the reconnect button after this long without a connection (default 5000 ms). */
  reconnectAfterMs?: number;
  /** Show green "Connected" this long after (re)connecting, then hide (default 2000 ms). */
  connectedMs?: number;
  className?: string;
}

/** True once `active` has held for `ms`; false again as soon as it stops. */
function useHeldFor(active: boolean, ms: number): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => setHeld(true), ms);
    return () => {
      clearTimeout(timer);
      setHeld(false);
    };
  }, [active, ms]);
  return active && held;
}

/** Whole seconds left until `deadline` (a `Date.now()` time), re-rendering as each one passes. */
function useSecondsLeft(deadline: number | null): number | null {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (deadline === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      const left = deadline - Date.now();
      if (left <= 0) return;
      timer = setTimeout(
        () => {
          setTick((n) => n + 1);
          next();
        },
        left % 1000 || 1000,
      );
    };
    next();
    return () => clearTimeout(timer);
  }, [deadline]);
  return deadline === null ? null : Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
}

function describe(status: Status, attempt: number, maxAttempts: number, reason: ClosedReason | null) {
  if (status === 'open') return { colour: 'green' as const, text: 'Connected' };
  if (status === 'closed') return { colour: 'red' as const, text: CLOSED_TEXT[reason ?? 'initial'] };
  if (attempt === 0) return { colour: 'yellow' as const, text: 'Connecting...' };
  const of = Number.isFinite(maxAttempts) ? ` of ${maxAttempts}` : '';
  return { colour: 'orange' as const, text: `Reconnecting... attempt ${attempt}${of}` };
}

/**
 * The connection indicator of seed 000: yellow while connecting, orange while reconnecting (with the
 * attempt and a countdown to it), red when closed, green for a moment once connected, then hidden.
 * A reconnect button appears after `reconnectAfterMs` without a connection, and at once when the
 * connection gave up. The text is a polite live region; the button is a native, labelled button.
 */
export function ConnectionStatus({
  reconnectAfterMs = 5_000,
  connectedMs = 2_000,
  className,
}: ConnectionStatusProps) {
  const actor = useConversation();
  const status = useConnectionSelector(selectConnectionStatus);
  const attempt = useConnectionSelector(selectAttempt);
  const maxAttempts = useConnectionSelector(selectMaxAttempts);
  const delay = useConnectionSelector(selectRetryDelay);
  const reason = useConnectionSelector(selectClosedReason);
  const id = useId();

  const open = status === 'open';
  const [wasDown, setWasDown] = useState(!open);
  if (!open && !wasDown) setWasDown(true);
  const settled = useHeldFor(open, connectedMs);
  const longDown = useHeldFor(!open, reconnectAfterMs);
  // Keyed on the attempt too: each attempt starts its own countdown, even with an equal delay.
  const deadline = useMemo(() => (delay === null ? null : Date.now() + delay), [delay, attempt]);
  const seconds = useSecondsLeft(deadline);

  const hidden = open && (!wasDown || settled);
  const { colour, text } = describe(status, attempt, maxAttempts, reason);
  const offerReconnect = !open && (longDown || gaveUp(reason));
  return (
    <div
      className={className ? `vox-status ${className}` : 'vox-status'}
      data-state={status}
      data-color={hidden ? undefined : colour}
    >
      <span role="status" aria-live="polite" id={id}>
        {!hidden && (
          <>
            <span className="vox-status-dot" aria-hidden="true" style={{ background: COLOURS[colour] }} />
            {text}
            {seconds !== null && <span role="timer"> in {seconds} s</span>}
          </>
        )}
      </span>
      {offerReconnect && (
        <button type="button" aria-describedby={id} onClick={() => actor.send({ type: 'reconnect' })}>
          Reconnect
        </button>
      )}
    </div>
  );
}
