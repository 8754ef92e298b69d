/** The rolling-update arithmetic, case by case: surge 1, unavailable 0, old pods assumed
 * available; and a whole simulated rollout never leaves the bounds. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { done, limits, scaleDownTo, scaleUpTo, startLine } from '../../src/cli/rollingupdate/index.js';

describe('rolling-update planner', () => {
  const l3 = limits(3, 3);
  const upCases = [
    { name: 'start: one surge pod', l: l3, c: { oldReplicas: 3, newReplicas: 0, newAvailable: 0 }, want: 1 },
    { name: 'at the surge limit: wait', l: l3, c: { oldReplicas: 3, newReplicas: 1, newAvailable: 0 }, want: undefined },
    { name: 'after a scale-down: one more', l: l3, c: { oldReplicas: 2, newReplicas: 1, newAvailable: 1 }, want: 2 },
    { name: 'old gone: all the way', l: l3, c: { oldReplicas: 0, newReplicas: 1, newAvailable: 1 }, want: 3 },
    { name: 'already there', l: l3, c: { oldReplicas: 1, newReplicas: 3, newAvailable: 3 }, want: undefined },
    { name: 'larger surge is capped at desired', l: limits(5, 2, 4), c: { oldReplicas: 2, newReplicas: 2, newAvailable: 2 }, want: 5 },
  ];
  for (const c of upCases) test(`up: ${c.name}`, () => assert.equal(scaleUpTo(c.l, c.c), c.want));

  const downCases = [
    { name: 'new pod not ready: keep old', l: l3, c: { oldReplicas: 3, newReplicas: 1, newAvailable: 0 }, want: undefined },
    { name: 'new pod ready: one down', l: l3, c: { oldReplicas: 3, newReplicas: 1, newAvailable: 1 }, want: 2 },
    { name: 'new fully available: old to zero', l: l3, c: { oldReplicas: 1, newReplicas: 3, newAvailable: 3 }, want: 0 },
    { name: 'old already zero', l: l3, c: { oldReplicas: 0, newReplicas: 3, newAvailable: 2 }, want: undefined },
    { name: 'resume of the seed: 3 new, 1 old', l: l3, c: { oldReplicas: 1, newReplicas: 3, newAvailable: 3 }, want: 0 },
    { name: 'scale to zero: no availability needed', l: limits(0, 4), c: { oldReplicas: 4, newReplicas: 0, newAvailable: 0 }, want: 0 },
  ];
  for (const c of downCases) test(`down: ${c.name}`, () => assert.equal(scaleDownTo(c.l, c.c), c.want));

  test('the seed line', () => {
    assert.equal(startLine('nginx-rc-pod-1f74', 0, 'nginx-rc-pod', 3, l3),
      "Scaling up nginx-rc-pod-1f74 from 0 to 3, scaling down nginx-rc-pod from 3 to 0 (keep 3 pods available, don't exceed 4 pods)");
  });

  for (const desired of [1, 2, 3, 5, 8]) {
    test(`a rollout of ${desired} stays within [desired, desired+1] and ends`, () => {
      const l = limits(desired, desired);
      let oldR = desired, newR = 0, ready = 0;
      for (let round = 0; !done(l, { oldReplicas: oldR, newReplicas: newR }); round++) {
        assert.ok(round < 100, 'no progress');
        newR = scaleUpTo(l, { oldReplicas: oldR, newReplicas: newR, newAvailable: ready }) ?? newR;
        assert.ok(oldR + newR <= desired + 1, `too many pods: ${oldR}+${newR}`);
        // Half the time the new pods are not ready yet at the first look.
        const seen = round % 2 ? ready : newR;
        oldR = scaleDownTo(l, { oldReplicas: oldR, newReplicas: newR, newAvailable: seen }) ?? oldR;
        assert.ok(oldR + seen >= desired, `too few available: ${oldR}+${seen}`);
        ready = newR;
      }
      assert.equal(newR, desired);
    });
  }
});
