import { generateFixtures } from '../fixtures/generate.ts';

/** Fixtures must exist before Chromium starts: its fake microphone plays test/output/fixtures/turn.wav. */
export default async function setup() {
  await generateFixtures();
}
