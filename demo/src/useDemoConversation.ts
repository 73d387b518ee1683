import { useEffect, useState } from 'react';
import type { Dialect } from 'voxstate';
import type { StatelyInspector } from 'voxstate/inspect';
import { createDemoConversation, type DemoConversation } from './conversation.ts';
import type { UrlSettings } from './settings.ts';

declare global {
  interface Window {
    /** The live conversation, its event log and its AudioContext, for the browser console. */
    voxstate?: Pick<DemoConversation, 'actor' | 'log' | 'host'>;
  }
}

/**
 * A conversation for these options, started over whenever one changes (another dialect, a new thread,
 * the inspector attached). Null until the first one exists.
 */
export function useDemoConversation(
  dialect: Dialect,
  threadId: string,
  settings: UrlSettings,
  inspector: StatelyInspector | null,
): DemoConversation | null {
  const [conversation, setConversation] = useState<DemoConversation | null>(null);
  useEffect(() => {
    const created = createDemoConversation({ dialect, threadId, settings, inspector });
    setConversation(created);
    window.voxstate = { actor: created.actor, log: created.log, host: created.host };
    return () => created.close();
  }, [dialect, threadId, settings, inspector]);
  return conversation;
}
