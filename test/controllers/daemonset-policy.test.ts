/** Daemon set policy without a server: node predicates, the sync plan, rolling update choice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Node, PodSpec, Taint } from '../../src/api/kinds.js';
import {
  nodeShouldRunDaemonPod, planDaemonSet, revisionHashLabel, templateHash, tolerates, type NodeVerdict,
} from '../../src/controllers/daemonset/index.js';
import { daemonSetBuilder, nodeBuilder } from '../helpers/builders.js';
import { pod, podNow, type PodState } from './fixtures.js';

function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  const n = nodeBuilder(name).labels(labels).build() as Node;
  if (taints.length) n.spec = { taints };
  return n;
}

const spec = (extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'app', image: 'busybox' }], ...extra });
const both = (v: boolean): NodeVerdict => ({ shouldRun: v, shouldContinueRunning: v });

test('which nodes run a daemon pod', async (t) => {
  const cases: { name: string; spec: PodSpec; node: Node; want: NodeVerdict }[] = [
    { name: 'any node without selector', spec: spec(), node: node('n1'), want: both(true) },
    { name: 'nodeSelector matches', spec: spec({ nodeSelector: { runDS: 'ok' } }), node: node('n1', { runDS: 'ok' }), want: both(true) },
    { name: 'nodeSelector does not match', spec: spec({ nodeSelector: { runDS: 'ok' } }), node: node('n1', { runDS: 'no' }), want: both(false) },
    { name: 'required affinity In', spec: spec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } } }), node: node('n1', { zone: 'b' }), want: both(true) },
    { name: 'required affinity terms are ORed', spec: spec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } }), node: node('n1', { zone: 'c' }), want: both(true) },
    { name: 'required affinity DoesNotExist fails', spec: spec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }] } } } }), node: node('n1', { gpu: '1' }), want: both(false) },
    { name: 'Gt on a number', spec: spec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }] } } } }), node: node('n1', { cores: '8' }), want: both(true) },
    { name: 'untolerated NoSchedule: not new, but may stay', spec: spec(), node: node('n1', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), want: { shouldRun: false, shouldContinueRunning: true } },
    { name: 'untolerated NoExecute: neither', spec: spec(), node: node('n1', {}, [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]), want: both(false) },
    { name: 'PreferNoSchedule does not matter', spec: spec(), node: node('n1', {}, [{ key: 'dedicated', effect: 'PreferNoSchedule' }]), want: both(true) },
    { name: 'tolerated taint', spec: spec({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), node: node('n1', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), want: both(true) },
    { name: 'daemon pods tolerate cordoned nodes', spec: spec(), node: node('n1', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), want: both(true) },
    { name: 'daemon pods tolerate not-ready nodes', spec: spec(), node: node('n1', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), want: both(true) },
    { name: 'template nodeName pins one node', spec: spec({ nodeName: 'n2' }), node: node('n1'), want: both(false) },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(nodeShouldRunDaemonPod(c.spec, c.node), c.want));
  await t.test('toleration matching', () => {
    assert.ok(tolerates({ operator: 'Exists' }, { key: 'x', effect: 'NoExecute' }), 'empty key + Exists tolerates everything');
    assert.ok(!tolerates({ key: 'x', operator: 'Equal', value: 'a' }, { key: 'x', value: 'b', effect: 'NoSchedule' }));
    assert.ok(!tolerates({ key: 'x', operator: 'Exists', effect: 'NoSchedule' }, { key: 'x', effect: 'NoExecute' }));
  });
});

function ds(build: (b: ReturnType<typeof daemonSetBuilder>) => ReturnType<typeof daemonSetBuilder> = (b) => b): DaemonSet {
  const d = build(daemonSetBuilder('ram-check', { app: 'checkRam' })).defaulted() as DaemonSet;
  d.metadata.uid = 'uid-ram-check';
  d.metadata.generation = 2;
  return d;
}

test('daemon set plan', async (t) => {
  const d = ds((b) => b.nodeSelector({ runDS: 'ok' }));
  const hash = templateHash(d.spec.template);
  const on = (n: string, s: PodState = {}) => pod(`ram-check-${n}-${s.phase ?? 'p'}${s.deleting ? '-x' : ''}${s.age ?? ''}`, { node: n, phase: 'Running', ready: true, readyFor: 60, labels: { app: 'checkRam', [revisionHashLabel]: hash }, ...s });
  const nodes = [node('a', { runDS: 'ok' }), node('b', { runDS: 'ok' }), node('c')];
  const cases: { name: string; pods: ReturnType<typeof on>[]; create: string[]; remove: string[] }[] = [
    { name: 'creates on matching nodes only', pods: [], create: ['a', 'b'], remove: [] },
    { name: 'nothing to do when every matching node has one', pods: [on('a'), on('b')], create: [], remove: [] },
    { name: 'a pod on a node that stopped matching is misscheduled', pods: [on('a'), on('b'), on('c')], create: [], remove: ['c:misscheduled'] },
    { name: 'a pod on a deleted node goes at once', pods: [on('a'), on('b'), on('gone')], create: [], remove: ['gone:node-gone'] },
    { name: 'a failed pod is deleted (its replacement comes after)', pods: [on('a', { phase: 'Failed' }), on('b')], create: [], remove: ['a:failed'] },
    { name: 'a terminating pod blocks its replacement', pods: [on('a', { deleting: true }), on('b')], create: [], remove: [] },
    { name: 'two pods on a node: the newer goes', pods: [on('a', { age: 100 }), on('a', { age: 5 }), on('b')], create: [], remove: ['a:surplus'] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const plan = planDaemonSet(d, nodes, c.pods, hash, podNow);
      assert.deepEqual(plan.createOn, c.create);
      assert.deepEqual(plan.remove.map((r) => `${r.pod.spec.nodeName}:${r.reason}`), c.remove);
      if (c.name.includes('surplus') || c.name.includes('two pods')) assert.equal(plan.remove[0]?.pod.metadata.name, 'ram-check-a-p5');
      if (c.name.includes('deleted node')) assert.equal(plan.remove[0]?.force, true);
    });
  }
  await t.test('status counts', () => {
    const plan = planDaemonSet(d, nodes, [on('a'), on('b', { ready: false, labels: { app: 'checkRam', [revisionHashLabel]: 'old' } }), on('c')], hash, podNow);
    assert.deepEqual(plan.status, {
      desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 1, numberReady: 1,
      numberAvailable: 1, numberUnavailable: 1, updatedNumberScheduled: 1, observedGeneration: 2,
    });
  });
});

test('rolling update choice', async (t) => {
  const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => node(n));
  const mk = (d: DaemonSet, n: string, rev: string, ready = true) => pod(`fluentd-${n}`, { node: n, phase: 'Running', ready, readyFor: 60, labels: { app: 'checkRam', [revisionHashLabel]: rev } });
  const cases: { name: string; ds: DaemonSet; pods: (d: DaemonSet, h: string) => ReturnType<typeof mk>[]; want: string[] }[] = [
    { name: 'one node at a time by default', ds: ds(), pods: (d) => nodes.map((n) => mk(d, n.metadata.name!, 'old')), want: ['n1'] },
    { name: 'maxUnavailable 2', ds: ds((b) => b.set('spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } })), pods: (d) => nodes.map((n) => mk(d, n.metadata.name!, 'old')), want: ['n1', 'n2'] },
    { name: 'maxUnavailable 50%', ds: ds((b) => b.set('spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } })), pods: (d) => nodes.map((n) => mk(d, n.metadata.name!, 'old')), want: ['n1', 'n2'] },
    { name: 'waits while a new pod is not yet ready', ds: ds(), pods: (d, h) => [mk(d, 'n1', h, false), mk(d, 'n2', 'old'), mk(d, 'n3', 'old'), mk(d, 'n4', 'old')], want: [] },
    { name: 'an unavailable old pod is replaced even without budget', ds: ds(), pods: (d, h) => [mk(d, 'n1', h, false), mk(d, 'n2', 'old', false), mk(d, 'n3', 'old'), mk(d, 'n4', 'old')], want: ['n2'] },
    { name: 'a node waiting for its pod uses the budget', ds: ds(), pods: (d) => [mk(d, 'n2', 'old'), mk(d, 'n3', 'old'), mk(d, 'n4', 'old')], want: [] },
    { name: 'a node whose old pod is still terminating uses the budget', ds: ds(), pods: (d) => [{ ...mk(d, 'n1', 'old'), metadata: { ...mk(d, 'n1', 'old').metadata, deletionTimestamp: new Date(podNow).toISOString() } }, mk(d, 'n2', 'old'), mk(d, 'n3', 'old'), mk(d, 'n4', 'old')], want: [] },
    { name: 'continues when the last new pod is available', ds: ds(), pods: (d, h) => [mk(d, 'n1', h), mk(d, 'n2', h), mk(d, 'n3', 'old'), mk(d, 'n4', 'old')], want: ['n3'] },
    { name: 'OnDelete never replaces', ds: ds((b) => b.set('spec.updateStrategy', { type: 'OnDelete' })), pods: (d) => nodes.map((n) => mk(d, n.metadata.name!, 'old')), want: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const h = templateHash(c.ds.spec.template);
      const plan = planDaemonSet(c.ds, nodes, c.pods(c.ds, h), h, podNow);
      assert.deepEqual(plan.remove.filter((r) => r.reason === 'update').map((r) => r.pod.spec.nodeName), c.want);
    });
  }
});

test('template hash', () => {
  const a = ds();
  const b = ds((x) => x.set('spec.template.spec.containers', [{ name: 'app', image: 'fluentd:2' }]));
  assert.equal(templateHash(a.spec.template), templateHash(structuredClone(a.spec.template)));
  assert.notEqual(templateHash(a.spec.template), templateHash(b.spec.template));
  assert.match(templateHash(a.spec.template), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('surging update (maxSurge, maxUnavailable 0)', async (t) => {
  const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => node(n));
  const surge = (maxSurge: number | string) => ds((b) => b.set('spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge } }));
  const mk = (n: string, rev: string, ready = true, age = 60) => pod(`fluentd-${n}-${rev}`, { node: n, phase: 'Running', ready, readyFor: age, age, labels: { app: 'checkRam', [revisionHashLabel]: rev } });
  const cases: { name: string; ds: DaemonSet; pods: (h: string) => ReturnType<typeof mk>[]; create: string[]; remove: string[] }[] = [
    { name: 'a new pod beside the old one, maxSurge nodes at a time', ds: surge(1), pods: () => ['n1', 'n2', 'n3', 'n4'].map((n) => mk(n, 'old')), create: ['n1'], remove: [] },
    { name: 'maxSurge 50% of four nodes', ds: surge('50%'), pods: () => ['n1', 'n2', 'n3', 'n4'].map((n) => mk(n, 'old')), create: ['n1', 'n2'], remove: [] },
    { name: 'waits while the surged pod is not available', ds: surge(1), pods: (h) => [mk('n1', 'old'), mk('n1', h, false, 5), mk('n2', 'old'), mk('n3', 'old'), mk('n4', 'old')], create: [], remove: [] },
    { name: 'the old pod goes once the new one is available, the next node surges', ds: surge(1), pods: (h) => [mk('n1', 'old'), mk('n1', h, true, 5), mk('n2', 'old'), mk('n3', 'old'), mk('n4', 'old')], create: ['n2'], remove: ['n1'] },
    { name: 'an unavailable old pod gets its replacement at once', ds: surge(1), pods: (h) => [mk('n1', 'old'), mk('n1', h, false, 5), mk('n2', 'old', false), mk('n3', 'old'), mk('n4', 'old')], create: ['n2'], remove: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const h = templateHash(c.ds.spec.template);
      const plan = planDaemonSet(c.ds, nodes, c.pods(h), h, podNow);
      assert.deepEqual(plan.createOn, c.create);
      assert.deepEqual(plan.remove.map((r) => `${r.pod.spec.nodeName ?? ''}`), c.remove);
      assert.ok(plan.remove.every((r) => r.reason === 'update'));
    });
  }
});
