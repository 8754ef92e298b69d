/** PodTopologySpread's filter over named cases: nodes in zones, pods placed, the incoming pod's
 * constraints, and each node's verdict in kube-scheduler's words. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, Pod } from '../../src/api/kinds.js';
import type { FilterStatus } from '../../src/scheduler/framework.js';
import { podTopologySpreadFilter } from '../../src/scheduler/plugins/index.js';
import { schedNode } from './helpers.js';
import { clusterOf, constraint, labelled, labelledNode, spreading, verdicts } from './cluster-helpers.js';

const host = 'kubernetes.io/hostname';
const zone = 'topology.kubernetes.io/zone';
const skew = "node(s) didn't match pod topology spread constraints";
const missing = "node(s) didn't match pod topology spread constraints (missing required label)";

/** n1, n2 in zone a (n1 with an ssd); n3, n4 in zone b (n3 with an ssd); n5 without a zone. */
const nodes: readonly Node[] = [
  labelledNode('n1', { [zone]: 'a', disk: 'ssd' }),
  labelledNode('n2', { [zone]: 'a' }),
  labelledNode('n3', { [zone]: 'b', disk: 'ssd' }),
  labelledNode('n4', { [zone]: 'b' }),
  labelledNode('n5'),
];
/** Every node has every key: counts come straight from the cluster index. */
const zoned: readonly Node[] = nodes.slice(0, 4);
const taintedN2: readonly Node[] = nodes.map((n) => (n.metadata.name === 'n2' ? schedNode('n2').labels({ [host]: 'n2', [zone]: 'a' }).taint('dedicated', 'x', 'NoSchedule').build() : n));

interface Case {
  readonly name: string;
  readonly nodes?: readonly Node[];
  readonly placed: readonly (readonly [string, Pod])[];
  readonly pod: Pod;
  /** Verdicts of the nodes that do not fit; every other node fits. */
  readonly want: Readonly<Record<string, FilterStatus>>;
}

const web = { app: 'web' };
const terminating = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
const twoInA: readonly (readonly [string, Pod])[] = [['n1', labelled(web)], ['n2', labelled(web)], ['n3', labelled(web)]];

const cases: readonly Case[] = [
  { name: 'no constraints: every node fits', placed: twoInA, pod: labelled(web), want: {} },
  {
    name: 'zone maxSkew 1 with 2 pods in a and 1 in b: only zone b; a node without the key never',
    placed: twoInA,
    pod: spreading(web, [constraint(zone, 1, web)]),
    want: { n1: skew, n2: skew, n5: missing },
  },
  {
    name: 'zone maxSkew 2 allows a third pod in zone a',
    placed: twoInA,
    pod: spreading(web, [constraint(zone, 2, web)]),
    want: { n5: missing },
  },
  {
    name: 'a pod that does not match its own selector adds nothing to the skew',
    placed: [['n1', labelled(web)], ['n2', labelled(web)]],
    pod: spreading({ app: 'other' }, [constraint(zone, 2, web)]),
    want: { n5: missing },
  },
  {
    name: 'hostname maxSkew 1: nodes holding one already are full while any node holds none',
    placed: [['n1', labelled(web)], ['n3', labelled(web)]],
    pod: spreading(web, [constraint(host, 1, web)]),
    want: { n1: skew, n3: skew },
  },
  {
    name: 'minDomains above the number of domains makes the minimum 0',
    placed: [['n1', labelled(web)], ['n3', labelled(web)]],
    pod: spreading(web, [constraint(zone, 1, web, { minDomains: 3 })]),
    want: { n1: skew, n2: skew, n3: skew, n4: skew, n5: missing },
  },
  {
    name: 'pods in other namespaces and terminating pods are not counted',
    placed: [['n1', labelled(web, 'elsewhere')], ['n2', terminating(labelled(web))], ['n3', labelled(web)]],
    pod: spreading(web, [constraint(zone, 1, web)]),
    want: { n3: skew, n4: skew, n5: missing },
  },
  {
    name: 'nodeAffinityPolicy Honor (default): only nodes matching the pod\'s node selector count (zone a has none of them)',
    placed: [['n2', labelled(web)], ['n2', labelled(web)], ['n3', labelled(web)]],
    pod: spreading(web, [constraint(zone, 1, web)], (b) => b.nodeSelector({ disk: 'ssd' })),
    want: { n3: skew, n4: skew, n5: missing },
  },
  {
    name: 'nodeAffinityPolicy Ignore: every node counts',
    placed: [['n2', labelled(web)], ['n2', labelled(web)], ['n3', labelled(web)]],
    pod: spreading(web, [constraint(zone, 1, web, { nodeAffinityPolicy: 'Ignore' })], (b) => b.nodeSelector({ disk: 'ssd' })),
    want: { n1: skew, n2: skew, n5: missing },
  },
  {
    name: 'nodeTaintsPolicy Ignore (default): pods on a tainted node count',
    nodes: taintedN2,
    placed: [['n2', labelled(web)], ['n2', labelled(web)], ['n3', labelled(web)]],
    pod: spreading(web, [constraint(zone, 1, web)]),
    want: { n1: skew, n2: skew, n5: missing },
  },
  {
    name: 'nodeTaintsPolicy Honor: a node whose taint the pod does not tolerate is left out (zone a counts 0)',
    nodes: taintedN2,
    placed: [['n2', labelled(web)], ['n2', labelled(web)], ['n3', labelled(web)]],
    pod: spreading(web, [constraint(zone, 1, web, { nodeTaintsPolicy: 'Honor' })]),
    want: { n3: skew, n4: skew, n5: missing },
  },
  {
    name: 'matchLabelKeys: only pods of the same revision count',
    placed: [['n1', labelled({ app: 'web', rev: '1' })], ['n2', labelled({ app: 'web', rev: '1' })], ['n3', labelled({ app: 'web', rev: '2' })]],
    pod: spreading({ app: 'web', rev: '2' }, [constraint(zone, 1, web, { matchLabelKeys: ['rev'] })]),
    want: { n3: skew, n4: skew, n5: missing },
  },
  {
    name: 'every node zoned (counted from the index): zone maxSkew 1 with 2 pods in a and 1 in b',
    nodes: zoned,
    placed: twoInA,
    pod: spreading(web, [constraint(zone, 1, web)]),
    want: { n1: skew, n2: skew },
  },
  {
    name: 'every node zoned, a zone with no pod: the minimum is 0',
    nodes: [...zoned, labelledNode('n6', { [zone]: 'c' })],
    placed: twoInA,
    pod: spreading(web, [constraint(zone, 1, web)]),
    want: { n1: skew, n2: skew, n3: skew, n4: skew },
  },
  {
    name: 'every node zoned, minDomains 3 over 2 domains',
    nodes: zoned,
    placed: [['n1', labelled(web)], ['n3', labelled(web)]],
    pod: spreading(web, [constraint(zone, 1, web, { minDomains: 3 })]),
    want: { n1: skew, n2: skew, n3: skew, n4: skew },
  },
  {
    name: 'ScheduleAnyway constraints do not filter',
    placed: twoInA,
    pod: spreading(web, [constraint(zone, 1, web, { whenUnsatisfiable: 'ScheduleAnyway' })]),
    want: {},
  },
  {
    name: 'every DoNotSchedule constraint must hold',
    placed: [['n1', labelled(web)], ['n3', labelled(web)], ['n4', labelled(web)]],
    pod: spreading(web, [constraint(zone, 1, web), constraint(host, 1, web)]),
    want: { n1: skew, n3: skew, n4: skew, n5: missing },
  },
];

describe('PodTopologySpread filter', () => {
  for (const c of cases) {
    test(c.name, () => {
      const ns = c.nodes ?? nodes;
      const got = verdicts(podTopologySpreadFilter, c.pod, clusterOf(ns, c.placed));
      const want: Record<string, FilterStatus> = {};
      for (const n of ns) want[n.metadata.name!] = c.want[n.metadata.name!];
      assert.deepEqual(got, want);
    });
  }
});
