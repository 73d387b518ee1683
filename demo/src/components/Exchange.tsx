import type { SessionSnapshot } from 'voxstate';
import { useReplyText, useSessionSelector, useSessionState, useUserText } from 'voxstate/react';

const latestTurn = (s: SessionSnapshot) => s.context.turn ?? s.context.transcript.at(-1) ?? null;
const selectInterrupted = (s: SessionSnapshot) => latestTurn(s)?.interrupted ?? false;
const selectHasTurn = (s: SessionSnapshot) => latestTurn(s) !== null;

/** The latest exchange: what the server heard, and the reply as it streams in. */
export function Exchange() {
  const state = useSessionState();
  const user = useUserText();
  const reply = useReplyText();
  const interrupted = useSessionSelector(selectInterrupted);
  const hasTurn = useSessionSelector(selectHasTurn);
  if (!hasTurn) {
    return (
      <p className="exchange-empty">
        The reference server runs offline: it hears <em>when</em> you speak, not <em>what</em> you say, and
        answers with a real synthesized voice.
      </p>
    );
  }
  const streaming = state === 'processing' || state === 'speaking';
  return (
    <div className="exchange">
      <section className="bubble bubble-user" aria-label="What the server heard">
        <h2>You</h2>
        <p data-testid="user-text">
          {user ?? (
            <span className="placeholder">{state === 'recording' ? 'Listening…' : 'Transcribing…'}</span>
          )}
        </p>
      </section>
      {(reply || state === 'processing') && (
        <section className="bubble bubble-agent" aria-label="The reply" aria-busy={streaming}>
          <h2>
            Agent
            {interrupted && <span className="tag">interrupted</span>}
          </h2>
          <p data-testid="reply-text">
            {reply || <span className="placeholder">Thinking…</span>}
            {state === 'processing' && reply && <span className="caret" aria-hidden="true" />}
          </p>
        </section>
      )}
    </div>
  );
}
