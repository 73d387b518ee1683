/** Debian's Chromium: no browser download works on these machines (never `playwright install`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags of every launch: headless-safe, no network chatter, audio that plays without a gesture. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];
