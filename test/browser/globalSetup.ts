import type { TestProject } from 'vitest/node';
import { generateFixtures } from '../fixtures/generate.ts';
import { startWsBroker } from './wsBroker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real `ws` server the page can reach (test/browser/wsBroker.ts). */
    wsBrokerPort: number;
  }
}

/** Fixtures must exist before Chromium starts: its fake microphone plays test/output/fixtures/turn.wav. */
export default async function setup(project: TestProject) {
  await generateFixtures();
  const broker = await startWsBroker();
  project.provide('wsBrokerPort', broker.port);
  return () => broker.close();
}
