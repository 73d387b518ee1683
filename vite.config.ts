import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './test/helpers/chromium.ts';

const chromium = (flags: string[]) =>
  playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, ...flags] } });

// Written by the browser project's global setup (test/fixtures/generate.ts) before Chromium starts.
const fakeMicrophone = fileURLToPath(new URL('test/output/fixtures/turn.wav', import.meta.url));
const grantedMicrophone = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${fakeMicrophone}`,
];
const permissionTests = 'test/browser/permissions';

const browserProject = (name: string, include: string[], flags: string[], exclude: string[] = []) => ({
  test: {
    name,
    include,
    exclude,
    globalSetup: ['test/browser/globalSetup.ts'],
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: chromium(flags),
      instances: [{ browser: 'chromium' as const }],
    },
  },
});

export default defineConfig({
  // `voxstate` and `voxstate/dialects/*` (imported by the server package) resolve to the sources
  // under test, not to a `dist/` that may be stale or missing.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/browser/**'],
          testTimeout: 20_000,
        },
      },
      browserProject('browser', ['test/browser/**/*.test.ts'], grantedMicrophone, [`${permissionTests}/**`]),
      // Separate launches: the permission prompt and the fake devices are launch flags.
      browserProject(
        'browser-denied',
        [`${permissionTests}/denied.test.ts`],
        ['--use-fake-device-for-media-stream'],
      ),
      browserProject(
        'browser-no-device',
        [`${permissionTests}/noDevice.test.ts`],
        ['--use-fake-ui-for-media-stream'],
      ),
      // The stories (stories/**) rendered and their play functions run, in the same Chromium.
      {
        extends: true,
        plugins: [storybookTest({ configDir: fileURLToPath(new URL('.storybook', import.meta.url)) })],
        test: {
          name: 'storybook',
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: chromium([]),
            instances: [{ browser: 'chromium' as const }],
          },
        },
      },
    ],
  },
});
