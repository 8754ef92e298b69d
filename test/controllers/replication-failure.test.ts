/** The ReplicaFailure condition a ReplicaSet or ReplicationController carries while pod writes
 * fail, as Kubernetes' calculateStatus sets and clears it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition } from '../../src/api/kinds.js';
import { failureConditions } from '../../src/controllers/replication/index.js';

const now = Date.parse('2026-04-01T12:00:00Z');
const failure = (reason: string, message: string): Condition => ({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-04-01T11:00:00Z', reason, message });
const other: Condition = { type: 'Other', status: 'True' };

test('ReplicaFailure', async (t) => {
  const cases: { name: string; current: Condition[] | undefined; error: unknown; diff: number; want: Condition[] | undefined; same?: boolean }[] = [
    {
      name: 'a failed create adds FailedCreate with the error', current: undefined, error: new Error('pods "web-" is forbidden: exceeded quota'), diff: -2,
      want: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-04-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "web-" is forbidden: exceeded quota' }],
    },
    {
      name: 'a failed delete adds FailedDelete beside other conditions', current: [other], error: new Error('boom'), diff: 1,
      want: [other, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-04-01T12:00:00Z', reason: 'FailedDelete', message: 'boom' }],
    },
    { name: 'an existing failure is kept as it is', current: [failure('FailedCreate', 'first')], error: new Error('second'), diff: -1, want: [failure('FailedCreate', 'first')], same: true },
    { name: 'a clean sync removes it', current: [other, failure('FailedCreate', 'x')], error: undefined, diff: 0, want: [other] },
    { name: 'the last condition removed leaves none', current: [failure('FailedCreate', 'x')], error: undefined, diff: 0, want: undefined },
    { name: 'nothing failed, nothing recorded', current: [other], error: undefined, diff: 0, want: [other], same: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = failureConditions(c.current, c.error, c.diff, now);
      assert.deepEqual(got, c.want);
      if (c.same) assert.equal(got, c.current, 'unchanged: the same list, so no status write');
    });
  }
});
