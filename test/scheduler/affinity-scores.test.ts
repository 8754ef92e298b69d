/** InterPodAffinity and PodTopologySpread scores over named cases: normalised scores per node,
 * every node taken as feasible, computed as kube-scheduler computes them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, Pod } from '../../src/api/kinds.js';
import { fromMap } from '../../src/api/labels.js';
import type { ScorePlugin } from '../../src/scheduler/framework.js';
import { interPodAffinityScore, podTopologySpreadScore } from '../../src/scheduler/plugins/index.js';
import { clusterOf, constraint, labelled, labelledNode, scoresOf, spreading, term, withAffinity, type ClusterOptions } from './cluster-helpers.js';

const host = 'kubernetes.io/hostname';
const zone = 'topology.kubernetes.io/zone';
const web = { app: 'web' };
const db = { app: 'db' };

interface Case {
  readonly name: string;
  readonly nodes: readonly Node[];
  readonly placed: readonly (readonly [string, Pod])[];
  readonly pod: Pod;
  /** Normalised scores by node; undefined when the plugin skips the pod. */
  readonly want: Readonly<Record<string, number>> | undefined;
  readonly opts?: ClusterOptions;
}

function run(plugin: ScorePlugin, cases: readonly Case[]): void {
  describe(`${plugin.name} score`, () => {
    for (const c of cases) test(c.name, () => assert.deepEqual(scoresOf(plugin, c.pod, clusterOf(c.nodes, c.placed, c.opts)), c.want));
  });
}

/** n1, n2 in zone a; n3 in zone b; n4 without a zone. */
const mixed: readonly Node[] = [labelledNode('n1', { [zone]: 'a' }), labelledNode('n2', { [zone]: 'a' }), labelledNode('n3', { [zone]: 'b' }), labelledNode('n4')];

run(interPodAffinityScore, [
  { name: 'no preferred terms and no existing terms: skipped', nodes: mixed, placed: [['n1', labelled(web)]], pod: labelled(web), want: undefined },
  {
    name: 'preferred affinity: the zone with a matching pod',
    nodes: mixed,
    placed: [['n3', labelled(db)]],
    pod: withAffinity(web, { preferredAffinity: [[10, term(db, zone)]] }),
    want: { n1: 0, n2: 0, n3: 100, n4: 0 },
  },
  {
    name: 'preferred anti-affinity: away from the node with a matching pod',
    nodes: mixed,
    placed: [['n1', labelled(web)]],
    pod: withAffinity(web, { preferredAnti: [[10, term(web, host)]] }),
    want: { n1: 0, n2: 100, n3: 100, n4: 100 },
  },
  {
    name: 'weights add and subtract, then scale min..max',
    nodes: mixed,
    placed: [['n1', labelled(db)], ['n2', labelled(web)]],
    pod: withAffinity(web, { preferredAffinity: [[5, term(db, zone)]], preferredAnti: [[10, term(web, host)]] }),
    want: { n1: 100, n2: 0, n3: 50, n4: 50 },
  },
  {
    name: 'each matching pod counts',
    nodes: mixed,
    placed: [['n1', labelled(db)], ['n3', labelled(db)], ['n3', labelled(db)]],
    pod: withAffinity(web, { preferredAffinity: [[1, term(db, zone)]] }),
    want: { n1: 50, n2: 50, n3: 100, n4: 0 },
  },
  {
    name: "an existing pod's preferred affinity toward the pod draws it",
    nodes: mixed,
    placed: [['n3', withAffinity({ app: 'cache' }, { preferredAffinity: [[7, term(web, zone)]] })]],
    pod: labelled(web),
    want: { n1: 0, n2: 0, n3: 100, n4: 0 },
  },
  {
    name: "an existing pod's required affinity toward the pod draws it (hardPodAffinityWeight 1)",
    nodes: mixed,
    placed: [['n1', withAffinity({ app: 'cache' }, { affinity: [term(web, zone)] })]],
    pod: labelled(web),
    want: { n1: 100, n2: 100, n3: 0, n4: 0 },
  },
  {
    name: "an existing pod's preferred anti-affinity toward the pod repels it",
    nodes: mixed,
    placed: [['n1', withAffinity({ app: 'cache' }, { preferredAnti: [[4, term(web, host)]] })]],
    pod: labelled(web),
    want: { n1: 0, n2: 100, n3: 100, n4: 100 },
  },
  {
    name: "an existing pod's terms that do not select the pod are ignored",
    nodes: mixed,
    placed: [['n1', withAffinity({ app: 'cache' }, { preferredAnti: [[4, term(db, host)]] })]],
    pod: labelled(web),
    want: undefined,
  },
]);

/** n1, n2 in zone a; n3, n4 in zone b. */
const zoned: readonly Node[] = mixed.slice(0, 3).concat(labelledNode('n4', { [zone]: 'b' }));
const soft = (max: number, extra: Record<string, unknown> = {}) => constraint(zone, max, web, { whenUnsatisfiable: 'ScheduleAnyway', ...extra });

run(podTopologySpreadScore, [
  { name: 'no constraints and nothing selects the pod: skipped', nodes: zoned, placed: [['n1', labelled(web)]], pod: labelled(web), want: undefined },
  { name: 'only DoNotSchedule constraints: skipped', nodes: zoned, placed: [['n1', labelled(web)]], pod: spreading(web, [constraint(zone, 1, web)]), want: undefined },
  {
    name: 'ScheduleAnyway: the emptier zone scores higher',
    nodes: zoned,
    placed: [['n1', labelled(web)], ['n2', labelled(web)]],
    pod: spreading(web, [soft(1)]),
    want: { n1: 0, n2: 0, n3: 100, n4: 100 },
  },
  {
    name: 'explicit constraints: a node without the key scores 0',
    nodes: [...zoned, labelledNode('n5')],
    placed: [['n1', labelled(web)]],
    pod: spreading(web, [soft(1)]),
    want: { n1: 0, n2: 0, n3: 100, n4: 100, n5: 0 },
  },
  {
    name: 'system defaults (hostname maxSkew 3, zone maxSkew 5) over the selector of the pod\'s services and controller',
    nodes: zoned,
    placed: [['n1', labelled(web)], ['n1', labelled(web)], ['n3', labelled(web)], ['n2', labelled({ app: 'other' })]],
    pod: labelled(web),
    opts: { defaultSelector: () => fromMap(web) },
    want: { n1: 58, n2: 83, n3: 83, n4: 100 },
  },
]);
