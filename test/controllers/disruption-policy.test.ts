/** The PodDisruptionBudget arithmetic: expected and desired-healthy counts from ints, percentages
 * and maxUnavailable; which recent evictions still count; healthy pods; the allowed count and the
 * DisruptionAllowed condition; and budget validation. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodDisruptionBudget, PodDisruptionBudgetStatus } from '../../src/api/kinds.js';
import {
  budgetStatus, countHealthy, deletionTimeoutMs, disruptedPods, expectedPods, failSafeStatus, needsScale, scaledValue,
} from '../../src/controllers/disruption/index.js';
import { validateObject } from '../../src/api/validation/index.js';
import { causes } from '../helpers/builders.js';

function pdb(spec: PodDisruptionBudget['spec'], status?: Partial<PodDisruptionBudgetStatus>, generation = 1): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
    metadata: { name: 'b', namespace: 'ns', generation },
    spec: { selector: { matchLabels: { app: 'a' } }, ...spec },
    ...(status ? { status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...status } } : {}),
  };
}

function pod(name: string, opts: { ready?: boolean; deleting?: boolean } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', labels: { app: 'a' }, ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  } as Pod;
}

describe('expected and desired healthy pods', () => {
  const cases: { name: string; spec: PodDisruptionBudget['spec']; pods: number; scale: number; want: { expectedCount: number; desiredHealthy: number }; scaled: boolean }[] = [
    { name: 'int minAvailable counts the selected pods', spec: { minAvailable: 2 }, pods: 3, scale: 7, want: { expectedCount: 3, desiredHealthy: 2 }, scaled: false },
    { name: 'percent minAvailable rounds up against the scale', spec: { minAvailable: '50%' }, pods: 2, scale: 5, want: { expectedCount: 5, desiredHealthy: 3 }, scaled: true },
    { name: 'int maxUnavailable', spec: { maxUnavailable: 1 }, pods: 4, scale: 4, want: { expectedCount: 4, desiredHealthy: 3 }, scaled: true },
    { name: 'percent maxUnavailable rounds the unavailable up', spec: { maxUnavailable: '30%' }, pods: 4, scale: 4, want: { expectedCount: 4, desiredHealthy: 2 }, scaled: true },
    { name: 'maxUnavailable above the scale floors at 0', spec: { maxUnavailable: 5 }, pods: 2, scale: 2, want: { expectedCount: 2, desiredHealthy: 0 }, scaled: true },
    { name: 'minAvailable 100%', spec: { minAvailable: '100%' }, pods: 3, scale: 3, want: { expectedCount: 3, desiredHealthy: 3 }, scaled: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const b = pdb(c.spec);
      assert.equal(needsScale(b), c.scaled);
      assert.deepEqual(expectedPods(b, c.pods, () => c.scale), c.want);
    });
  }
  test('scaledValue', () => {
    assert.deepEqual([scaledValue(3, 10), scaledValue('10%', 10), scaledValue('15%', 10), scaledValue('0%', 9)], [3, 1, 2, 0]);
    assert.throws(() => scaledValue('x', 1));
  });
});

describe('disrupted pods and healthy pods', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  test('entries stay while the pod runs and is recent; expire after the deletion timeout; go with terminating or vanished pods', () => {
    const b = pdb({ minAvailable: 1 }, {
      disruptedPods: { fresh: iso(now - 1000), old: iso(now - deletionTimeoutMs - 1000), going: iso(now - 1000), vanished: iso(now - 1000) },
    });
    const pods = [pod('fresh'), pod('old'), pod('going', { deleting: true }), pod('other')];
    const d = disruptedPods(b, pods, now);
    assert.deepEqual(d.map, { fresh: iso(now - 1000) });
    assert.deepEqual(d.expired, ['old']);
    assert.equal(d.recheckAt, now - 1000 + deletionTimeoutMs);
    // fresh is disrupted, going is terminating, not-ready does not count.
    assert.equal(countHealthy([...pods, pod('sick', { ready: false })], d.map), 2);
  });
});

describe('status', () => {
  const cases: { name: string; expected: { expectedCount: number; desiredHealthy: number }; healthy: number; allowed: number; reason: string }[] = [
    { name: 'spare healthy pods are allowed disruptions', expected: { expectedCount: 4, desiredHealthy: 3 }, healthy: 4, allowed: 1, reason: 'SufficientPods' },
    { name: 'exactly the desired: none', expected: { expectedCount: 4, desiredHealthy: 3 }, healthy: 3, allowed: 0, reason: 'InsufficientPods' },
    { name: 'under the desired: none, never negative', expected: { expectedCount: 4, desiredHealthy: 3 }, healthy: 1, allowed: 0, reason: 'InsufficientPods' },
    { name: 'no pod expected: none', expected: { expectedCount: 0, desiredHealthy: 0 }, healthy: 0, allowed: 0, reason: 'InsufficientPods' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = budgetStatus(pdb({ minAvailable: 1 }, undefined, 3), c.expected, c.healthy, {});
      assert.deepEqual(
        [s.disruptionsAllowed, s.currentHealthy, s.desiredHealthy, s.expectedPods, s.observedGeneration],
        [c.allowed, c.healthy, c.expected.desiredHealthy, c.expected.expectedCount, 3],
      );
      const cond = s.conditions?.find((x) => x.type === 'DisruptionAllowed');
      assert.deepEqual([cond?.status, cond?.reason, cond?.observedGeneration], [c.allowed > 0 ? 'True' : 'False', c.reason, 3]);
    });
  }
  test('the transition time moves only when the condition status changes', () => {
    const first = budgetStatus(pdb({ minAvailable: 1 }), { expectedCount: 2, desiredHealthy: 1 }, 2, {});
    const stamp = '2000-01-01T00:00:00Z';
    first.conditions![0]!.lastTransitionTime = stamp;
    const again = budgetStatus(pdb({ minAvailable: 1 }, first), { expectedCount: 3, desiredHealthy: 1 }, 3, {});
    assert.equal(again.conditions![0]!.lastTransitionTime, stamp);
    const flipped = budgetStatus(pdb({ minAvailable: 1 }, first), { expectedCount: 3, desiredHealthy: 3 }, 3, {});
    assert.notEqual(flipped.conditions![0]!.lastTransitionTime, stamp);
  });
  test('a failed sync allows nothing and says why', () => {
    const s = failSafeStatus(pdb({ maxUnavailable: 1 }, { disruptionsAllowed: 2 }, 2), 'found no controllers for pod "x"');
    const cond = s.conditions?.find((x) => x.type === 'DisruptionAllowed');
    assert.deepEqual([s.disruptionsAllowed, s.observedGeneration, cond?.status, cond?.reason, cond?.message], [0, 2, 'False', 'SyncFailed', 'found no controllers for pod "x"']);
  });
});

describe('validation', () => {
  const cases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
    { name: 'an int minAvailable', spec: { minAvailable: 2 }, want: [] },
    { name: 'a percent maxUnavailable', spec: { maxUnavailable: '25%' }, want: [] },
    { name: 'neither bound (allowed, as Kubernetes)', spec: {}, want: [] },
    { name: 'both bounds', spec: { minAvailable: 1, maxUnavailable: 1 }, want: ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set'] },
    { name: 'negative', spec: { minAvailable: -1 }, want: ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'over 100%', spec: { maxUnavailable: '101%' }, want: ['spec.maxUnavailable: Invalid value: "101%": must not be greater than 100%'] },
    {
      name: 'not a percentage',
      spec: { minAvailable: 'half' },
      want: ['spec.minAvailable: Invalid value: "half": a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')'],
    },
    {
      name: 'an unknown unhealthy-pod eviction policy',
      spec: { minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' },
      want: ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const obj = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', namespace: 'ns' }, spec: { selector: { matchLabels: { app: 'a' } }, ...c.spec } };
      assert.deepEqual(causes(validateObject('PodDisruptionBudget', obj)), c.want);
    });
  }
});
