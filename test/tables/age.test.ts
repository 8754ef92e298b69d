/** Ages exactly as Kubernetes' HumanDuration prints them, at each boundary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, shortHumanDuration, since } from '../../src/apiserver/tables/index.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

void test('humanDuration at each boundary', () => {
  const cases: [string, number, string][] = [
    ['clock skew below -1s is invalid', -2 * s, '<invalid>'],
    ['up to a second of skew is now', -1500, '0s'],
    ['just under a second', 999, '0s'],
    ['seconds', 45 * s, '45s'],
    ['seconds until two minutes', 119 * s + 999, '119s'],
    ['two minutes exactly', 2 * m, '2m'],
    ['minutes and seconds below ten minutes', 2 * m + 5 * s, '2m5s'],
    ['9m59s', 10 * m - s, '9m59s'],
    ['ten minutes drops seconds', 10 * m + 30 * s, '10m'],
    ['minutes until three hours', 3 * h - s, '179m'],
    ['three hours', 3 * h, '3h'],
    ['hours and minutes below eight hours', 5 * h + 12 * m, '5h12m'],
    ['7h59m', 8 * h - m, '7h59m'],
    ['eight hours drops minutes', 8 * h + 30 * m, '8h'],
    ['hours until two days', 47 * h + 59 * m, '47h'],
    ['two days', 2 * d, '2d'],
    ['days and hours below eight days', 3 * d + 4 * h, '3d4h'],
    ['eight days drops hours', 8 * d + 5 * h, '8d'],
    ['days until two years', 2 * y - h, '729d'],
    ['two years', 2 * y, '2y'],
    ['years and days below eight years', 3 * y + 12 * d, '3y12d'],
    ['eight years and beyond', 9 * y + 100 * d, '9y'],
  ];
  for (const [name, ms, want] of cases) assert.equal(humanDuration(ms), want, name);
});

void test('shortHumanDuration', () => {
  const cases: [number, string][] = [[-5 * s, '<invalid>'], [59 * s, '59s'], [61 * s, '1m'], [59 * m, '59m'], [23 * h, '23h'], [400 * d, '1y'], [30 * d, '30d']];
  for (const [ms, want] of cases) assert.equal(shortHumanDuration(ms), want, want);
});

void test('since formats a timestamp relative to now, <unknown> when absent', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(since('2024-05-01T11:55:00Z', now), '5m');
  assert.equal(since('2024-04-29T09:00:00Z', now), '2d3h');
  assert.equal(since(undefined, now), '<unknown>');
  assert.equal(since('', now), '<unknown>');
  assert.equal(since('not a time', now), '<unknown>');
});
