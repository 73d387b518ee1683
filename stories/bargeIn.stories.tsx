import type { Meta } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import { replies } from './support/replies.ts';
import type { Scene } from './support/scene.ts';
import { eventually, expectStage, sceneStory } from './support/story.tsx';

export default { title: 'Conversation/Barge-in' } satisfies Meta;

/** The agent speaks; then the voice-activity adapter hears the user start talking over it. */
const talkOver = (confirmMs?: number): Scene => ({
  reply: replies.speaking,
  confirmMs,
  run: async (s) => {
    await s.ready();
    await s.speak();
    await s.until((session) => session.matches('speaking'));
    s.userSpeaksOver();
  },
});

/**
 * The user's first words turn the agent down at once. Speech this short could be a cough: the reply
 * stops for good only if it goes on (held here with a long confirmation window).
 */
export const Ducked = sceneStory(talkOver(600_000), async ({ canvas }) => {
  await eventually(() =>
    expect(canvas.getByText(/You are talking over the reply: it is turned down/)).toBeVisible(),
  );
  await expectStage(canvas, 'Speaking');
});

/** The user kept talking past the confirmation window (150 ms): the reply stopped. */
export const Interrupted = sceneStory(talkOver(), async ({ canvas }) => {
  await expectStage(canvas, 'Ready');
  await eventually(() => expect(canvas.getByText('interrupted')).toBeVisible());
  await expect(canvas.queryByText(/You are talking over the reply/)).toBeNull();
  await expect(canvas.getByRole('button', { name: 'Stop the reply' })).toBeDisabled();
});
