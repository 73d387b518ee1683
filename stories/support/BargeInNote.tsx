import { useBargeInState } from 'voxstate/react';

/**
 * The demo shows the ducking only as a quieter voice; a still picture needs words. Shown while the
 * barge-in actor is `ducked`: the user's speech has turned the agent down, and stops it if it goes on.
 */
export function BargeInNote() {
  const ducked = useBargeInState() === 'ducked';
  return (
    <p className="story-barge-in" role="status" aria-live="polite">
      {ducked && 'You are talking over the reply: it is turned down, and stops if you go on'}
    </p>
  );
}
