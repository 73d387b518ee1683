import type { Meta } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import type { Microphone } from './support/devices.ts';
import { replies } from './support/replies.ts';
import type { Scene } from './support/scene.ts';
import { eventually, expectStage, sceneStory } from './support/story.tsx';

export default { title: 'Conversation/Browser' } satisfies Meta;

/** The reply arrived, but the autoplay policy holds the audio until the user clicks. */
export const NeedsClick = sceneStory(
  {
    speakers: 'blocked',
    reply: replies.speaking,
    run: async (s) => {
      await s.ready();
      await s.speak();
    },
  },
  async ({ canvas, userEvent }) => {
    await expectStage(canvas, 'The reply is waiting');
    await expect(canvas.getByText('Sound is paused by the browser')).toBeVisible();
    // The click resumes playback through the session; the reply then plays.
    await userEvent.click(canvas.getByRole('button', { name: 'Play the reply' }));
    await expectStage(canvas, 'Speaking');
    await expect(canvas.queryByText('Sound is paused by the browser')).toBeNull();
  },
);

/** The user presses talk; the microphone refuses, as `getUserMedia` does. */
const refused = (microphone: Microphone): Scene => ({
  microphone,
  run: async (s) => {
    await s.ready();
    s.actor.send({ type: 'record.start' });
    await s.until((session) => session.context.error !== null);
  },
});

/** The browser's permission for the microphone is refused (NotAllowedError). */
export const MicrophoneDenied = sceneStory(refused('denied'), async ({ canvas }) => {
  await eventually(() => expect(canvas.getByRole('alert')).toHaveTextContent('Microphone blocked'));
  await expect(canvas.getByRole('alert')).toHaveTextContent('Set Microphone to Allow for this site.');
  await expect(canvas.getByRole('button', { name: 'Check again' })).toBeEnabled();
  await expectStage(canvas, 'Ready');
});

/** There is no microphone (NotFoundError). */
export const NoMicrophone = sceneStory(refused('missing'), async ({ canvas }) => {
  await eventually(() => expect(canvas.getByRole('alert')).toHaveTextContent('No microphone found'));
  await expect(canvas.getByRole('alert')).toHaveTextContent('Connect a microphone or a headset.');
  await expect(canvas.getByRole('button', { name: 'Check again' })).toBeEnabled();
  await expectStage(canvas, 'Ready');
});
