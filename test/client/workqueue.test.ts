/** The work queue's promises: dedupe, never one key twice at once, back-off on failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../src/client/index.js';

test('a key queued many times before it runs is worked once', async () => {
  const q = new WorkQueue();
  const seen: string[] = [];
  for (let i = 0; i < 9; i++) q.add('ns/a');
  q.add('ns/b');
  const run = q.run(3, async (k) => {
    seen.push(k);
  });
  await new Promise((r) => setTimeout(r, 30));
  q.shutDown();
  await run;
  assert.deepEqual(seen.sort(), ['ns/a', 'ns/b']);
});

test('a key added while in progress runs again after, never concurrently', async () => {
  const q = new WorkQueue();
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  q.add('k');
  const run = q.run(4, async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    runs++;
    if (runs === 1) {
      q.add('k');
      q.add('k');
    }
    await new Promise((r) => setTimeout(r, 20));
    running--;
  });
  await new Promise((r) => setTimeout(r, 120));
  q.shutDown();
  await run;
  assert.equal(maxRunning, 1);
  assert.equal(runs, 2);
});

test('failures come back with growing delays, success resets', async () => {
  const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 1000 });
  const times: number[] = [];
  const start = Date.now();
  q.add('flaky');
  const run = q.run(1, async () => {
    times.push(Date.now() - start);
    if (times.length < 4) throw new Error('not yet');
  });
  await new Promise((r) => setTimeout(r, 250));
  q.shutDown();
  await run;
  assert.equal(times.length, 4);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(gaps[0]! >= 9 && gaps[1]! >= 19 && gaps[2]! >= 39, `gaps ${gaps.join(',')}`);
});
