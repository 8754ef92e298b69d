/** The fuzz suite in CI: a short run of the hostile-input generator against `skiff up` started as
 * a process (about 1,500 requests on a random seed, printed on failure so the run can be
 * repeated with `node dist/test/fuzz/main.js --requests 1500 --seed S`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './run.js';

test('hostile requests never take skiff down, and every answer is Kubernetes\' answer', { timeout: 240_000 }, async () => {
  const seed = Math.floor(Math.random() * 2 ** 31);
  const requests = 1400 + Math.floor(Math.random() * 200);
  const result = await runFuzz({ requests, seed, idleConnections: 200 });
  const repeat = `repeat with: node dist/test/fuzz/main.js --requests ${requests} --seed ${seed}`;
  const failures = result.failures.map((f) => `[${f.rule}] ${f.request ?? ''}\n  → ${f.detail}`);
  assert.deepEqual(failures, [], `seed ${seed}: ${failures.length} invariants broken (${repeat}):\n${failures.slice(0, 10).join('\n')}`);
  // What the run saw: enough answered that the checks above meant something.
  const answered = Object.entries(result.answers).filter(([k]) => /^\d+$/.test(k)).reduce((s, [, n]) => s + n, 0);
  assert.ok(answered > requests * 0.6, `seed ${seed}: only ${answered} of ${requests} requests were answered: ${JSON.stringify(result.answers)} (${repeat})`);
  assert.ok(result.kept.created >= Math.floor(requests / 20) - 5, `seed ${seed}: only ${result.kept.created} well-formed creates succeeded (${repeat})`);
  assert.ok(result.rss.peakMB !== undefined && result.rss.boundMB !== undefined, 'RSS was measured');
});
