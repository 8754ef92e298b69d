/** The deployment controller's pure parts without a server: the pod-template-hash, rolling
 * fenceposts and step sizes, proportional scaling, revision annotations, progress conditions,
 * history cleanup. Table-driven; ReplicaSets and deployments come from small builders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodTemplateSpec } from '../../src/api/kinds.js';
import {
  computeHash, deploymentComplete, equalIgnoreHash, findActiveOrLatest, fnv32a, healthyScaleDown, isScalingEvent, maxScaledDown,
  maxSurge, maxUnavailable, newRSNewReplicas, oldPodsRunning, proportionalSizes, replicaSetsToCleanUp, resolveFenceposts, rolloutStatus,
  safeEncodeString, setNewReplicaSetAnnotations, unhealthyCleanup, type Deployment, type DeploymentCondition, type ReplicaSet,
} from '../../src/controllers/deployment/index.js';

const t0 = Date.parse('2026-03-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function template(image = 'nginx', labels: Record<string, string> = { app: 'web' }): PodTemplateSpec {
  return { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } } as PodTemplateSpec;
}

interface DeployOpts {
  replicas?: number;
  surge?: number | string;
  unavailable?: number | string;
  recreate?: boolean;
  generation?: number;
  status?: Deployment['status'];
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
}

function deploy(o: DeployOpts = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: o.generation ?? 1 },
    spec: {
      replicas: o.replicas ?? 10,
      selector: { matchLabels: { app: 'web' } },
      template: template(),
      strategy: o.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.surge ?? '25%', maxUnavailable: o.unavailable ?? '25%' } },
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
    },
    ...(o.status ? { status: o.status } : {}),
  };
}

let serial = 0;
interface RsOpts {
  size: number;
  available?: number;
  actual?: number;
  ready?: number;
  age?: number;
  revision?: number;
  max?: number;
  desired?: number;
  generation?: number;
  observed?: number;
}

function rs(name: string, o: RsOpts): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(o.revision);
  if (o.max !== undefined) annotations['deployment.kubernetes.io/max-replicas'] = String(o.max);
  if (o.desired !== undefined) annotations['deployment.kubernetes.io/desired-replicas'] = String(o.desired);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}-${serial++}`, creationTimestamp: iso(t0 - (o.age ?? 0) * 1000), annotations, generation: o.generation ?? 1 },
    spec: { replicas: o.size, template: template(name) },
    status: { replicas: o.actual ?? o.size, availableReplicas: o.available ?? 0, readyReplicas: o.ready ?? o.available ?? 0, observedGeneration: o.observed ?? 1 },
  };
}

const sizesByName = (m: Map<ReplicaSet, number>) => Object.fromEntries([...m].map(([r, n]) => [r.metadata.name, n]));

test('pod-template-hash', async (t) => {
  await t.test('FNV-32a test vectors', () => {
    for (const [input, want] of [['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968]] as const) {
      assert.equal(fnv32a(Buffer.from(input)), want, input);
    }
  });
  await t.test('SafeEncodeString maps digits into the consonant alphabet', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });
  const base = computeHash(template());
  const cases: { name: string; other: string; same: boolean }[] = [
    { name: 'the same template hashes the same', other: computeHash(template()), same: true },
    { name: 'key order does not matter', other: computeHash({ spec: { containers: [{ image: 'nginx', name: 'app' }] }, metadata: { labels: { app: 'web' } } } as PodTemplateSpec), same: true },
    { name: 'empty maps are no change', other: computeHash({ ...template(), metadata: { labels: { app: 'web' }, annotations: {} } } as PodTemplateSpec), same: true },
    { name: 'another image hashes differently', other: computeHash(template('httpd')), same: false },
    { name: 'another label hashes differently', other: computeHash(template('nginx', { app: 'web', tier: 'x' })), same: false },
    { name: 'a collision count hashes differently', other: computeHash(template(), 0), same: false },
    { name: 'each collision count differently', other: computeHash(template(), 1), same: computeHash(template(), 1) === computeHash(template(), 0) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.match(c.other, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
      assert.equal(c.other === base, c.same);
    });
  }
  await t.test('equality ignores the hash label', () => {
    assert.ok(equalIgnoreHash(template('nginx', { app: 'web', 'pod-template-hash': base }), template()));
    assert.ok(!equalIgnoreHash(template('httpd', { app: 'web', 'pod-template-hash': base }), template()));
  });
});

test('fenceposts: surge rounds up, unavailable rounds down, never both 0', async (t) => {
  const cases: { name: string; surge: number | string; unavailable: number | string; replicas: number; want: { surge: number; unavailable: number } }[] = [
    { name: 'defaults of 10', surge: '25%', unavailable: '25%', replicas: 10, want: { surge: 3, unavailable: 2 } },
    { name: 'defaults of 1', surge: '25%', unavailable: '25%', replicas: 1, want: { surge: 1, unavailable: 0 } },
    { name: 'defaults of 3', surge: '25%', unavailable: '25%', replicas: 3, want: { surge: 1, unavailable: 0 } },
    { name: 'ints as given', surge: 2, unavailable: 1, replicas: 7, want: { surge: 2, unavailable: 1 } },
    { name: 'half and half of 3', surge: '50%', unavailable: '50%', replicas: 3, want: { surge: 2, unavailable: 1 } },
    { name: 'zero surge, unavailable rounding to 0 becomes 1', surge: 0, unavailable: '10%', replicas: 5, want: { surge: 0, unavailable: 1 } },
    { name: '100% surge', surge: '100%', unavailable: 0, replicas: 4, want: { surge: 4, unavailable: 0 } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(resolveFenceposts(c.surge, c.unavailable, c.replicas), c.want));
  await t.test('maxUnavailable is capped at replicas, 0 for Recreate', () => {
    assert.equal(maxUnavailable(deploy({ replicas: 3, unavailable: 5, surge: 0 })), 3);
    assert.equal(maxUnavailable(deploy({ recreate: true })), 0);
    assert.equal(maxSurge(deploy({ recreate: true })), 0);
    assert.equal(maxUnavailable(deploy({ replicas: 0 })), 0);
  });
});

test('rolling step sizes', async (t) => {
  await t.test('the new ReplicaSet grows within replicas + surge', async (tt) => {
    const cases: { name: string; d: Deployment; old: number; fresh: number; want: number }[] = [
      { name: 'first step from 10 old, surge 3', d: deploy({ replicas: 10, surge: 3 }), old: 10, fresh: 0, want: 3 },
      { name: 'no room: total at the limit', d: deploy({ replicas: 10, surge: 3 }), old: 8, fresh: 5, want: 5 },
      { name: 'never above replicas', d: deploy({ replicas: 4, surge: 4 }), old: 1, fresh: 3, want: 4 },
      { name: 'surge 0 waits for old to shrink', d: deploy({ replicas: 4, surge: 0, unavailable: 1 }), old: 3, fresh: 1, want: 1 },
      { name: 'Recreate takes the full size', d: deploy({ replicas: 6, recreate: true }), old: 0, fresh: 0, want: 6 },
    ];
    for (const c of cases) {
      await tt.test(c.name, () => {
        const n = rs('new', { size: c.fresh });
        assert.equal(newRSNewReplicas(c.d, [rs('old', { size: c.old }), n], n), c.want);
      });
    }
  });
  await t.test('old ReplicaSets shrink while enough stay available', async (tt) => {
    const cases: { name: string; d: Deployment; olds: RsOpts[]; fresh: RsOpts; budget: number; unhealthy: Record<string, number>; healthy: Record<string, number> }[] = [
      {
        name: 'new pods not available yet: nothing may go',
        d: deploy({ replicas: 4, surge: 1, unavailable: 0 }), olds: [{ size: 4, available: 4 }], fresh: { size: 1, available: 0 },
        budget: 0, unhealthy: {}, healthy: {},
      },
      {
        name: 'one new available: one old may go',
        d: deploy({ replicas: 4, surge: 1, unavailable: 0 }), olds: [{ size: 4, available: 4 }], fresh: { size: 1, available: 1 },
        budget: 1, unhealthy: {}, healthy: { old0: 3 },
      },
      {
        name: 'unhealthy old replicas go first, oldest ReplicaSet first',
        d: deploy({ replicas: 10, surge: 3, unavailable: 2 }), olds: [{ size: 5, available: 5, age: 20 }, { size: 5, available: 2, age: 10 }], fresh: { size: 3, available: 0 },
        budget: 2, unhealthy: { old1: 3 }, healthy: {},
      },
      {
        name: 'an old ReplicaSet whose status still counts more available pods than its size is left alone',
        d: deploy({ replicas: 10, surge: 3, unavailable: 2 }), olds: [{ size: 5, available: 8, actual: 8, age: 20 }, { size: 5, available: 3, age: 10 }], fresh: { size: 3, available: 3 },
        budget: 5, unhealthy: { old1: 3 }, healthy: {},
      },
      {
        name: 'several old ReplicaSets: the oldest shrinks first',
        d: deploy({ replicas: 6, surge: 0, unavailable: 3 }), olds: [{ size: 2, available: 2, age: 30 }, { size: 4, available: 4, age: 20 }], fresh: { size: 0 },
        budget: 3, unhealthy: {}, healthy: { old0: 0, old1: 3 },
      },
    ];
    for (const c of cases) {
      await tt.test(c.name, () => {
        const olds = c.olds.map((o, i) => rs(`old${i}`, o));
        const fresh = rs('new', c.fresh);
        const all = [...olds, fresh];
        const budget = maxScaledDown(c.d, all, fresh);
        assert.equal(Math.max(0, budget), c.budget);
        assert.deepEqual(sizesByName(unhealthyCleanup(olds, Math.max(0, budget))), c.unhealthy);
        if (Object.keys(c.unhealthy).length === 0) assert.deepEqual(sizesByName(healthyScaleDown(c.d, all, olds)), c.healthy);
      });
    }
  });
});

test('proportional scaling during a rollout', async (t) => {
  const cases: { name: string; d: Deployment; sets: [string, RsOpts][]; want: Record<string, number> }[] = [
    {
      name: '10 → 20 keeps a 6:4 split', d: deploy({ replicas: 20, surge: 0, unavailable: 1 }),
      sets: [['old', { size: 6, max: 10, age: 10 }], ['new', { size: 4, max: 10 }]], want: { old: 12, new: 8 },
    },
    {
      name: '10 → 5 halves both', d: deploy({ replicas: 5, surge: 0, unavailable: 1 }),
      sets: [['old', { size: 6, max: 10, age: 10 }], ['new', { size: 4, max: 10 }]], want: { old: 3, new: 2 },
    },
    {
      name: 'rounding leftovers go to the largest (newest on a tie) when growing', d: deploy({ replicas: 4, surge: 0, unavailable: 1 }),
      sets: [['a', { size: 1, max: 3, age: 30 }], ['b', { size: 1, max: 3, age: 20 }], ['c', { size: 1, max: 3, age: 10 }]], want: { a: 1, b: 1, c: 2 },
    },
    {
      name: 'with surge the target is replicas + surge', d: deploy({ replicas: 20, surge: 2, unavailable: 0 }),
      sets: [['old', { size: 8, max: 12, age: 10 }], ['new', { size: 4, max: 12 }]], want: { old: 15, new: 7 },
    },
    {
      name: 'to zero everything goes', d: deploy({ replicas: 0 }),
      sets: [['old', { size: 3, max: 5, age: 10 }], ['new', { size: 2, max: 5 }]], want: { old: 0, new: 0 },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const sets = c.sets.map(([n, o]) => rs(n, o));
      const sizes = proportionalSizes(c.d, sets);
      assert.deepEqual(sizesByName(sizes), c.want);
    });
  }
  await t.test('a scaling event is an active ReplicaSet sized for another deployment size', () => {
    const d = deploy({ replicas: 5 });
    assert.ok(isScalingEvent(d, rs('new', { size: 3, desired: 3 }), []));
    assert.ok(!isScalingEvent(d, rs('new', { size: 5, desired: 5 }), [rs('old', { size: 0, desired: 3 })]), 'inactive ones do not count');
  });
  await t.test('the one active ReplicaSet, else the newest', () => {
    const older = rs('older', { size: 0, age: 20 });
    const newer = rs('newer', { size: 0, age: 10 });
    assert.equal(findActiveOrLatest(undefined, [older, newer]), newer);
    assert.equal(findActiveOrLatest(rs('n', { size: 2 }), [older])?.metadata.name, 'n');
    assert.equal(findActiveOrLatest(rs('n', { size: 2 }), [rs('o', { size: 1 })]), undefined);
  });
});

test('revision annotations: a rolled-back ReplicaSet remembers its past revisions', async (t) => {
  const cases: { name: string; before: Record<string, string>; next: number; exists: boolean; want: Record<string, string> }[] = [
    {
      name: 'a new ReplicaSet gets the revision and the replicas annotations', before: {}, next: 1, exists: false,
      want: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13', note: 'copied' },
    },
    {
      name: 'rolled back to: revision up, old one into history', before: { 'deployment.kubernetes.io/revision': '1' }, next: 3, exists: true,
      want: { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1', note: 'copied' },
    },
    {
      name: 'history grows', before: { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' }, next: 5, exists: true,
      want: { 'deployment.kubernetes.io/revision': '5', 'deployment.kubernetes.io/revision-history': '1,3', note: 'copied' },
    },
    {
      name: 'already the newest: unchanged', before: { 'deployment.kubernetes.io/revision': '4' }, next: 4, exists: true,
      want: { 'deployment.kubernetes.io/revision': '4', note: 'copied' },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const d = deploy();
      d.metadata.annotations = { note: 'copied', 'deployment.kubernetes.io/revision': '9', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
      const r = rs('x', { size: 0 });
      r.metadata.annotations = { ...c.before };
      setNewReplicaSetAnnotations(d, r, c.next, c.exists, 10, 13);
      assert.deepEqual(r.metadata.annotations, c.want);
    });
  }
});

test('progress conditions', async (t) => {
  const progressing = (reason: string, updatedAgo: number, status: DeploymentCondition['status'] = 'True'): DeploymentCondition =>
    ({ type: 'Progressing', status, reason, message: '', lastUpdateTime: iso(t0 - updatedAgo * 1000), lastTransitionTime: iso(t0 - updatedAgo * 1000) });
  const cases: { name: string; d: Deployment; sets: [string, RsOpts][]; reason: string | undefined; available: string }[] = [
    {
      name: 'complete', d: deploy({ replicas: 3, status: { replicas: 3, updatedReplicas: 2, availableReplicas: 2, conditions: [progressing('ReplicaSetUpdated', 5)] } }),
      sets: [['new', { size: 3, available: 3 }]], reason: 'NewReplicaSetAvailable', available: 'MinimumReplicasAvailable',
    },
    {
      name: 'progress refreshes ReplicaSetUpdated', d: deploy({ replicas: 3, status: { replicas: 4, updatedReplicas: 1, availableReplicas: 3, conditions: [progressing('NewReplicaSetCreated', 5)] } }),
      sets: [['old', { size: 2, available: 2, age: 10 }], ['new', { size: 2, available: 1 }]], reason: 'ReplicaSetUpdated', available: 'MinimumReplicasAvailable',
    },
    {
      name: 'no progress past the deadline', d: deploy({ replicas: 2, progressDeadlineSeconds: 30, status: { replicas: 2, updatedReplicas: 2, availableReplicas: 0, conditions: [progressing('NewReplicaSetCreated', 31)] } }),
      sets: [['new', { size: 2, available: 0 }]], reason: 'ProgressDeadlineExceeded', available: 'MinimumReplicasUnavailable',
    },
    {
      name: 'no progress within the deadline', d: deploy({ replicas: 2, progressDeadlineSeconds: 30, status: { replicas: 2, updatedReplicas: 2, availableReplicas: 0, conditions: [progressing('NewReplicaSetCreated', 29)] } }),
      sets: [['new', { size: 2, available: 0 }]], reason: 'NewReplicaSetCreated', available: 'MinimumReplicasUnavailable',
    },
    {
      name: 'a finished rollout never times out', d: deploy({ replicas: 2, progressDeadlineSeconds: 30, status: { replicas: 2, updatedReplicas: 2, availableReplicas: 2, conditions: [progressing('NewReplicaSetAvailable', 100)] } }),
      sets: [['new', { size: 2, available: 1 }]], reason: 'NewReplicaSetAvailable', available: 'MinimumReplicasUnavailable',
    },
    {
      name: 'no deadline: no Progressing condition', d: deploy({ replicas: 1, progressDeadlineSeconds: 2147483647, status: { conditions: [progressing('ReplicaSetUpdated', 1)] } }),
      sets: [['new', { size: 1, available: 1 }]], reason: undefined, available: 'MinimumReplicasAvailable',
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const sets = c.sets.map(([n, o]) => rs(n, o));
      const fresh = sets.find((s) => s.metadata.name === 'new');
      const s = rolloutStatus(c.d, sets, fresh, maxUnavailable(c.d), t0);
      assert.equal(s.conditions?.find((x) => x.type === 'Progressing')?.reason, c.reason);
      assert.equal(s.conditions?.find((x) => x.type === 'Available')?.reason, c.available);
      if (c.reason === 'ProgressDeadlineExceeded') assert.equal(s.conditions?.find((x) => x.type === 'Progressing')?.message, `ReplicaSet "new" has timed out progressing.`);
    });
  }
  await t.test('counters', () => {
    const d = deploy({ replicas: 4, generation: 7 });
    const s = rolloutStatus(d, [rs('old', { size: 1, actual: 2, available: 2, age: 9 }), rs('new', { size: 4, actual: 3, ready: 2, available: 1 })], undefined, 1, t0);
    assert.deepEqual([s.observedGeneration, s.replicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas], [7, 5, 4, 3, 2]);
    assert.ok(!deploymentComplete(d, s));
  });
});

test('revision history cleanup keeps revisionHistoryLimit old ReplicaSets, lowest revisions go', async (t) => {
  const cases: { name: string; limit: number; olds: [string, RsOpts][]; want: string[] }[] = [
    { name: 'two over the limit', limit: 1, olds: [['r3', { size: 0, revision: 3 }], ['r1', { size: 0, revision: 1 }], ['r2', { size: 0, revision: 2 }]], want: ['r1', 'r2'] },
    { name: 'within the limit', limit: 3, olds: [['r1', { size: 0, revision: 1 }], ['r2', { size: 0, revision: 2 }]], want: [] },
    { name: 'a ReplicaSet with pods stays', limit: 0, olds: [['r1', { size: 0, actual: 1, revision: 1 }], ['r2', { size: 0, revision: 2 }]], want: ['r2'] },
    { name: 'one not yet observed stays', limit: 0, olds: [['r1', { size: 0, revision: 1, generation: 2, observed: 1 }]], want: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = replicaSetsToCleanUp(deploy({ revisionHistoryLimit: c.limit }), c.olds.map(([n, o]) => rs(n, o)));
      assert.deepEqual(got.map((r) => r.metadata.name), c.want);
    });
  }
});

test('Recreate waits while any old pod exists', () => {
  const fresh = rs('new', { size: 0 });
  const old = rs('old', { size: 0, actual: 0 });
  const pods = (phase: string) => new Map([[old.metadata.uid!, [{ status: { phase } }]]]);
  assert.ok(oldPodsRunning(fresh, [old], pods('Running')));
  assert.ok(!oldPodsRunning(fresh, [old], pods('Succeeded')));
  assert.ok(oldPodsRunning(fresh, [rs('old2', { size: 0, actual: 1 })], new Map()));
  assert.ok(!oldPodsRunning(fresh, [old], new Map([[fresh.metadata.uid!, [{ status: { phase: 'Running' } }]]])));
});
