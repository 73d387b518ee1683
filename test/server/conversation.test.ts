import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { VoiceServer } from '../../server/src/index.ts';
import { messageType } from '../../src/dialects/messageType.ts';
import { status } from '../../src/dialects/status.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { typed } from '../../src/dialects/typed.ts';
import type { Dialect } from '../../src/dialects/types.ts';
import { type ClientSession, openSession, rmsOf, speechClip, startQuickServer } from './support.ts';

let server: VoiceServer;
let sessions: ClientSession[];

beforeEach(async () => {
  server = await startQuickServer();
  sessions = [];
});
afterEach(async () => {
  for (const s of sessions) s.stop();
  await server.stop();
});

const open = async (dialect: Dialect) => {
  const session = await openSession(server, dialect);
  sessions.push(session);
  return session;
};

const dialects: Dialect[] = [tutor, messageType, status, typed];

describe.each(dialects)('a full conversation with the real client: $name on $path', (dialect) => {
  test('two turns: what the transcriber measured, a streamed reply, real speech, back to ready', async () => {
    const session = await open(dialect);
    const first = await session.turn(speechClip({ durationMs: 1500, speech: [[200, 900]] }));
    expect(first.failed).toBeNull();
    expect(first.user).toBe('[1.5 s of audio, speech at 0.2–0.9 s]');
    expect(first.agent).toBe(
      'You spoke for 0.7 seconds, in one stretch. I am the voxstate reference server, running offline: I can tell when you speak, but not what you say.',
    );
    expect(first.at.firstToken).not.toBeNull();
    // espeak-ng's voice: seconds of audible sound, not silence or a tone burst.
    const audio = rmsOf(session.played);
    expect(audio.seconds).toBeGreaterThan(4);
    expect(audio.rms).toBeGreaterThan(0.02);
    expect(session.state()).toBe('ready');

    const second = await session.turn(
      speechClip({
        durationMs: 1300,
        speech: [
          [100, 400],
          [800, 1100],
        ],
      }),
    );
    expect(second.user).toBe('[1.3 s of audio, speech at 0.1–0.4 s, 0.8–1.1 s]');
    expect(second.agent).toBe(
      'You spoke for 0.6 seconds, in 2 stretches. This is turn 2 of our conversation.',
    );
    expect(second.replyId).not.toBe(first.replyId);
    expect(session.state()).toBe('ready');
  });
});
