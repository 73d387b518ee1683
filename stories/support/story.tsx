import type { StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import { Staged } from './Staged.tsx';
import type { Scene } from './scene.ts';

type Play = NonNullable<StoryObj['play']>;
type Canvas = Parameters<Play>[0]['canvas'];

/** A story that renders the demo's talking mode over a conversation `scene` drives into its state. */
export const sceneStory = (scene: Scene, play: Play): StoryObj => ({
  render: () => <Staged scene={scene} />,
  play,
});

/** Generous: a loaded machine is slow, and only a broken story waits this long. */
const TIMEOUT_MS = 10_000;

/** Retries `assertion` until it passes (the machines get there asynchronously). */
export const eventually = (assertion: () => void | Promise<void>) =>
  waitFor(assertion, { timeout: TIMEOUT_MS });

/** The page's headline of where the conversation is ("Ready", "Listening…"). */
export const expectStage = (canvas: Canvas, title: string) =>
  eventually(() => expect(canvas.getByTestId('stage')).toHaveTextContent(title));
