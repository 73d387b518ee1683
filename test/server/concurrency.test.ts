/** Many conversations at once, each answered about its own audio and nobody else's. */
import { afterEach, expect, test } from 'vitest';
import type { VoiceServer } from '../../server/src/index.ts';
import { messageType } from '../../src/dialects/messageType.ts';
import { status } from '../../src/dialects/status.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { typed } from '../../src/dialects/typed.ts';
import { type ClientSession, openSession, speechClip, startQuickServer } from './support.ts';

let server: VoiceServer;
let sessions: ClientSession[] = [];

afterEach(async () => {
  for (const s of sessions) s.stop();
  sessions = [];
  await server.stop();
});

test('16 sessions over the four dialects, two turns each, all at once: no cross-talk', async () => {
  server = await startQuickServer();
  const dialects = [tutor, messageType, status, typed];
  sessions = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      openSession(server, dialects[i % 4] ?? tutor, { threadId: `thread-${i}` }),
    ),
  );
  // Session i speaks from 0.1 s for (i + 2) tenths of a second: its transcript names its own span.
  const spoken = (i: number, round: number) => `speech at 0.1–${((i + 2 + round) / 10 + 0.1).toFixed(1)} s`;
  for (const round of [0, 1]) {
    const turns = await Promise.all(
      sessions.map((s, i) => {
        const end = 100 + (i + 2 + round) * 100;
        return s.turn(speechClip({ durationMs: end + 100, speech: [[100, end]] }));
      }),
    );
    turns.forEach((turn, i) => {
      expect(turn.failed).toBeNull();
      expect(turn.user).toContain(spoken(i, round));
      expect(turn.agent).toContain(round === 0 ? 'I am the voxstate reference server' : 'turn 2 of');
    });
  }
  const done = server.events.filter((e) => e.type === 'reply.end' && e.outcome === 'done');
  expect(done).toHaveLength(32);
  expect(server.connections()).toBe(16);
});
