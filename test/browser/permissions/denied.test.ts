import { expect, test } from 'vitest';

test('denied probe', async () => {
  const r = await navigator.mediaDevices.getUserMedia({ audio: true }).then(
    () => 'ok',
    (e) => `${e.name}: ${e.message}`,
  );
  console.log('denied', r);
  expect(1).toBe(1);
});
