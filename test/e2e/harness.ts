/**
 * The demo as `npm start` serves it, in the test process: the reference voice server and a Vite dev
 * server for `demo/` (port 0 each), and Debian's Chromium driven by playwright-core with a fake
 * microphone that plays generated speech.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { expect } from 'vitest';
import { demoConfig } from '../../demo/config.ts';
import { embeddedPipeline, startServer, type VoiceServer } from '../../server/src/index.ts';
import { FIXTURE_DIR } from '../fixtures/generate.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../helpers/chromium.ts';

export const OUTPUT_DIR = join(import.meta.dirname, '..', 'output', 'e2e');

export interface Demo {
  voice: VoiceServer;
  vite: ViteDevServer;
  /** The page, `http://127.0.0.1:<port>/`. */
  url: string;
  stop(): Promise<void>;
}

/** Server and page; the responder streams its tokens faster, and speaks faster, than the demo's. */
export async function startDemo(): Promise<Demo> {
  const voice = await startServer({
    port: 0,
    pipeline: embeddedPipeline({ tokenMs: 25, wordsPerMinute: 240 }),
  });
  // No file watching: an edit in the working tree during a run must not reload the page.
  const vite = await createServer(
    demoConfig({ serverUrl: voice.url, port: 0, logLevel: 'silent', watch: false }),
  );
  await vite.listen();
  const url = vite.resolvedUrls?.local[0];
  if (!url) throw new Error('the demo dev server has no URL');
  return {
    voice,
    vite,
    url,
    async stop() {
      await Promise.allSettled([vite.close(), voice.stop()]);
    },
  };
}

/** The microphone: granted, a fake device playing `turn.wav` (silence, speech, silence, noise) in a loop. */
export const MICROPHONE_GRANTED = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${join(FIXTURE_DIR, 'turn.wav')}`,
];
/** A device exists, but nobody answers the permission prompt: headless Chromium denies it. */
export const MICROPHONE_DENIED = ['--use-fake-device-for-media-stream'];
/** Granted, but there is no device at all. */
export const NO_MICROPHONE = ['--use-fake-ui-for-media-stream'];

export function launch(flags: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...flags],
  });
}

/** A page of the demo at a size the screenshots are read at, in the dark theme (the page's default). */
export async function openDemo(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, colorScheme: 'dark' });
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`) });
}

/** After a failure: what the page showed, and its event log, next to the screenshots. */
export async function saveFailure(page: Page, test: string): Promise<void> {
  const name = `failed-${test.replace(/\W+/g, '-').slice(0, 60)}`;
  await screenshot(page, name).catch(() => {});
  const lines = await page.evaluate(() => window.voxstate?.log.lines() ?? []).catch(() => []);
  await writeFile(join(OUTPUT_DIR, `${name}.log`), lines.join('\n'));
}

/** Waits until the stage title is `title`; generous, since the machine may be loaded. */
export async function waitForStage(page: Page, title: string, timeout = 15_000): Promise<void> {
  await page
    .getByTestId('stage')
    .filter({ hasText: new RegExp(`^${title}$`) })
    .waitFor({ timeout });
}

/** What the page showed and played during a turn, stamped on the page's clock (ms). */
export interface TurnRecord {
  /** Each text the reply showed, in order (tokens streaming in). */
  replies: string[];
  released: number | null;
  firstText: number | null;
  firstAudio: number | null;
}

/**
 * Watches the next turn from inside the page: the reply's text as it grows (a MutationObserver), and,
 * through the event log, when the turn was sent (`record.stop`) and when its first sample reached the
 * output (`playback.started`, reported by the playback worklet).
 */
export async function watchTurn(page: Page): Promise<() => Promise<TurnRecord>> {
  await page.evaluate(() => {
    const record: TurnRecord = { replies: [], released: null, firstText: null, firstAudio: null };
    Object.assign(window, { turnRecord: record });
    const text = () => document.querySelector('[data-testid="reply-text"]')?.textContent ?? '';
    new MutationObserver(() => {
      const reply = text();
      if (record.released === null || reply === '' || reply === 'Thinking…') return;
      if (record.replies.at(-1) === reply) return;
      record.replies.push(reply);
      record.firstText ??= performance.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
    window.voxstate?.log.subscribe((entry) => {
      if (entry.actor !== 'session') return;
      if (entry.event === 'record.stop') record.released ??= performance.now();
      if (entry.event === 'playback.started' && record.released !== null)
        record.firstAudio ??= performance.now();
    });
  });
  return () => page.evaluate(() => (window as unknown as { turnRecord: TurnRecord }).turnRecord);
}

export const logEntries = (page: Page) => page.evaluate(() => window.voxstate?.log.entries() ?? []);

/** Waits until the page's session speaks `dialect` and is ready for a turn. */
export async function waitForDialect(page: Page, dialect: string): Promise<void> {
  await page.waitForFunction((name) => {
    const session = window.voxstate?.actor.system.get('session')?.getSnapshot();
    return session?.context.dialect.name === name && session.value === 'ready';
  }, dialect);
}

/** Waits for `count` more heartbeat round trips (pongs) on the page's connection. */
export async function waitForRoundTrips(page: Page, count: number): Promise<void> {
  const pongs = () =>
    logEntries(page).then((entries) =>
      entries.filter((e) => e.actor === 'session' && e.event === 'connection.rtt'),
    );
  const since = (await logEntries(page)).at(-1)?.at ?? 0;
  await expect
    .poll(async () => (await pongs()).filter((e) => e.at > since).length, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(count);
}

/** Runs `action` and resolves with the ms from it until the connection first went `reconnecting`. */
export async function timeToReconnecting(page: Page, action: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const start = performance.now();
    const timing = { ms: -1 };
    Object.assign(window, { reconnecting: timing });
    window.voxstate?.log.subscribe((entry) => {
      if (entry.actor === 'connection' && entry.after === 'reconnecting' && timing.ms < 0) {
        timing.ms = performance.now() - start;
      }
    });
  });
  await action();
  const handle = await page.waitForFunction(
    () => {
      const timing = (window as unknown as { reconnecting: { ms: number } }).reconnecting;
      return timing.ms >= 0 && timing;
    },
    undefined,
    { timeout: 10_000 },
  );
  return ((await handle.jsonValue()) as { ms: number }).ms;
}
