import { expect, test } from 'vitest';
import { bundleSize } from '../../bench/size/bundle.ts';
import { CORE, CORE_BUDGET_BYTES, MACHINES, ROOT } from '../../bench/size/entries.ts';

// Sizes are deterministic: the same sources and esbuild give the same bytes, so this is a fair test.
test('the core as an app imports it, XState included, stays within its gzipped budget', async () => {
  const core = await bundleSize(CORE.contents, ROOT);
  const machines = await bundleSize(MACHINES.contents, ROOT);
  expect(core.gzipped).toBeLessThanOrEqual(CORE_BUDGET_BYTES);
  // The entry really is the whole core: the statecharts and XState are in it, and more.
  expect(core.gzipped).toBeGreaterThan(machines.gzipped);
  expect(new TextDecoder().decode(core.code)).toContain('WebSocket');
}, 60_000);
