import { useSelector } from '@xstate/react';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import type { ConversationActor } from '../../machines/conversation.machine.ts';
import type { WebSocketConstructor } from '../adapters/websocket.ts';
import { type ConversationOptions, createVoiceConversation } from '../conversation.ts';
import { VoxError } from '../errors.ts';

const ConversationContext = createContext<ConversationActor | null>(null);

export type VoiceConversationProviderProps = { children?: ReactNode } & (
  | {
      /** Read once, on mount: give the provider a new `key` to start over with other options. */
      options: ConversationOptions;
      actor?: never;
    }
  | {
      /** An actor made by the app (`createVoiceConversation`, or a machine of its own). */
      actor: ConversationActor;
      options?: never;
    }
);

/** Stands in for the WebSocket during server rendering, where effects never start the actor. */
const NoWebSocket = class {
  constructor() {
    throw new VoxError(
      'options',
      'option.invalid',
      'WebSocket: no WebSocket here; pass one (the ws package)',
    );
  }
} as unknown as WebSocketConstructor;

/** The actor for `options`; on a server (no DOM, and Node 20 has no global WebSocket) it never connects. */
function create(options: ConversationOptions) {
  const server = typeof window === 'undefined' && !options.WebSocket && !globalThis.WebSocket;
  return createVoiceConversation(server ? { ...options, WebSocket: NoWebSocket } : options);
}

/** Throws the conversation's error during render, for the nearest error boundary (see the README). */
const status = (snapshot: { status: string }) => snapshot.status;

/**
 * Holds one conversation actor for the components below it. Given `options`, it creates the actor,
 * starts it on mount and stops it on unmount; given an `actor`, it starts it and leaves stopping it to
 * its owner. StrictMode's mount, unmount, mount keeps the one actor running: the stop waits a
 * microtask and is called off when the effect runs again.
 */
export function VoiceConversationProvider({ children, ...source }: VoiceConversationProviderProps) {
  const [actor] = useState(() => source.actor ?? create(source.options));
  const owned = source.actor === undefined;
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    actor.start();
    return () => {
      mounted.current = false;
      if (owned) {
        queueMicrotask(() => {
          if (!mounted.current) actor.stop();
        });
      }
    };
  }, [actor, owned]);
  useSelector(actor, status);
  return <ConversationContext.Provider value={actor}>{children}</ConversationContext.Provider>;
}

/** The conversation actor of the nearest provider: `send` it commands (`connect`, `record.start`...). */
export function useConversation(): ConversationActor {
  const actor = useContext(ConversationContext);
  if (!actor) {
    throw new VoxError(
      'conversation',
      'provider.missing',
      'voxstate/react hooks must be used inside a <VoiceConversationProvider>',
    );
  }
  return actor;
}
