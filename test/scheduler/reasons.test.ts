/** The FailedScheduling message: reasons counted, formatted and ordered as kube-scheduler does. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitErrorMessage } from '../../src/scheduler/reasons.js';

const cases: { name: string; nodes: number; reasons: [string, number][]; want: string }[] = [
  { name: 'one reason', nodes: 3, reasons: [['Insufficient cpu', 3]], want: '0/3 nodes are available: 3 Insufficient cpu.' },
  {
    name: 'sorted as strings',
    nodes: 5,
    reasons: [["node(s) didn't match Pod's node affinity/selector", 3], ['Insufficient memory', 2]],
    want: "0/5 nodes are available: 2 Insufficient memory, 3 node(s) didn't match Pod's node affinity/selector.",
  },
  {
    name: 'counts sort lexically, as Go sort.Strings does',
    nodes: 12,
    reasons: [['Insufficient cpu', 2], ['node(s) were unschedulable', 10]],
    want: '0/12 nodes are available: 10 node(s) were unschedulable, 2 Insufficient cpu.',
  },
  {
    name: 'one node with two shortfalls counts both',
    nodes: 1,
    reasons: [['Insufficient memory', 1], ['Insufficient cpu', 1]],
    want: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.',
  },
  { name: 'no nodes at all', nodes: 0, reasons: [], want: 'no nodes available to schedule pods' },
];

for (const c of cases) test(c.name, () => assert.equal(fitErrorMessage(c.nodes, new Map(c.reasons)), c.want));
