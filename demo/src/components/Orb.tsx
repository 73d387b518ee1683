import { useEffect, useRef } from 'react';
import type { AudioHost } from 'voxstate';
import { sessionOf } from 'voxstate';
import { useConversation, useSessionState } from 'voxstate/react';
import { LOOKS } from '../stage.ts';

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}

/**
 * The speaking orb: its colour says who has the floor, its size follows the sound, the microphone's
 * level while the user speaks and the agent's voice (an analyser on what playback sends to the
 * speakers) while it answers. It is redrawn each animation frame without re-rendering React.
 * `data-output-peak` keeps the loudest agent output since the user's last turn started.
 */
export function Orb({ host }: { host: AudioHost }) {
  const actor = useConversation();
  const look = LOOKS[useSessionState()];
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const analyser = host.context.createAnalyser();
    analyser.fftSize = 1024;
    host.reference.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const session = sessionOf(actor);
    let peak = 0;
    let shown = 0;
    element.dataset.outputPeak = '0';
    let frame = 0;
    const draw = () => {
      const snapshot = session.getSnapshot();
      const recording = snapshot.matches('recording');
      analyser.getFloatTimeDomainData(samples);
      const output = rms(samples);
      if (output > peak || (recording && peak > 0)) {
        peak = recording ? 0 : output;
        element.dataset.outputPeak = peak.toFixed(4);
      }
      const input = recording ? snapshot.context.level : 0;
      // Speech RMS sits around 0.02 to 0.3: a square root spreads it over the orb's range.
      const level = Math.min(1, Math.sqrt(Math.max(input, output)) * 1.6);
      shown += (level - shown) * (level > shown ? 0.5 : 0.15);
      element.style.setProperty('--level', shown.toFixed(3));
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(frame);
      try {
        host.reference.disconnect(analyser);
      } catch {
        // Already disconnected: the conversation closed its audio host first.
      }
    };
  }, [actor, host]);

  return (
    <div className="orb" data-look={look} ref={ref} aria-hidden="true">
      <div className="orb-halo" />
      <div className="orb-ring" />
      <div className="orb-core" />
    </div>
  );
}
