/** The scheduling queue: priority then FIFO, backoff doubling to a cap, parking of unschedulable
 * pods and their return when the cluster changes (driven by a fake clock). */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Pod } from '../../src/api/kinds.js';
import { SchedulingQueue } from '../../src/scheduler/queue.js';
import { podBuilder } from '../helpers/builders.js';
import { pod } from './helpers.js';

let now = 0;
const queues: SchedulingQueue[] = [];
function queue(): SchedulingQueue {
  now = 1_000_000;
  const q = new SchedulingQueue({ now: () => now });
  queues.push(q);
  return q;
}
afterEach(() => {
  for (const q of queues.splice(0)) q.close();
});

const p = (name: string, priority?: number): Pod => pod(podBuilder(name).podField('priority', priority));

function drain(q: SchedulingQueue): string[] {
  const out: string[] = [];
  for (let e = q.tryPop(); e; e = q.tryPop()) out.push(e.pod.metadata.name ?? '');
  return out;
}

test('higher priority first, then first in first out', () => {
  const q = queue();
  for (const [name, prio] of [['a', 0], ['b', 10], ['c', 0], ['d', 10], ['e', -5], ['f', undefined]] as const) q.add(p(name, prio));
  assert.deepEqual(drain(q), ['b', 'd', 'a', 'c', 'f', 'e']);
});

test('adding a queued pod again keeps one entry', () => {
  const q = queue();
  const a = p('a');
  q.add(a);
  q.add({ ...a });
  assert.equal(q.size, 1);
  assert.deepEqual(drain(q), ['a']);
});

test('backoff doubles from 1s and stops at 10s', () => {
  const q = queue();
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => q.backoffMs(n)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('an unschedulable pod is parked until the cluster changes, then waits out its backoff', () => {
  const q = queue();
  q.add(p('stuck'));
  const e = q.tryPop()!;
  q.unschedulableAgain(e);
  assert.equal(q.where('default/stuck'), 'unschedulable');
  now += 60_000 - 1;
  assert.equal(q.tryPop(), undefined);
  q.moveAllToActive();
  // Backoff (1s) has long run out: straight to active.
  assert.equal(q.where('default/stuck'), 'active');
  const again = q.tryPop()!;
  assert.equal(again.attempts, 1);
  q.unschedulableAgain(again);
  q.moveAllToActive();
  assert.equal(q.where('default/stuck'), 'backoff', 'second failure: 2s backoff not over yet');
  now += 1999;
  q.flushBackoff();
  assert.equal(q.where('default/stuck'), 'backoff');
  now += 1;
  q.flushBackoff();
  assert.deepEqual(drain(q), ['stuck']);
});

test('a cluster change while the pod was in flight sends it to backoff, not to the parking lot', () => {
  const q = queue();
  q.add(p('racer'));
  const e = q.tryPop()!;
  q.moveAllToActive();
  q.unschedulableAgain(e);
  assert.equal(q.where('default/racer'), 'backoff');
  now += 1000;
  q.flushBackoff();
  assert.deepEqual(drain(q), ['racer']);
});

test('a parked pod whose spec changes goes back; a status-only change does not move it', () => {
  const q = queue();
  const orig = p('edited');
  q.add(orig);
  q.unschedulableAgain(q.tryPop()!);
  q.add({ ...orig, status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } });
  assert.equal(q.where('default/edited'), 'unschedulable');
  q.add({ ...orig, spec: { ...orig.spec, nodeSelector: { disk: 'ssd' } } });
  assert.equal(q.where('default/edited'), 'backoff');
});

test('pods parked longer than the limit come back without an event', () => {
  const q = queue();
  q.add(p('forgotten'));
  q.unschedulableAgain(q.tryPop()!);
  now += 59_000;
  q.flushLeftovers();
  assert.equal(q.where('default/forgotten'), 'unschedulable');
  now += 1000;
  q.flushLeftovers();
  assert.equal(q.where('default/forgotten'), 'active');
});

test('deleted pods leave every queue', () => {
  const q = queue();
  q.add(p('a'));
  q.add(p('b'));
  q.unschedulableAgain(q.tryPop()!);
  q.delete('default/a');
  q.delete('default/b');
  assert.equal(q.size, 0);
  q.moveAllToActive();
  assert.deepEqual(drain(q), []);
});

test('done removes a bound pod; retryLater backs off', () => {
  const q = queue();
  q.add(p('a'));
  q.add(p('b'));
  const a = q.tryPop()!;
  const b = q.tryPop()!;
  q.done(a);
  q.retryLater(b);
  assert.equal(q.where('default/a'), undefined);
  assert.equal(q.where('default/b'), 'backoff');
});

test('pop waits for a pod and close releases waiters', async () => {
  const q = queue();
  const waiting = q.pop();
  q.add(p('late'));
  assert.equal((await waiting)?.pod.metadata.name, 'late');
  const never = q.pop();
  q.close();
  assert.equal(await never, undefined);
});

test('backoff expires on its own timer', async () => {
  const q = new SchedulingQueue({ initialBackoffMs: 30 });
  queues.push(q);
  q.add(p('timed'));
  q.retryLater(q.tryPop()!);
  assert.equal(q.where('default/timed'), 'backoff');
  const e = await q.pop();
  assert.equal(e?.pod.metadata.name, 'timed');
});
