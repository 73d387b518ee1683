import type { Meta } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import { eventually, expectStage, sceneStory } from './support/story.tsx';

export default { title: 'Conversation/Connection' } satisfies Meta;

/** The socket is opening and the server has not answered yet. */
export const Connecting = sceneStory(
  { answer: 'silent', reconnect: { connectTimeoutMs: 600_000 }, run: async (s) => s.connect() },
  async ({ canvas }) => {
    await expectStage(canvas, 'Connecting…');
    await expect(canvas.getByText('Connecting...')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Hold to talk' })).toBeDisabled();
  },
);

/** The connection dropped: the next attempt is counted down (12 s here). */
export const Reconnecting = sceneStory(
  {
    reconnect: { schedule: [12_000], jitter: 0, maxAttempts: 5 },
    run: async (s) => {
      await s.ready();
      s.server.drop();
    },
  },
  async ({ canvas }) => {
    await expectStage(canvas, 'Reconnecting…');
    await eventually(() => expect(canvas.getByText(/Reconnecting\.\.\. attempt 1 of 5/)).toBeVisible());
    const secondsLeft = () => Number(/in (\d+) s/.exec(canvas.getByRole('timer').textContent ?? '')?.[1]);
    const first = secondsLeft();
    await expect(first).toBeGreaterThan(0);
    await expect(first).toBeLessThanOrEqual(12);
    // The countdown runs.
    await eventually(() => expect(secondsLeft()).toBe(first - 1));
    await expect(canvas.getByRole('button', { name: 'Hold to talk' })).toBeDisabled();
  },
);

/** Every attempt failed: the connection rests, and the button starts over (the server is back). */
export const GaveUp = sceneStory(
  {
    reconnect: { schedule: [200], jitter: 0, maxAttempts: 2 },
    run: async (s) => {
      await s.ready();
      s.server.answer = 'refuse';
      s.server.drop();
      await s.until((session) => session.context.link === 'closed');
      s.server.answer = 'accept';
    },
  },
  async ({ canvas }) => {
    await expectStage(canvas, 'Not connected');
    await eventually(() => expect(canvas.getByText('Could not reconnect')).toBeVisible());
    await expect(canvas.getByRole('button', { name: 'Reconnect' })).toBeEnabled();
    await expect(canvas.queryByRole('timer')).toBeNull();
  },
);

/** Connected, the handshake done: the user may talk. */
export const Ready = sceneStory({ run: (s) => s.ready() }, async ({ canvas }) => {
  await expectStage(canvas, 'Ready');
  await expect(canvas.getByRole('button', { name: 'Hold to talk' })).toBeEnabled();
  await expect(canvas.getByRole('button', { name: 'Stop the reply' })).toBeDisabled();
});
