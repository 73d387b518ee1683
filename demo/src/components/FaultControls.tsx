import { useCallback, useEffect, useState } from 'react';

/** What `GET /control` reports (voxstate-server's fault state). */
interface ServerState {
  mutePings: boolean;
  delayMs: number;
  connections: number;
}

const REPLY_DELAY_MS = 3_000;
const RESTART_DOWN_MS = 1_500;
const POLL_MS = 2_000;

/** The server's fault controls, through the dev server's proxy (same origin). */
async function control(method: 'GET' | 'POST', path = ''): Promise<ServerState> {
  const response = await fetch(`/control${path}`, { method });
  if (!response.ok) throw new Error(`${response.status}`);
  const body = await response.json();
  return body.state ?? body;
}

/** Buttons that make the reference server misbehave, and what it is doing now. */
export function FaultControls({ hasPing }: { hasPing: boolean }) {
  const [state, setState] = useState<ServerState | null>(null);
  const [down, setDown] = useState(false);

  const refresh = useCallback(
    (request: Promise<ServerState>) =>
      request.then(
        (next) => {
          setState(next);
          setDown(false);
        },
        () => setDown(true),
      ),
    [],
  );
  useEffect(() => {
    void refresh(control('GET'));
    const timer = setInterval(() => void refresh(control('GET')), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const post = (path: string) => () => void refresh(control('POST', path));
  const muted = state?.mutePings ?? false;
  const delayed = (state?.delayMs ?? 0) > 0;
  const summary = down
    ? 'The server is not answering (restarting?)'
    : state
      ? [
          muted ? 'pings ignored' : 'pings answered',
          delayed ? `replies delayed ${state.delayMs / 1000} s` : 'no reply delay',
          `${state.connections} connection${state.connections === 1 ? '' : 's'}`,
        ].join(' · ')
      : 'Asking the server…';

  return (
    <section className="panel" aria-labelledby="faults-heading">
      <h2 id="faults-heading">Server faults</h2>
      <p className="muted small" data-testid="server-state">
        {summary}
      </p>
      <div className="fault-grid">
        <button
          type="button"
          className="button"
          onClick={post('/drop')}
          title="Every socket dies at once (1006)"
        >
          Drop connection
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={muted}
          disabled={!hasPing}
          onClick={post(`/mute-pings?on=${!muted}`)}
          title={
            hasPing
              ? 'A half-open connection: the socket stays up, pings go unanswered'
              : 'This protocol has no ping (seed 001)'
          }
        >
          {muted ? 'Answer pings again' : 'Stop answering pings'}
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={delayed}
          onClick={post(`/delay?ms=${delayed ? 0 : REPLY_DELAY_MS}`)}
          title="Every reply waits before its first event"
        >
          {delayed ? 'Stop delaying replies' : `Delay replies ${REPLY_DELAY_MS / 1000} s`}
        </button>
        <button
          type="button"
          className="button"
          onClick={post('/malformed')}
          title="A frame that is not JSON: the page reports it and carries on"
        >
          Malformed frame
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setDown(true);
            void control('POST', `/restart?ms=${RESTART_DOWN_MS}`).catch(() => {});
          }}
          title={`Down for ${RESTART_DOWN_MS / 1000} s, then listening again on the same port`}
        >
          Restart server
        </button>
        <button type="button" className="button" onClick={post('/reset')} title="Answer pings, no delay">
          Reset faults
        </button>
      </div>
    </section>
  );
}
