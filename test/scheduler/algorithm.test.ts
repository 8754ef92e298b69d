/** The decision itself: best score wins, ties are random, sampling on big clusters, rotation of
 * the start node, and reasons counted over all nodes when nothing fits. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Algorithm } from '../../src/scheduler/algorithm.js';
import type { NodeInfo } from '../../src/scheduler/nodeinfo.js';
import { defaultFilterPlugins, defaultScorePlugins } from '../../src/scheduler/plugins/index.js';
import { info, nodeInfo, podRequesting, schedNode } from './helpers.js';

const nodes = (n: number, cpu = '4'): NodeInfo[] => Array.from({ length: n }, (_, i) => nodeInfo(schedNode(`n${i}`).allocatable({ cpu }).build()));

test('numFeasibleNodesToFind: all below 100 nodes, 5% (at least 100) above, or adaptive', () => {
  const a = new Algorithm([], []);
  assert.deepEqual([50, 99, 100, 1000, 5000, 10_000].map((n) => a.numFeasibleNodesToFind(n)), [50, 99, 100, 100, 250, 500]);
  const adaptive = new Algorithm([], [], { percentageOfNodesToScore: 0 });
  assert.deepEqual([50, 99, 100, 1000, 5000, 10_000].map((n) => adaptive.numFeasibleNodesToFind(n)), [50, 99, 100, 420, 500, 500]);
  assert.equal(new Algorithm([], [], { percentageOfNodesToScore: 100 }).numFeasibleNodesToFind(5000), 5000);
  assert.equal(new Algorithm([], [], { percentageOfNodesToScore: 1 }).numFeasibleNodesToFind(5000), 100);
});

test('the least allocated node wins', () => {
  const ns = nodes(3);
  ns[0]!.addPod(info({ ...podRequesting('x', { cpu: '3' }), spec: { ...podRequesting('x', { cpu: '3' }).spec, nodeName: 'n0' } }));
  ns[2]!.addPod(info({ ...podRequesting('y', { cpu: '1' }), spec: { ...podRequesting('y', { cpu: '1' }).spec, nodeName: 'n2' } }));
  const d = new Algorithm(defaultFilterPlugins, defaultScorePlugins).schedule(info(podRequesting('p', { cpu: '500m' })), ns);
  assert.equal(d.node?.name, 'n1');
});

test('ties are broken at random', () => {
  const ns = nodes(4);
  const seen = new Set<string>();
  const a = new Algorithm(defaultFilterPlugins, defaultScorePlugins);
  for (let i = 0; i < 200; i++) seen.add(a.schedule(info(podRequesting('p', { cpu: '1' })), ns).node!.name);
  assert.equal(seen.size, 4);
});

test('big clusters: stop after enough feasible nodes and start the next pod where this one stopped', () => {
  const ns = nodes(4000);
  const a = new Algorithm(defaultFilterPlugins, defaultScorePlugins);
  const first = a.schedule(info(podRequesting('p', { cpu: '1' })), ns);
  assert.ok(first.node);
  assert.equal(first.evaluated, 200);
  assert.ok(Number(first.node.name.slice(1)) < 200);
  const second = a.schedule(info(podRequesting('q', { cpu: '1' })), ns);
  assert.ok(Number(second.node!.name.slice(1)) >= 200 && Number(second.node!.name.slice(1)) < 400);
});

test('nothing fits: every node evaluated, reasons counted', () => {
  const ns = [...nodes(3, '1'), nodeInfo(schedNode('cordoned').unschedulable().build()), nodeInfo(schedNode('tainted').taint('gpu', 'true', 'NoSchedule').build())];
  const d = new Algorithm(defaultFilterPlugins, defaultScorePlugins).schedule(info(podRequesting('big', { cpu: '2' })), ns);
  assert.equal(d.node, undefined);
  assert.equal(d.evaluated, 5);
  if (d.node === undefined) {
    assert.deepEqual([...d.reasons].sort(), [['Insufficient cpu', 3], ['node(s) had untolerated taint {gpu: true}', 1], ['node(s) were unschedulable', 1]]);
  }
});
