import { expect, test } from 'vitest';
import { num, quantile, summarize } from '../../bench/stats.ts';

test('quantile interpolates between neighbours of sorted values', () => {
  expect(quantile([10, 20, 30, 40, 50], 0.5)).toBe(30);
  expect(quantile([10, 20], 0.5)).toBe(15);
  expect(quantile([0, 100], 0.95)).toBeCloseTo(95);
  expect(quantile([], 0.5)).toBeNaN();
});

test('summarize sorts before it picks, without reordering its input', () => {
  const values = [5, 1, 4, 2, 3];
  expect(summarize(values)).toEqual({ n: 5, min: 1, p50: 3, p95: 4.8, max: 5 });
  expect(values).toEqual([5, 1, 4, 2, 3]);
});

test('num keeps about three significant digits', () => {
  expect([1234.5, 12.34, 1.234, 0.01234].map(num)).toEqual(['1235', '12.3', '1.23', '0.012']);
});
