import { expect, test } from 'vitest';

test('nodevice probe', async () => {
  const r = await navigator.mediaDevices.getUserMedia({ audio: true }).then(
    () => 'ok',
    (e) => `${e.name}: ${e.message}`,
  );
  console.log('nodevice', r);
  expect(1).toBe(1);
});
