import { useEffect, useState } from 'react';
import {
  createDemoConversation,
  type DemoConversation,
  type DemoConversationOptions,
} from './conversation.ts';

declare global {
  interface Window {
    /** The live conversation, its event log and its AudioContext, for the browser console. */
    voxstate?: Pick<DemoConversation, 'actor' | 'log' | 'host'>;
  }
}

/**
 * A conversation for these options, started over whenever one changes (another dialect, a new thread,
 * the inspector attached, voice activity or hands-free switched). Null until the first one exists.
 */
export function useDemoConversation({
  dialect,
  threadId,
  settings,
  inspector,
  listen,
  handsFree,
}: DemoConversationOptions): DemoConversation | null {
  const [conversation, setConversation] = useState<DemoConversation | null>(null);
  useEffect(() => {
    const created = createDemoConversation({ dialect, threadId, settings, inspector, listen, handsFree });
    setConversation(created);
    window.voxstate = { actor: created.actor, log: created.log, host: created.host };
    return () => created.close();
  }, [dialect, threadId, settings, inspector, listen, handsFree]);
  return conversation;
}
