import { selectAttempt } from 'voxstate';
import {
  useConnectionSelector,
  useConnectionStatus,
  usePlaybackBlocked,
  useSessionState,
  useStage,
} from 'voxstate/react';
import { stageView, type TalkMode } from '../stage.ts';

/** One line for where the conversation is, and one for what the user can do; announced politely. */
export function StatusLine({ mode }: { mode: TalkMode }) {
  const status = useConnectionStatus();
  const retrying = useConnectionSelector(selectAttempt) > 0;
  // A connection attempt after a drop is, to the user, still reconnecting.
  const connection = status === 'connecting' && retrying ? 'reconnecting' : status;
  const view = stageView(connection, useSessionState(), useStage(), mode, usePlaybackBlocked());
  return (
    <div className="status-line" role="status" aria-live="polite">
      <p className="status-title" data-testid="stage">
        {view.title}
      </p>
      <p className="status-hint">{view.hint}</p>
    </div>
  );
}
