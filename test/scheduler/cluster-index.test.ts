/** The cluster index kept by the scheduler cache: pods per topology value follow placements,
 * removals and node label changes; existing pods' terms are grouped. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromMap } from '../../src/api/labels.js';
import { TermKind } from '../../src/scheduler/cluster-index.js';
import { schedNode } from './helpers.js';
import { clusterOf, labelled, labelledNode, term, withAffinity } from './cluster-helpers.js';

const zone = 'topology.kubernetes.io/zone';
const web = { app: 'web' };
const counts = (m: ReadonlyMap<string, number>) => Object.fromEntries([...m].sort());

test('a counter sees pods placed before and after it was made, and forgets removed ones', () => {
  const first = labelled(web);
  const c = clusterOf([labelledNode('n1', { [zone]: 'a' }), labelledNode('n2', { [zone]: 'b' })], [['n1', first], ['n1', labelled({ app: 'db' })]]);
  const counter = c.cache.index.counter(new Set(['default']), fromMap(web), zone);
  assert.deepEqual(counts(counter.byValue), { a: 1 });
  const second = labelled(web);
  c.cache.setPod({ ...second, spec: { ...second.spec, nodeName: 'n2' } });
  c.cache.setPod({ ...labelled(web, 'other'), spec: { nodeName: 'n2', containers: [] } });
  assert.deepEqual(counts(counter.byValue), { a: 1, b: 1 });
  c.cache.removePod({ ...first, spec: { ...first.spec, nodeName: 'n1' } });
  assert.deepEqual(counts(counter.byValue), { b: 1 });
  assert.equal(c.cache.index.counter(new Set(['default']), fromMap(web), zone), counter, 'the same question gets the same counter');
});

test('a node relabelled moves its pods to the new domain', () => {
  const c = clusterOf([labelledNode('n1', { [zone]: 'a' }), labelledNode('n2', { [zone]: 'a' })], [['n1', labelled(web)], ['n2', labelled(web)]]);
  const counter = c.cache.index.counter(undefined, fromMap(web), zone);
  assert.deepEqual(counts(counter.byValue), { a: 2 });
  assert.deepEqual(counts(c.cache.index.domainsOf(zone)!), { a: 2 });
  c.cache.upsertNode(schedNode('n2').labels({ 'kubernetes.io/hostname': 'n2', [zone]: 'b' }).build());
  assert.deepEqual(counts(counter.byValue), { a: 1, b: 1 });
  assert.deepEqual(counts(c.cache.index.domainsOf(zone)!), { a: 1, b: 1 });
  c.cache.upsertNode(schedNode('n2').labels({ 'kubernetes.io/hostname': 'n2' }).build());
  assert.deepEqual(counts(counter.byValue), { a: 1 });
  assert.equal(c.cache.index.nodeCountWithKey(zone), 1);
});

test("identical terms of sibling pods share one group, counted per domain; it goes with the last pod", () => {
  const anti = () => withAffinity(web, { anti: [term(web, zone)] });
  const a = anti();
  const b = anti();
  const c = clusterOf([labelledNode('n1', { [zone]: 'a' }), labelledNode('n2', { [zone]: 'b' })], [['n1', a], ['n2', b], ['n2', anti()]]);
  const groups = [...c.cache.index.groupsByKind[TermKind.RequiredAntiAffinity]!];
  assert.equal(groups.length, 1);
  assert.deepEqual(counts(groups[0]!.byValue), { a: 1, b: 2 });
  c.cache.removePod({ ...a, spec: { ...a.spec, nodeName: 'n1' } });
  assert.deepEqual(counts(groups[0]!.byValue), { b: 2 });
  const other = withAffinity(web, { anti: [term(web, zone)] }, 'elsewhere');
  c.cache.setPod({ ...other, spec: { ...other.spec, nodeName: 'n1' } });
  assert.equal(c.cache.index.groupsByKind[TermKind.RequiredAntiAffinity]!.size, 2, 'a term in another namespace is another group');
});
