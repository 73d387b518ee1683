import { type ReactNode, useEffect, useState } from 'react';
import type { VoxError } from 'voxstate';
import { useConversation, usePlaybackBlocked, useSessionState, useVoiceErrors } from 'voxstate/react';
import { Icon } from './Icon.tsx';

/** What to do about each microphone failure, in the user's words. */
const MICROPHONE: Record<string, { title: string; steps: string[] }> = {
  'capture.denied': {
    title: 'Microphone blocked',
    steps: [
      'Click the icon at the left of the address bar (a lock, or a microphone with a cross).',
      'Set Microphone to Allow for this site.',
      'Press Check again, then talk.',
    ],
  },
  'capture.no-device': {
    title: 'No microphone found',
    steps: [
      'Connect a microphone or a headset.',
      'Check that your system lists it (sound settings) and that it is not switched off.',
      'Press Check again, then talk.',
    ],
  },
};

function Notice({
  tone,
  title,
  children,
  action,
}: {
  tone: 'warning' | 'info';
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'warning' ? 'alert' : 'status'}>
      <Icon name={tone === 'warning' ? 'alert' : 'play'} />
      <div className="notice-body">
        <p className="notice-title">{title}</p>
        {children}
      </div>
      {action}
    </div>
  );
}

/** Asks for the microphone again (the browser may prompt); true once it is usable. */
async function microphoneWorks(): Promise<boolean> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of stream.getTracks()) track.stop();
    return true;
  } catch {
    return false;
  }
}

function MicrophoneNotice({ error }: { error: VoxError }) {
  const [checking, setChecking] = useState(false);
  const [fixed, setFixed] = useState(false);
  useEffect(() => setFixed(false), [error]);
  if (fixed) return null;
  const advice = MICROPHONE[error.code];
  const check = async () => {
    setChecking(true);
    setFixed(await microphoneWorks());
    setChecking(false);
  };
  return (
    <Notice
      tone="warning"
      title={advice?.title ?? 'The microphone could not start'}
      action={
        <button type="button" className="button" onClick={check} disabled={checking}>
          {checking ? 'Checking…' : 'Check again'}
        </button>
      }
    >
      {advice ? (
        <ol className="notice-steps">
          {advice.steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      ) : (
        <p>{error.message}</p>
      )}
    </Notice>
  );
}

/**
 * What needs the user: a microphone that cannot start, audio the browser will not play without a
 * click, a turn that failed. Each says what to do and offers the button that does it.
 */
export function Notices() {
  const actor = useConversation();
  const state = useSessionState();
  const needsClick = usePlaybackBlocked();
  const { session } = useVoiceErrors();

  if (needsClick && state === 'speaking') {
    return (
      <Notice
        tone="info"
        title="Sound is paused by the browser"
        action={
          <button type="button" className="button" onClick={() => actor.send({ type: 'audio.resume' })}>
            Play the reply
          </button>
        }
      >
        <p>Browsers play audio only after a click on the page.</p>
      </Notice>
    );
  }
  if (!session) return null;
  if (session.source === 'capture') return <MicrophoneNotice error={session} />;
  const resendable = session.details.resendable === true;
  return (
    <Notice
      tone="warning"
      title="The last turn did not get an answer"
      action={
        resendable && (
          <button
            type="button"
            className="button"
            disabled={state !== 'ready'}
            onClick={() => actor.send({ type: 'turn.retry' })}
          >
            Send it again
          </button>
        )
      }
    >
      <p>{session.message.replace(/\.?$/, '.')}</p>
    </Notice>
  );
}
