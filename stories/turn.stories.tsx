import type { Meta } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import { ANSWER, PARTIAL_ANSWER, QUESTION, replies } from './support/replies.ts';
import type { Scene } from './support/scene.ts';
import { eventually, expectStage, sceneStory } from './support/story.tsx';

export default { title: 'Conversation/Turn' } satisfies Meta;

/** The user speaks a turn; the server answers with `reply`, which ends in the stage shown. */
const turn = (reply: Scene['reply']): Scene => ({
  reply,
  run: async (s) => {
    await s.ready();
    await s.speak();
  },
});

/** The user holds the talk button and speaks: the orb follows the microphone's level. */
export const Recording = sceneStory(
  {
    run: async (s) => {
      await s.ready();
      s.actor.send({ type: 'record.start' });
    },
  },
  async ({ canvas, canvasElement }) => {
    await expectStage(canvas, 'Listening…');
    await expect(canvas.getByRole('button', { name: 'Release to send' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    const orb = canvasElement.querySelector<HTMLElement>('.orb');
    await expect(orb).toHaveAttribute('data-look', 'listening');
    // The meter moves with the capture adapter's levels (it rests at 0 without them).
    await eventually(() => expect(Number(orb?.style.getPropertyValue('--level'))).toBeGreaterThan(0.2));
  },
);

/** The turn was sent; the server is transcribing it. */
export const Transcribing = sceneStory(turn(replies.transcribing), async ({ canvas }) => {
  await expectStage(canvas, 'Transcribing…');
  await expect(canvas.getByTestId('user-text')).toHaveTextContent('Transcribing…');
  await expect(canvas.getByRole('button', { name: 'Stop the reply' })).toBeEnabled();
});

/** The server heard the question and streams the reply's text. */
export const Thinking = sceneStory(turn(replies.thinking), async ({ canvas }) => {
  await expectStage(canvas, 'Thinking…');
  await eventually(() => expect(canvas.getByTestId('reply-text')).toHaveTextContent(PARTIAL_ANSWER));
  await expect(canvas.getByTestId('user-text')).toHaveTextContent(QUESTION);
  await expect(canvas.getByTestId('reply-text')).not.toHaveTextContent(ANSWER);
});

/** The reply's text is complete; the server turns it into speech. */
export const Synthesizing = sceneStory(turn(replies.synthesizing), async ({ canvas }) => {
  await expectStage(canvas, 'Synthesizing speech…');
  await eventually(() => expect(canvas.getByTestId('reply-text')).toHaveTextContent(ANSWER));
});

/** The reply's audio plays; the stop button cuts it short. */
export const Speaking = sceneStory(turn(replies.speaking), async ({ canvas, canvasElement }) => {
  await expectStage(canvas, 'Speaking');
  await expect(canvas.getByRole('button', { name: 'Stop the reply' })).toBeEnabled();
  await expect(canvas.getByTestId('reply-text')).toHaveTextContent(ANSWER);
  await expect(canvasElement.querySelector('.orb')).toHaveAttribute('data-look', 'speaking');
});
