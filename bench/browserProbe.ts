import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../test/helpers/chromium.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Serves the repository with Vite, opens `pagePath` in headless Chromium and returns what the page's
 * `runProbe(options)` resolves to: the browser half of a benchmark.
 */
export async function runBrowserProbe<Options, Result>(
  pagePath: string,
  options: Options,
  log: (line: string) => void,
): Promise<Result> {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0 },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    await page.goto(`http://127.0.0.1:${port}/${pagePath}`);
    await page.waitForFunction(() => 'runProbe' in globalThis);
    return (await page.evaluate(
      (o) => (globalThis as unknown as { runProbe(o: unknown): Promise<unknown> }).runProbe(o),
      options as unknown,
    )) as Result;
  } finally {
    await browser.close();
    await server.close();
  }
}
