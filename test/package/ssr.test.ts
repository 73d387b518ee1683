import { afterEach, expect, test } from 'vitest';

/*
 * Importing voxstate on a server (Node, a Next.js render) reads no browser global, and neither does
 * creating a conversation: only starting one does. Each global below is replaced by a getter that
 * records who read it, and the module is imported fresh while they are in place.
 */

const BROWSER_GLOBALS = [
  'window',
  'self',
  'document',
  'navigator',
  'location',
  'WebSocket',
  'AudioContext',
  'webkitAudioContext',
  'AudioWorkletNode',
  'MediaRecorder',
  'MediaStream',
  'addEventListener',
  'removeEventListener',
  'requestAnimationFrame',
  'requestIdleCallback',
  'matchMedia',
  'localStorage',
  'sessionStorage',
];

/** Our code and what it runs on; vitest's own module loader may look around, that is not ours. */
const OURS = /\/(src|machines)\/|node_modules\/(xstate|valibot)\//;

const saved = new Map<string, PropertyDescriptor | undefined>();
const touched: string[] = [];

function trapGlobals() {
  for (const name of BROWSER_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        const stack = new Error().stack ?? '';
        const caller = stack
          .split('\n')
          .slice(2)
          .find((line) => OURS.test(line));
        if (caller) touched.push(`${name} at ${caller.trim()}`);
        return undefined;
      },
    });
  }
}

afterEach(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete (globalThis as Record<string, unknown>)[name];
  }
  saved.clear();
  touched.length = 0;
});

test('importing voxstate and creating a conversation read no browser global; starting it is where they are looked for', async () => {
  trapGlobals();
  const voxstate = await import('../../src/index.ts');
  expect(touched, 'on import').toEqual([]);

  // As a component would during a server render: no WebSocket passed, nothing started.
  const actor = voxstate.createVoiceConversation({ url: 'wss://example.invalid/api/ws/voice' });
  const { machine } = voxstate.createConversationMachine({ url: 'wss://example.invalid/api/ws/voice' });
  expect(machine.id).toBe('conversation');
  expect(actor.getSnapshot().status).toBe('active');
  expect(touched, 'on creation').toEqual([]);

  // The browser signals look for `addEventListener` once the connection actor starts.
  actor.start();
  expect(touched.some((t) => t.startsWith('addEventListener'))).toBe(true);
  actor.stop();
});
