import type { EventLog } from 'voxstate/inspect';
import type { DialectChoice } from '../dialects.ts';
import { ConversationInfo } from './ConversationInfo.tsx';
import { EventLogPanel } from './EventLogPanel.tsx';
import { FaultControls } from './FaultControls.tsx';

export interface DeveloperPanelProps {
  log: EventLog;
  choice: DialectChoice;
  threadId: string;
  onNewThread(): void;
  onOpenInspector(): void;
  inspecting: boolean;
}

/** What a developer wants next to the conversation: its settings, the server's faults, its events. */
export function DeveloperPanel({ log, choice, ...info }: DeveloperPanelProps) {
  return (
    <aside className="devtools" aria-label="Developer tools">
      <ConversationInfo choice={choice} {...info} />
      <FaultControls hasPing={choice.dialect.heartbeat.ping !== undefined} />
      <EventLogPanel log={log} />
    </aside>
  );
}
