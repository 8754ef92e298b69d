/** InterPodAffinity's filter over named cases: nodes in zones, pods placed on them, the incoming
 * pod, and each node's verdict in kube-scheduler's words. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, Pod } from '../../src/api/kinds.js';
import type { FilterStatus } from '../../src/scheduler/framework.js';
import { interPodAffinityFilter } from '../../src/scheduler/plugins/index.js';
import { clusterOf, labelled, labelledNode, term, verdicts, withAffinity, type ClusterOptions } from './cluster-helpers.js';

const host = 'kubernetes.io/hostname';
const zone = 'topology.kubernetes.io/zone';
const anti = "node(s) didn't match pod anti-affinity rules";
const aff = "node(s) didn't match pod affinity rules";
const existing = "node(s) didn't satisfy existing pods anti-affinity rules";

/** n1, n2 in zone a; n3 in zone b; n4 without a zone label. */
const nodes: readonly Node[] = [labelledNode('n1', { [zone]: 'a' }), labelledNode('n2', { [zone]: 'a' }), labelledNode('n3', { [zone]: 'b' }), labelledNode('n4')];

interface Case {
  readonly name: string;
  readonly placed: readonly (readonly [string, Pod])[];
  readonly pod: Pod;
  /** Verdicts of the nodes that do not fit; every other node fits. */
  readonly want: Readonly<Record<string, FilterStatus>>;
  readonly opts?: ClusterOptions;
}

const web = { app: 'web' };
const cases: readonly Case[] = [
  { name: 'no terms and no existing anti-affinity: every node fits', placed: [['n1', labelled(web)]], pod: labelled(web), want: {} },
  {
    name: 'required anti-affinity on hostname keeps off the node with a matching pod',
    placed: [['n1', labelled(web)]],
    pod: withAffinity(web, { anti: [term(web, host)] }),
    want: { n1: anti },
  },
  {
    name: 'required anti-affinity on zone keeps off the whole zone; a node without the key fits',
    placed: [['n1', labelled(web)]],
    pod: withAffinity(web, { anti: [term(web, zone)] }),
    want: { n1: anti, n2: anti },
  },
  {
    name: 'required anti-affinity ignores pods in other namespaces',
    placed: [['n1', labelled(web, 'elsewhere')]],
    pod: withAffinity(web, { anti: [term(web, host)] }),
    want: {},
  },
  {
    name: 'required anti-affinity with namespaces lists the namespaces it covers',
    placed: [['n1', labelled(web, 'elsewhere')], ['n2', labelled(web)]],
    pod: withAffinity(web, { anti: [term(web, host, { namespaces: ['elsewhere'] })] }),
    want: { n1: anti },
  },
  {
    name: 'namespaceSelector covers the namespaces whose labels match',
    placed: [['n1', labelled(web, 'blue-1')], ['n2', labelled(web, 'red-1')]],
    pod: withAffinity(web, { anti: [term(web, host, { namespaceSelector: { matchLabels: { team: 'blue' } } })] }),
    want: { n1: anti },
    opts: { namespaces: { 'blue-1': { team: 'blue' }, 'red-1': { team: 'red' }, default: {} } },
  },
  {
    name: 'an empty namespaceSelector covers every namespace',
    placed: [['n1', labelled(web, 'blue-1')], ['n3', labelled(web, 'red-1')]],
    pod: withAffinity(web, { anti: [term(web, host, { namespaceSelector: {} })] }),
    want: { n1: anti, n3: anti },
    opts: { namespaces: { 'blue-1': { team: 'blue' }, 'red-1': { team: 'red' }, default: {} } },
  },
  {
    name: 'matchLabelKeys narrows the selector to pods with the same value',
    placed: [['n1', labelled({ app: 'web', version: 'v1' })], ['n2', labelled({ app: 'web', version: 'v2' })]],
    pod: withAffinity({ app: 'web', version: 'v2' }, { anti: [term(web, host, { matchLabelKeys: ['version'] })] }),
    want: { n2: anti },
  },
  {
    name: 'mismatchLabelKeys narrows the selector to pods with another value',
    placed: [['n1', labelled({ app: 'web', tenant: 't1' })], ['n2', labelled({ app: 'web', tenant: 't2' })]],
    pod: withAffinity({ app: 'web', tenant: 't2' }, { anti: [term(web, host, { mismatchLabelKeys: ['tenant'] })] }),
    want: { n1: anti },
  },
  {
    name: 'required affinity on zone: only the zone holding a matching pod; a node without the key never',
    placed: [['n3', labelled({ app: 'db' })]],
    pod: withAffinity(web, { affinity: [term({ app: 'db' }, zone)] }),
    want: { n1: aff, n2: aff, n4: aff },
  },
  {
    name: 'required affinity nobody matches, and the pod does not match itself: nowhere',
    placed: [['n3', labelled(web)]],
    pod: withAffinity(web, { affinity: [term({ app: 'db' }, zone)] }),
    want: { n1: aff, n2: aff, n3: aff, n4: aff },
  },
  {
    name: 'required affinity to its own group with no member yet: the first may go anywhere with the key',
    placed: [['n3', labelled({ app: 'other' })]],
    pod: withAffinity(web, { affinity: [term(web, zone)] }),
    want: { n4: aff },
  },
  {
    name: 'required affinity to its own group once a member runs: only beside it',
    placed: [['n3', labelled(web)]],
    pod: withAffinity(web, { affinity: [term(web, zone)] }),
    want: { n1: aff, n2: aff, n4: aff },
  },
  {
    name: 'several affinity terms: a pod counts only when it matches all of them',
    placed: [['n1', labelled({ app: 'db' })], ['n3', labelled({ app: 'db', tier: 'gold' })]],
    pod: withAffinity(web, { affinity: [term({ app: 'db' }, zone), term({ tier: 'gold' }, host)] }),
    want: { n1: aff, n2: aff, n4: aff },
  },
  {
    name: "existing pod's required anti-affinity keeps a matching pod off its node (symmetry)",
    placed: [['n1', withAffinity({ app: 'cache' }, { anti: [term(web, host)] })]],
    pod: labelled(web),
    want: { n1: existing },
  },
  {
    name: "existing pod's required anti-affinity on zone keeps the whole zone",
    placed: [['n3', withAffinity({ app: 'cache' }, { anti: [term(web, zone)] })]],
    pod: labelled(web),
    want: { n3: existing },
  },
  {
    name: "existing pod's required anti-affinity does not touch pods it does not select",
    placed: [['n1', withAffinity({ app: 'cache' }, { anti: [term(web, host)] })]],
    pod: labelled({ app: 'api' }),
    want: {},
  },
  {
    name: "existing pod's anti-affinity with a namespaceSelector reads the incoming pod's namespace labels",
    placed: [['n1', withAffinity({ app: 'cache' }, { anti: [term(web, host, { namespaceSelector: { matchLabels: { env: 'prod' } } })] }, 'ops')]],
    pod: labelled(web, 'shop'),
    want: { n1: existing },
    opts: { namespaces: { ops: {}, shop: { env: 'prod' } } },
  },
  {
    name: "existing pod's anti-affinity term covers only its own namespace by default",
    placed: [['n1', withAffinity({ app: 'cache' }, { anti: [term(web, host)] }, 'ops')]],
    pod: labelled(web, 'shop'),
    want: {},
  },
  {
    name: 'own affinity is checked before own anti-affinity, then existing pods',
    placed: [['n1', labelled({ app: 'db' })], ['n1', labelled(web)], ['n2', labelled({ app: 'db' })], ['n2', withAffinity({ app: 'x' }, { anti: [term(web, host)] })]],
    pod: withAffinity(web, { affinity: [term({ app: 'db' }, host)], anti: [term(web, host)] }),
    want: { n1: anti, n2: existing, n3: aff, n4: aff },
  },
];

describe('InterPodAffinity filter', () => {
  for (const c of cases) {
    test(c.name, () => {
      const got = verdicts(interPodAffinityFilter, c.pod, clusterOf(nodes, c.placed, c.opts));
      const want: Record<string, FilterStatus> = {};
      for (const n of nodes) want[n.metadata.name!] = c.want[n.metadata.name!];
      assert.deepEqual(got, want);
    });
  }
});
