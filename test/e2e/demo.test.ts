/**
 * The demo end to end, the way a user meets it: headless Chromium with a fake microphone playing
 * generated speech, the page from a Vite dev server, the reference voice server behind it. Each step
 * saves a screenshot into test/output/e2e.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { generateFixtures } from '../fixtures/generate.ts';
import {
  type Demo,
  launch,
  logEntries,
  MICROPHONE_DENIED,
  MICROPHONE_GRANTED,
  NO_MICROPHONE,
  openDemo,
  saveFailure,
  screenshot,
  startDemo,
  type TurnRecord,
  timeToReconnecting,
  waitForDialect,
  waitForRoundTrips,
  waitForStage,
  watchTurn,
} from './harness.ts';

/** Long enough for the fixture's sentence (it starts 0.5 s in and lasts about 2.5 s). */
const SPEAK_MS = 3_300;
/** The embedded server's reply after a thread's first turn. */
const TURN_REPLY = /This is turn \d+ of our conversation\.$/;

let demo: Demo;

beforeAll(async () => {
  await generateFixtures();
  demo = await startDemo();
}, 60_000);

afterAll(async () => {
  await demo?.stop();
});

/**
 * Holds the talk button for `SPEAK_MS` from the moment the microphone opened (the fake device then
 * plays its file from the start) while the sentence plays.
 */
async function holdToTalk(page: Page, during?: () => Promise<void>) {
  const since = (await logEntries(page)).at(-1)?.at ?? 0;
  const opened = async () =>
    (await logEntries(page)).some((e) => e.event === 'capture.started' && e.at > since);
  await page.getByRole('button', { name: 'Hold to talk' }).hover();
  await page.mouse.down();
  await expect.poll(opened, { timeout: 10_000 }).toBe(true);
  await waitForStage(page, 'Listening…');
  const started = Date.now();
  await during?.();
  await page.waitForTimeout(Math.max(0, SPEAK_MS - (Date.now() - started)));
  await page.mouse.up();
}

/** Latency figures for the report (not asserted: speed belongs in benchmarks). */
function report(what: string, { released, firstText, firstAudio, replies }: TurnRecord) {
  const since = (at: number | null) =>
    at === null || released === null ? 'n/a' : `${Math.round(at - released)} ms`;
  console.log(
    `e2e ${what}: release → first reply text ${since(firstText)}, → first audio out ${since(firstAudio)}; ${replies.length} texts while streaming`,
  );
}

/** Each text is the one before it with more words: the reply streamed in. */
function expectStreamed(replies: string[], final: string) {
  expect(replies.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < replies.length; i++) {
    expect((replies[i] as string).startsWith(replies[i - 1] as string)).toBe(true);
  }
  expect(replies.at(-1)).toBe(final);
}

describe('with a microphone', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch(MICROPHONE_GRANTED);
    // Voice activity off until the barge-in test: the fake microphone plays its file in a loop, and
    // would speak over every reply.
    page = await openDemo(browser, `${demo.url}?voice=off`);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await saveFailure(page, task.name);
  });

  test('a full turn: speak, see the transcript and the reply stream in, hear it, back to ready', async () => {
    await waitForStage(page, 'Ready');
    await screenshot(page, '01-ready');

    const turn = await watchTurn(page);
    await holdToTalk(page, async () => {
      await page.waitForTimeout(1_500); // mid-sentence: the orb follows the voice
      await screenshot(page, '02-listening');
    });

    await page
      .getByTestId('user-text')
      .filter({ hasText: /^\[[\d.]+ s of audio, speech at [\d.]+–[\d.]+ s/ })
      .waitFor({ timeout: 15_000 });
    await page
      .getByTestId('reply-text')
      .filter({ hasText: /^You spoke for \S+ \S+ \S+/ })
      .waitFor();
    await screenshot(page, '03-reply-streaming');
    await waitForStage(page, 'Speaking');
    await screenshot(page, '04-speaking');
    await waitForStage(page, 'Ready', 30_000);
    await screenshot(page, '05-turn-done');

    const final = (await page.getByTestId('reply-text').textContent()) ?? '';
    expect(final).toMatch(
      /^You spoke for [\d.]+ seconds, in (one stretch|\d+ stretches)\. I am the voxstate reference server/,
    );
    const record = await turn();
    expectStreamed(record.replies, final);

    // The reply's audio reached the output: the playback worklet reported its first and last sample,
    // and the orb's analyser on what playback sends to the speakers measured sound.
    const session = (await logEntries(page)).filter((entry) => entry.actor === 'session');
    const started = session.findIndex((entry) => entry.event === 'playback.started');
    expect(started).toBeGreaterThan(-1);
    expect(session.slice(started).some((e) => e.event === 'playback.ended' && e.after === 'ready')).toBe(
      true,
    );
    const peak = Number(await page.locator('.orb').getAttribute('data-output-peak'));
    expect(peak).toBeGreaterThan(0.01);

    report('seed 004 turn', record);

    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
    await page.waitForTimeout(500); // the orb's colours ease over 0.4 s
    await screenshot(page, '06-turn-done-light');
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  }, 60_000);

  test('the server restarts mid-conversation: the page reconnects and the next turn continues the thread', async () => {
    await waitForStage(page, 'Ready');
    await page.getByRole('button', { name: 'Restart server' }).click();
    await waitForStage(page, 'Reconnecting…');
    await page
      .getByRole('status')
      .filter({ hasText: /Reconnecting\.\.\. attempt \d+ of 10/ })
      .waitFor();
    await screenshot(page, '07-server-restarting');
    await waitForStage(page, 'Ready', 20_000);

    await holdToTalk(page);
    await page
      .getByTestId('reply-text')
      .filter({ hasText: /This is turn 2 of our conversation\.$/ })
      .waitFor({
        timeout: 20_000,
      });
    await waitForStage(page, 'Ready', 30_000);
    await screenshot(page, '08-turn-after-restart');
  }, 60_000);

  test('the server stops answering pings: the heartbeat notices, the page reconnects, and recovers', async () => {
    const thread = await page.getByTestId('thread-id').textContent();
    // A short heartbeat through the page's URL options.
    await page.goto(`${demo.url}?heartbeat=400&pongTimeout=400&retry=100&voice=off`);
    await waitForStage(page, 'Ready');
    // The thread survives the page load (localStorage).
    expect(await page.getByTestId('thread-id').textContent()).toBe(thread);

    const noticedMs = await timeToReconnecting(page, () =>
      page.getByRole('button', { name: 'Stop answering pings' }).click(),
    );
    await screenshot(page, '09-pings-unanswered');

    // It was the heartbeat that gave the socket up: an unanswered ping, not a close from the server.
    const connection = (await logEntries(page)).filter((entry) => entry.actor === 'connection');
    expect(
      connection.some(
        (e) =>
          e.before === 'open.awaitingPong' &&
          e.after === 'reconnecting' &&
          e.event.startsWith('xstate.after'),
      ),
    ).toBe(true);

    await page.getByRole('button', { name: 'Answer pings again' }).click();
    const pongs = async () =>
      (await logEntries(page)).filter((e) => e.actor === 'session' && e.event === 'connection.rtt').length;
    const before = await pongs();
    await expect.poll(pongs, { timeout: 10_000 }).toBeGreaterThan(before);
    await waitForStage(page, 'Ready');
    await screenshot(page, '10-pings-answered-again');
    console.log(
      `e2e heartbeat (400 ms + 400 ms): pings muted → page reconnecting after ${Math.round(noticedMs)} ms`,
    );
  }, 60_000);

  test('seed 000 (message type): PCM frames out, streamed PCM back; a blocked reply plays on a click; Stop cuts it and the server gets stop_audio', async () => {
    await page.locator('label', { hasText: 'Message type' }).click();
    await waitForDialect(page, 'messageType');
    const turn = await watchTurn(page);
    await holdToTalk(page);
    await page.getByTestId('reply-text').filter({ hasText: TURN_REPLY }).waitFor({ timeout: 20_000 });
    await waitForStage(page, 'Ready', 30_000);
    expect(Number(await page.locator('.orb').getAttribute('data-output-peak'))).toBeGreaterThan(0.01);
    report('seed 000 turn', await turn());

    // The browser suspends the AudioContext (the autoplay policy, an iOS interruption) before the
    // next reply arrives (held back by the server's delay fault): the page asks for a click, and the
    // click plays it.
    demo.voice.faults.delay(1_500);
    await holdToTalk(page);
    await page.waitForFunction(() =>
      window.voxstate?.actor.system.get('session')?.getSnapshot().matches('processing'),
    );
    await page.evaluate(() => window.voxstate?.host.context.suspend());
    demo.voice.faults.delay(0);
    await waitForStage(page, 'The reply is waiting', 20_000);
    await page.getByRole('status').filter({ hasText: 'Sound is paused by the browser' }).waitFor();
    await screenshot(page, '11-needs-a-click');
    await page.getByRole('button', { name: 'Play the reply' }).click();
    await waitForStage(page, 'Speaking');

    const interrupts = () =>
      demo.voice.events.filter(
        (e) => e.type === 'request' && e.request === 'interrupt' && e.dialect === 'messageType',
      ).length;
    expect(interrupts()).toBe(0);
    await page.getByRole('button', { name: 'Stop the reply' }).click();
    await waitForStage(page, 'Ready');
    await page.locator('.bubble-agent .tag', { hasText: 'interrupted' }).waitFor();
    await expect.poll(interrupts).toBe(1);
    await screenshot(page, '12-reply-stopped');
  }, 60_000);

  test('barge-in (seed 000): speaking over the reply stops it, the server gets stop_audio, no late audio plays', async () => {
    // Voice activity on; a short heartbeat, whose round trips show when every frame sent before has arrived.
    await page.goto(`${demo.url}?dialect=messageType&heartbeat=300`);
    await waitForDialect(page, 'messageType');
    const interrupts = () =>
      demo.voice.events.filter(
        (e) => e.type === 'request' && e.request === 'interrupt' && e.dialect === 'messageType',
      ).length;
    const before = interrupts();
    await holdToTalk(page);
    // The fake microphone keeps looping its file: its next sentence (or noise burst) speaks over the agent.
    await page.locator('.bubble-agent .tag', { hasText: 'interrupted' }).waitFor({ timeout: 20_000 });
    await screenshot(page, '13-barge-in');
    await waitForStage(page, 'Ready');
    await expect.poll(interrupts).toBe(before + 1);

    // The server ended the reply; two heartbeat round trips later every frame it sent has arrived.
    await expect
      .poll(() => demo.voice.events.some((e) => e.type === 'reply.end' && e.outcome === 'interrupted'))
      .toBe(true);
    await waitForRoundTrips(page, 2);
    const entries = await logEntries(page);
    const bargeIn = entries.filter((e) => e.actor === 'bargeIn').map((e) => `${e.before} → ${e.after}`);
    expect(bargeIn).toContain('armed → ducked');
    expect(bargeIn).toContain('ducked → idle');
    const stop = entries.findIndex((e) => e.actor === 'session' && e.event === 'interrupt');
    expect(entries[stop]?.before).toMatch(/^speaking/);
    expect(entries.slice(stop).filter((e) => e.actor === 'playback' && e.event === 'play')).toEqual([]);
  }, 60_000);

  test('hands-free: speech starts a turn and a pause sends it, without a click', async () => {
    await page.locator('label', { hasText: 'Hands-free' }).click();
    // A new conversation (a fresh event log) whose session takes turns by voice.
    await page.waitForFunction(
      () => window.voxstate?.actor.system.get('session')?.getSnapshot().context.handsFree === true,
    );
    await waitForStage(page, 'Listening…', 15_000);
    await screenshot(page, '14-hands-free-listening');
    await page
      .getByTestId('user-text')
      .filter({ hasText: /speech at/ })
      .waitFor({ timeout: 20_000 });
    await page.getByTestId('reply-text').filter({ hasText: TURN_REPLY }).waitFor({ timeout: 20_000 });

    const session = (await logEntries(page)).filter((e) => e.actor === 'session');
    expect(
      session.some((e) => e.event === 'speech.start' && e.before === 'ready' && e.after === 'recording'),
    ).toBe(true);
    expect(session.some((e) => e.before === 'recording' && e.after?.startsWith('processing'))).toBe(true);
    expect(session.filter((e) => e.event.startsWith('record.'))).toEqual([]);
    await page.locator('label', { hasText: 'Hold to talk' }).click();
  }, 60_000);

  test('the inspector button opens the Stately inspector and the conversation starts over under it, same thread', async () => {
    const thread = await page.getByTestId('thread-id').textContent();
    // The hosted inspector needs the internet: a stand-in page answers for it.
    await page
      .context()
      .route('https://stately.ai/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<title>Stately inspector</title>' }),
      );
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Open the Stately inspector' }).click(),
    ]);
    expect(popup.url()).toMatch(/^https:\/\/stately\.ai\/inspect/);
    await popup.close();
    await page.getByRole('button', { name: 'Reopen the Stately inspector' }).waitFor();
    await waitForStage(page, 'Ready');
    expect(await page.getByTestId('thread-id').textContent()).toBe(thread);
  }, 30_000);
});

/** Presses the talk button without a usable microphone, and returns the page with the notice. */
async function talkWithout(flags: string[], name: string, title: string): Promise<Page> {
  const browser = await launch(flags);
  const page = await openDemo(browser, demo.url);
  page.on('close', () => void browser.close());
  await waitForStage(page, 'Ready');
  await page.getByRole('button', { name: 'Hold to talk' }).click();
  await page.getByRole('alert').filter({ hasText: title }).waitFor({ timeout: 10_000 });
  await screenshot(page, name);
  return page;
}

test('microphone denied: the page says so and how to allow it', async () => {
  const page = await talkWithout(MICROPHONE_DENIED, '15-microphone-denied', 'Microphone blocked');
  expect(await page.getByRole('alert').textContent()).toContain('Set Microphone to Allow for this site.');
  expect(await page.getByRole('button', { name: 'Check again' }).isEnabled()).toBe(true);
  await waitForStage(page, 'Ready');
  await page.close();
}, 30_000);

test('no microphone: the page says so and what to connect', async () => {
  const page = await talkWithout(NO_MICROPHONE, '16-no-microphone', 'No microphone found');
  expect(await page.getByRole('alert').textContent()).toContain('Connect a microphone or a headset.');
  await page.close();
}, 30_000);
