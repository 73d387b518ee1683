import { selectRtt } from 'voxstate';
import { useConnectionSelector } from 'voxstate/react';
import type { DialectChoice } from '../dialects.ts';
import { Icon } from './Icon.tsx';

interface Props {
  choice: DialectChoice;
  threadId: string;
  onNewThread(): void;
  onOpenInspector(): void;
  inspecting: boolean;
}

/** The dialect in use, the thread (kept across page loads) and the Stately inspector. */
export function ConversationInfo({ choice, threadId, onNewThread, onOpenInspector, inspecting }: Props) {
  const rtt = useConnectionSelector(selectRtt);
  return (
    <section className="panel" aria-labelledby="conversation-heading">
      <h2 id="conversation-heading">Conversation</h2>
      <dl className="facts">
        <dt>Protocol</dt>
        <dd>
          {choice.label} <span className="muted">({choice.seed})</span> on <code>{choice.dialect.path}</code>
        </dd>
        <dt>Audio</dt>
        <dd>{choice.audio}</dd>
        <dt>Round trip</dt>
        <dd>{rtt === null ? <span className="muted">no ping yet</span> : `${Math.round(rtt)} ms`}</dd>
        <dt>Thread</dt>
        <dd>
          <code data-testid="thread-id" title="Kept across page loads">
            {threadId}
          </code>
        </dd>
      </dl>
      <div className="row">
        <button type="button" className="button" onClick={onNewThread}>
          New thread
        </button>
        <button
          type="button"
          className="button"
          onClick={onOpenInspector}
          title="Opens stately.ai's inspector in a new tab (needs the internet) and restarts the conversation under it, on the same thread"
        >
          {inspecting ? 'Reopen the Stately inspector' : 'Open the Stately inspector'}
          <Icon name="external" size={14} />
        </button>
      </div>
    </section>
  );
}
