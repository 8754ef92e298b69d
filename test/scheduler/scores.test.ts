/** Score plugins over named cases: raw scores per node, normalised as the scheduler does. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from '../../src/api/kinds.js';
import type { ScorePlugin } from '../../src/scheduler/framework.js';
import type { NodeInfo } from '../../src/scheduler/nodeinfo.js';
import { leastAllocated, nodeAffinityScore, selectorSpread, taintTolerationScore } from '../../src/scheduler/plugins/index.js';
import { podBuilder } from '../helpers/builders.js';
import { info, nodeInfo, pod, podRequesting, schedNode } from './helpers.js';

interface Case {
  readonly name: string;
  readonly pod: Pod;
  readonly nodes: readonly NodeInfo[];
  /** Normalised scores, in node order (rounded to integers). */
  readonly want: readonly number[];
}

function scores(plugin: ScorePlugin, p: Pod, nodes: readonly NodeInfo[]): number[] {
  const pi = info(p);
  const buf = new Float64Array(nodes.length);
  nodes.forEach((n, i) => (buf[i] = plugin.score(pi, n)));
  plugin.normalize?.(buf, nodes.length);
  return [...buf].map((s) => Math.round(s));
}

function run(plugin: ScorePlugin, cases: readonly Case[]): void {
  describe(`${plugin.name} score`, () => {
    for (const c of cases) test(c.name, () => assert.deepEqual(scores(plugin, c.pod, c.nodes), c.want));
  });
}

const n4 = (name: string) => schedNode(name).allocatable({ cpu: '4', memory: '4Gi' }).build();
run(leastAllocated, [
  { name: 'empty nodes score by what the pod leaves', pod: podRequesting('p', { cpu: '1', memory: '1Gi' }), nodes: [nodeInfo(n4('a'))], want: [75] },
  { name: 'emptier node scores higher', pod: podRequesting('p', { cpu: '1', memory: '1Gi' }), nodes: [nodeInfo(n4('a'), podRequesting('x', { cpu: '2', memory: '2Gi' })), nodeInfo(n4('b'))], want: [25, 75] },
  { name: 'cpu and memory averaged', pod: podRequesting('p', { cpu: '2', memory: '0' }), nodes: [nodeInfo(n4('a'))], want: [73] },
  { name: 'pods without requests count 100m and 200Mi', pod: pod(podBuilder('p')), nodes: [nodeInfo(schedNode('a').allocatable({ cpu: '1', memory: '1000Mi' }).build())], want: [85] },
  { name: 'node without allocatable scores 0', pod: podRequesting('p', { cpu: '1' }), nodes: [nodeInfo(schedNode('a').allocatable({ cpu: '0', memory: '0' }).build())], want: [0] },
]);

const owned = (name: string, uid: string) => pod(podBuilder(name).labels({ app: 'web' }).set('metadata.ownerReferences', [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid, controller: true }]));
run(selectorSpread, [
  { name: 'no siblings anywhere: all equal', pod: owned('p', 'rc-1'), nodes: [nodeInfo(n4('a')), nodeInfo(n4('b'))], want: [100, 100] },
  { name: 'fewer siblings scores higher', pod: owned('p', 'rc-1'), nodes: [nodeInfo(n4('a'), owned('s1', 'rc-1'), owned('s2', 'rc-1')), nodeInfo(n4('b'), owned('s3', 'rc-1')), nodeInfo(n4('c'))], want: [0, 50, 100] },
  { name: 'pods of another controller do not count', pod: owned('p', 'rc-1'), nodes: [nodeInfo(n4('a'), owned('s1', 'rc-2')), nodeInfo(n4('b'))], want: [100, 100] },
  { name: 'without an owner, same labels group', pod: pod(podBuilder('p').labels({ app: 'db' })), nodes: [nodeInfo(n4('a'), pod(podBuilder('s').labels({ app: 'db' }))), nodeInfo(n4('b'), pod(podBuilder('t').labels({ app: 'web' })))], want: [0, 100] },
]);

const soft = (name: string, ...keys: string[]) => {
  const b = schedNode(name);
  for (const k of keys) b.taint(k, 'x', 'PreferNoSchedule');
  return nodeInfo(b.build());
};
run(taintTolerationScore, [
  { name: 'fewer untolerated PreferNoSchedule taints is better', pod: pod(), nodes: [soft('a'), soft('b', 'k1'), soft('c', 'k1', 'k2')], want: [100, 50, 0] },
  { name: 'tolerated taints do not count', pod: pod(podBuilder().podField('tolerations', [{ key: 'k1', operator: 'Exists', effect: 'PreferNoSchedule' }])), nodes: [soft('a'), soft('b', 'k1')], want: [100, 100] },
  { name: 'no taints anywhere', pod: pod(), nodes: [soft('a'), soft('b')], want: [100, 100] },
]);

const preferring = pod(podBuilder().podField('affinity', {
  nodeAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
      { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
    ],
  },
}));
run(nodeAffinityScore, [
  {
    name: 'weights of matching preferences, best is 100',
    pod: preferring,
    nodes: [nodeInfo(schedNode('a').labels({ disk: 'ssd', zone: 'a' }).build()), nodeInfo(schedNode('b').labels({ disk: 'ssd' }).build()), nodeInfo(schedNode('c').labels({ zone: 'b' }).build()), nodeInfo(schedNode('d').build())],
    want: [100, 80, 20, 0],
  },
]);

test('NodeAffinity score does not apply without preferences', () => {
  assert.equal(nodeAffinityScore.applies?.(info(pod())), false);
  assert.equal(nodeAffinityScore.applies?.(info(preferring)), true);
});
