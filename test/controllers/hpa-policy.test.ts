/** The autoscaler's policy, table-driven with an injected time: one metric's replica proposal
 * (tolerance, missing and unready pods, Utilization and AverageValue) and behavior's stabilization
 * windows and rate policies; and v1 ↔ v2 conversion. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricTarget, Pod } from '../../src/api/kinds.js';
import { MetricError, proposeReplicas, ScalingHistory, type PodUsage } from '../../src/controllers/hpa/index.js';
import { hpaV1FromStorage, hpaV1ToStorage } from '../../src/api/conversion/autoscaling.js';
import type { KubeObject } from '../../src/api/types.js';

const t0 = Date.parse('2026-12-06T02:00:00Z');
const minute = 60_000;

/** A running pod requesting `cpu` (cores) per container, started `age` ms before t0 and ready since then. */
function pod(name: string, opts: { cpu?: number; containers?: number; age?: number; ready?: boolean; phase?: string; deleting?: boolean } = {}): Pod {
  const age = opts.age ?? 10 * minute;
  const started = new Date(t0 - age).toISOString();
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', ...(opts.deleting ? { deletionTimestamp: new Date(t0).toISOString() } : {}) },
    spec: { containers: Array.from({ length: opts.containers ?? 1 }, (_, i) => ({ name: `c${i}`, image: 'busybox', ...(opts.cpu === undefined ? {} : { resources: { requests: { cpu: String(opts.cpu) } } }) })) },
    status: {
      phase: opts.phase ?? 'Running',
      startTime: started,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: started }],
    },
  } as Pod;
}

const used = (...entries: [string, number][]): Map<string, PodUsage> => new Map(entries.map(([n, v]) => [n, { value: v, timestamp: t0 - 1000, windowMs: 10_000 }]));
const cpu50: MetricTarget = { type: 'Utilization', averageUtilization: 50 };

void describe('proposeReplicas (one resource metric)', () => {
  const cases: { name: string; target?: MetricTarget; current: number; pods: Pod[]; usage: Map<string, PodUsage>; want: number; utilization?: number }[] = [
    { name: 'at target: no change', current: 2, pods: [pod('a', { cpu: 0.1 }), pod('b', { cpu: 0.1 })], usage: used(['a', 0.05], ['b', 0.05]), want: 2, utilization: 50 },
    { name: 'within the 10% tolerance: no change', current: 2, pods: [pod('a', { cpu: 0.1 }), pod('b', { cpu: 0.1 })], usage: used(['a', 0.054], ['b', 0.054]), want: 2, utilization: 54 },
    { name: 'twice the target: twice the pods', current: 2, pods: [pod('a', { cpu: 0.1 }), pod('b', { cpu: 0.1 })], usage: used(['a', 0.1], ['b', 0.1]), want: 4, utilization: 100 },
    { name: 'a busy loop against 50m: ceil(ratio)', current: 1, pods: [pod('a', { cpu: 0.05 })], usage: used(['a', 0.9]), want: 36, utilization: 1800 },
    { name: 'idle: down to ceil(ratio × pods)', current: 4, pods: ['a', 'b', 'c', 'd'].map((n) => pod(n, { cpu: 0.1 })), usage: used(['a', 0.01], ['b', 0.01], ['c', 0.01], ['d', 0.01]), want: 1, utilization: 10 },
    { name: 'requests summed over containers', current: 1, pods: [pod('a', { cpu: 0.05, containers: 2 })], usage: used(['a', 0.1]), want: 2, utilization: 100 },
    {
      name: 'scale down with a pod missing metrics: it counts as using its request, slowing the fall',
      current: 4, pods: ['a', 'b', 'c', 'd'].map((n) => pod(n, { cpu: 0.1 })), usage: used(['a', 0.01], ['b', 0.01], ['c', 0.01]), want: 3, utilization: 10,
    },
    {
      name: 'scale up with a pod missing metrics: it counts as idle',
      current: 2, pods: [pod('a', { cpu: 0.1 }), pod('b', { cpu: 0.1 })], usage: used(['a', 0.2]), want: 4, utilization: 200,
    },
    {
      name: 'scale up with an unready pod: it counts as idle, damping the rise',
      current: 2, pods: [pod('a', { cpu: 0.1 }), pod('b', { cpu: 0.1, age: minute, ready: false })], usage: used(['a', 0.08], ['b', 0.5]), want: 2, utilization: 80,
    },
    { name: 'pending and deleted pods are left out', current: 2, pods: [pod('a', { cpu: 0.1 }), pod('b', { cpu: 0.1, phase: 'Pending' }), pod('c', { cpu: 0.1, deleting: true })], usage: used(['a', 0.05], ['c', 1]), want: 2, utilization: 50 },
    { name: 'AverageValue: mean use per pod against the value', target: { type: 'AverageValue', averageValue: '100m' }, current: 2, pods: [pod('a'), pod('b')], usage: used(['a', 0.3], ['b', 0.3]), want: 6 },
  ];
  for (const c of cases) {
    void test(c.name, () => {
      const p = proposeReplicas('cpu', c.target ?? cpu50, c.current, c.pods, c.usage, t0);
      assert.equal(p.replicas, c.want);
      if (c.utilization !== undefined) assert.equal(p.utilization, c.utilization);
    });
  }

  void test('errors name what is missing, with upstream reasons', () => {
    assert.throws(() => proposeReplicas('cpu', cpu50, 1, [pod('a', { cpu: 0.1 })], new Map(), t0), (e: unknown) => e instanceof MetricError && /no metrics returned from resource metrics API/.test(e.message));
    assert.throws(() => proposeReplicas('cpu', cpu50, 1, [pod('a')], used(['a', 0.1]), t0), /missing request for cpu in container c0 of Pod a/);
  });
});

void describe('ScalingHistory.normalize (behavior)', () => {
  const fast = { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max' as const, policies: [{ type: 'Pods' as const, value: 4, periodSeconds: 15 }, { type: 'Percent' as const, value: 100, periodSeconds: 15 }] } };
  void test('scale up is limited by the larger policy, then by maxReplicas', () => {
    const h = new ScalingHistory();
    const n = h.normalize('ns/a', 1, 20, 1, 10, fast, t0);
    assert.deepEqual([n.replicas, n.limited.reason, n.limited.limited], [5, 'ScaleUpLimit', true]);
    const m = new ScalingHistory().normalize('ns/a', 8, 40, 1, 10, fast, t0);
    assert.deepEqual([m.replicas, m.limited.reason], [10, 'TooManyReplicas']);
  });

  void test('a scale-up in the period counts against the next one', () => {
    const h = new ScalingHistory();
    const rules = { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max' as const, policies: [{ type: 'Pods' as const, value: 2, periodSeconds: 60 }] } };
    h.recordScale('k', 1, 3, t0);
    assert.equal(h.normalize('k', 3, 10, 1, 20, rules, t0 + 10_000).replicas, 3);
    assert.equal(h.normalize('k', 3, 10, 1, 20, rules, t0 + 61_000).replicas, 5);
  });

  void test('scale down waits for its stabilization window (the highest recent recommendation wins)', () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 30, selectPolicy: 'Max' as const, policies: [{ type: 'Percent' as const, value: 100, periodSeconds: 15 }] } };
    const h = new ScalingHistory();
    assert.equal(h.normalize('k', 4, 4, 1, 10, behavior, t0).replicas, 4);
    const early = h.normalize('k', 4, 1, 1, 10, behavior, t0 + 10_000);
    assert.deepEqual([early.replicas, early.stabilized.reason], [4, 'ScaleDownStabilized']);
    const later = h.normalize('k', 4, 1, 1, 10, behavior, t0 + 31_000);
    assert.deepEqual([later.replicas, later.stabilized.reason, later.limited.reason], [1, 'ReadyForNewScale', 'DesiredWithinRange']);
  });

  void test('defaults: five minutes before scaling down; Disabled never scales that way; minReplicas bounds', () => {
    const h = new ScalingHistory();
    h.normalize('k', 5, 5, 1, 10, undefined, t0);
    assert.equal(h.normalize('k', 5, 1, 1, 10, undefined, t0 + 4 * minute).replicas, 5);
    assert.equal(h.normalize('k', 5, 1, 1, 10, undefined, t0 + 6 * minute).replicas, 1);
    const off = { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled' as const, policies: [] } };
    assert.equal(new ScalingHistory().normalize('k', 5, 1, 1, 10, off, t0).replicas, 5);
    const floor = new ScalingHistory().normalize('k', 5, 1, 3, 10, { scaleDown: { stabilizationWindowSeconds: 0 } }, t0);
    assert.deepEqual([floor.replicas, floor.limited.reason], [3, 'TooFewReplicas']);
  });
});

void describe('autoscaling/v1 ↔ v2', () => {
  const v2 = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 10 } },
    },
    status: { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '45m' } } }], conditions: [{ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale' }] },
  } as KubeObject;

  void test('v1 shows the CPU target and keeps the rest in annotations; back to v2 unchanged', () => {
    const v1 = hpaV1FromStorage(v2) as KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> };
    assert.equal(v1.spec['targetCPUUtilizationPercentage'], 60);
    assert.equal(v1.spec['metrics'], undefined);
    assert.equal(v1.status['currentCPUUtilizationPercentage'], 90);
    assert.deepEqual(Object.keys(v1.metadata.annotations ?? {}).sort(), ['autoscaling.alpha.kubernetes.io/behavior', 'autoscaling.alpha.kubernetes.io/conditions', 'autoscaling.alpha.kubernetes.io/metrics']);
    const back = hpaV1ToStorage(v1) as typeof v2;
    assert.deepEqual(back.spec, v2.spec);
    assert.deepEqual((back.status as Record<string, unknown>)['conditions'], (v2.status as Record<string, unknown>)['conditions']);
    assert.equal(back.metadata.annotations, undefined);
  });

  void test('a new v1 object: status counts are zero, no target means none given', () => {
    const v1 = hpaV1FromStorage({ ...v2, spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 2 }, status: undefined } as KubeObject);
    assert.deepEqual(v1.status, { currentReplicas: 0, desiredReplicas: 0 });
    const stored = hpaV1ToStorage({ ...v1, spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 2 } } as KubeObject);
    assert.equal((stored.spec as Record<string, unknown>)['metrics'], undefined);
  });
});
