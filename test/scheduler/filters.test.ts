/** Each filter plugin over named cases: pod, node (with pods on it), and the expected verdict in
 * kube-scheduler's words. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from '../../src/api/kinds.js';
import type { FilterPlugin, FilterStatus } from '../../src/scheduler/framework.js';
import type { NodeInfo } from '../../src/scheduler/nodeinfo.js';
import { nodeAffinityFilter, nodeName, nodePorts, nodeResourcesFit, nodeUnschedulable, taintTolerationFilter } from '../../src/scheduler/plugins/index.js';
import { containerBuilder, podBuilder } from '../helpers/builders.js';
import { info, nodeInfo, pod, podRequesting, schedNode } from './helpers.js';

interface Case {
  readonly name: string;
  readonly pod: Pod;
  readonly node: NodeInfo;
  readonly want: FilterStatus;
}

function run(plugin: FilterPlugin, cases: readonly Case[]): void {
  describe(plugin.name, () => {
    for (const c of cases) {
      test(c.name, () => assert.deepEqual(plugin.filter(info(c.pod), c.node), c.want));
    }
  });
}

const plain = nodeInfo(schedNode('plain').build());

run(nodeName, [
  { name: 'no node name fits anywhere', pod: pod(), node: plain, want: undefined },
  { name: 'matching node name fits', pod: pod(podBuilder().podField('nodeName', 'plain')), node: plain, want: undefined },
  { name: 'other node name does not', pod: pod(podBuilder().podField('nodeName', 'elsewhere')), node: plain, want: "node(s) didn't match the requested node name" },
]);

const cordoned = nodeInfo(schedNode('cordoned').unschedulable().build());
run(nodeUnschedulable, [
  { name: 'schedulable node', pod: pod(), node: plain, want: undefined },
  { name: 'cordoned node', pod: pod(), node: cordoned, want: 'node(s) were unschedulable' },
  { name: 'cordoned node, toleration by key', pod: pod(podBuilder().podField('tolerations', [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }])), node: cordoned, want: undefined },
  { name: 'cordoned node, tolerate everything', pod: pod(podBuilder().podField('tolerations', [{ operator: 'Exists' }])), node: cordoned, want: undefined },
  { name: 'cordoned node, toleration for another effect', pod: pod(podBuilder().podField('tolerations', [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }])), node: cordoned, want: 'node(s) were unschedulable' },
]);

const affinityReason = "node(s) didn't match Pod's node affinity/selector";
const ssd = nodeInfo(schedNode('ssd-1').labels({ disk: 'ssd', zone: 'a', cores: '16' }).build());
const required = (...terms: unknown[]) => pod(podBuilder().podField('affinity', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } }));
const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
run(nodeAffinityFilter, [
  { name: 'no selector', pod: pod(), node: ssd, want: undefined },
  { name: 'nodeSelector matches', pod: pod(podBuilder().nodeSelector({ disk: 'ssd' })), node: ssd, want: undefined },
  { name: 'nodeSelector value differs', pod: pod(podBuilder().nodeSelector({ disk: 'hdd' })), node: ssd, want: affinityReason },
  { name: 'nodeSelector key missing', pod: pod(podBuilder().nodeSelector({ gpu: 'true' })), node: ssd, want: affinityReason },
  { name: 'In matches', pod: required(expr('zone', 'In', ['a', 'b'])), node: ssd, want: undefined },
  { name: 'In misses', pod: required(expr('zone', 'In', ['b', 'c'])), node: ssd, want: affinityReason },
  { name: 'NotIn on absent key matches', pod: required(expr('rack', 'NotIn', ['r1'])), node: ssd, want: undefined },
  { name: 'NotIn with the value misses', pod: required(expr('zone', 'NotIn', ['a'])), node: ssd, want: affinityReason },
  { name: 'Exists', pod: required(expr('disk', 'Exists')), node: ssd, want: undefined },
  { name: 'DoesNotExist misses', pod: required(expr('disk', 'DoesNotExist')), node: ssd, want: affinityReason },
  { name: 'Gt matches', pod: required(expr('cores', 'Gt', ['8'])), node: ssd, want: undefined },
  { name: 'Gt misses', pod: required(expr('cores', 'Gt', ['16'])), node: ssd, want: affinityReason },
  { name: 'Lt matches', pod: required(expr('cores', 'Lt', ['17'])), node: ssd, want: undefined },
  { name: 'Lt on a non-integer label misses', pod: required(expr('zone', 'Lt', ['5'])), node: ssd, want: affinityReason },
  { name: 'terms are ORed', pod: required(expr('zone', 'In', ['x']), expr('disk', 'In', ['ssd'])), node: ssd, want: undefined },
  { name: 'expressions in a term are ANDed', pod: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'In', values: ['hdd'] }] }), node: ssd, want: affinityReason },
  { name: 'matchFields on metadata.name', pod: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['ssd-1'] }] }), node: ssd, want: undefined },
  { name: 'empty term matches nothing', pod: required({}), node: ssd, want: affinityReason },
  { name: 'selector and affinity both must hold', pod: pod(podBuilder().nodeSelector({ disk: 'hdd' }).podField('affinity', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr('zone', 'In', ['a'])] } } })), node: ssd, want: affinityReason },
]);

const tainted = nodeInfo(schedNode('tainted').taint('dedicated', 'db', 'NoSchedule').build());
const tol = (t: Record<string, string>) => pod(podBuilder().podField('tolerations', [t]));
run(taintTolerationFilter, [
  { name: 'untainted node', pod: pod(), node: plain, want: undefined },
  { name: 'untolerated NoSchedule taint', pod: pod(), node: tainted, want: 'node(s) had untolerated taint {dedicated: db}' },
  { name: 'Equal toleration', pod: tol({ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }), node: tainted, want: undefined },
  { name: 'default operator is Equal', pod: tol({ key: 'dedicated', value: 'db' }), node: tainted, want: undefined },
  { name: 'Equal with another value', pod: tol({ key: 'dedicated', value: 'web' }), node: tainted, want: 'node(s) had untolerated taint {dedicated: db}' },
  { name: 'Exists toleration', pod: tol({ key: 'dedicated', operator: 'Exists' }), node: tainted, want: undefined },
  { name: 'toleration for another effect', pod: tol({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }), node: tainted, want: 'node(s) had untolerated taint {dedicated: db}' },
  { name: 'NoExecute taint needs toleration', pod: pod(), node: nodeInfo(schedNode('x').taint('evict', undefined, 'NoExecute').build()), want: 'node(s) had untolerated taint {evict: }' },
  { name: 'PreferNoSchedule does not filter', pod: pod(), node: nodeInfo(schedNode('x').taint('soft', 'yes', 'PreferNoSchedule').build()), want: undefined },
  { name: 'NotReady node', pod: pod(), node: nodeInfo(schedNode('x').readyStatus('False').build()), want: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }' },
  { name: 'node without a Ready condition', pod: pod(), node: nodeInfo(schedNode('x').readyStatus(undefined).build()), want: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }' },
  { name: 'Unknown node is unreachable', pod: pod(), node: nodeInfo(schedNode('x').readyStatus('Unknown').build()), want: 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }' },
  { name: 'explicit not-ready taint on a Ready node', pod: pod(), node: nodeInfo(schedNode('x').taint('node.kubernetes.io/not-ready', undefined, 'NoSchedule').build()), want: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }' },
  { name: 'not-ready tolerated (a DaemonSet pod)', pod: tol({ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }), node: nodeInfo(schedNode('x').readyStatus('False').build()), want: undefined },
]);

const small = schedNode('small').allocatable({ cpu: '1', memory: '1Gi', pods: '3', 'example.com/gpu': '1' }).build();
run(nodeResourcesFit, [
  { name: 'fits an empty node', pod: podRequesting('p', { cpu: '500m', memory: '512Mi' }), node: nodeInfo(small), want: undefined },
  { name: 'exactly fills the node', pod: podRequesting('p', { cpu: '1', memory: '1Gi' }), node: nodeInfo(small), want: undefined },
  { name: 'too much cpu', pod: podRequesting('p', { cpu: '1001m' }), node: nodeInfo(small), want: 'Insufficient cpu' },
  { name: 'too much memory', pod: podRequesting('p', { memory: '2Gi' }), node: nodeInfo(small), want: 'Insufficient memory' },
  { name: 'cpu and memory both short', pod: podRequesting('p', { cpu: '2', memory: '2Gi' }), node: nodeInfo(small), want: ['Insufficient cpu', 'Insufficient memory'] },
  { name: 'what others requested counts', pod: podRequesting('p', { cpu: '600m' }), node: nodeInfo(small, podRequesting('a', { cpu: '500m' })), want: 'Insufficient cpu' },
  { name: 'pods without requests take a pod slot only', pod: pod(podBuilder('p')), node: nodeInfo(small, pod(podBuilder('a')), pod(podBuilder('b'))), want: undefined },
  { name: 'too many pods', pod: pod(podBuilder('p')), node: nodeInfo(small, pod(podBuilder('a')), pod(podBuilder('b')), pod(podBuilder('c'))), want: 'Too many pods' },
  { name: 'no cpu request on a full node', pod: podRequesting('p', { memory: '1Mi' }), node: nodeInfo(small, podRequesting('a', { cpu: '1' })), want: undefined },
  { name: 'extended resource fits', pod: podRequesting('p', { 'example.com/gpu': '1' }), node: nodeInfo(small), want: undefined },
  { name: 'extended resource taken', pod: podRequesting('p', { 'example.com/gpu': '1' }), node: nodeInfo(small, podRequesting('a', { 'example.com/gpu': '1' })), want: 'Insufficient example.com/gpu' },
  { name: 'extended resource the node lacks', pod: podRequesting('p', { 'vendor.io/fpga': '1' }), node: nodeInfo(small), want: 'Insufficient vendor.io/fpga' },
  {
    name: 'init container max, not sum',
    pod: pod(podBuilder('p').containers(containerBuilder('app').requests({ cpu: '200m' })).initContainer(containerBuilder('init1').requests({ cpu: '900m' })).initContainer(containerBuilder('init2').requests({ cpu: '800m' }))),
    node: nodeInfo(small),
    want: undefined,
  },
  {
    name: 'init container larger than the node',
    pod: pod(podBuilder('p').containers(containerBuilder('app').requests({ cpu: '100m' })).initContainer(containerBuilder('init').requests({ cpu: '1500m' }))),
    node: nodeInfo(small),
    want: 'Insufficient cpu',
  },
  {
    name: 'containers are summed',
    pod: pod(podBuilder('p').containers(containerBuilder('a').requests({ cpu: '600m' }), containerBuilder('b').requests({ cpu: '600m' }))),
    node: nodeInfo(small),
    want: 'Insufficient cpu',
  },
]);

const withPort = (port: number, extra: Record<string, string> = {}) => pod(podBuilder(`hp-${port}`).containers(containerBuilder('app').port(port, { hostPort: port, ...extra })));
const busy = nodeInfo(schedNode('busy').build(), withPort(8080), withPort(53, { protocol: 'UDP' }), withPort(9090, { hostIP: '10.0.0.1' }));
const portsReason = "node(s) didn't have free ports for the requested pod ports";
run(nodePorts, [
  { name: 'no host ports', pod: pod(), node: busy, want: undefined },
  { name: 'free port', pod: withPort(8081), node: busy, want: undefined },
  { name: 'same port and protocol', pod: withPort(8080), node: busy, want: portsReason },
  { name: 'same port, other protocol', pod: withPort(53), node: busy, want: undefined },
  { name: 'same UDP port', pod: withPort(53, { protocol: 'UDP' }), node: busy, want: portsReason },
  { name: 'different specific host IPs', pod: withPort(9090, { hostIP: '10.0.0.2' }), node: busy, want: undefined },
  { name: 'same specific host IP', pod: withPort(9090, { hostIP: '10.0.0.1' }), node: busy, want: portsReason },
  { name: 'all addresses against a specific one', pod: withPort(9090), node: busy, want: portsReason },
  { name: 'specific against all addresses', pod: withPort(8080, { hostIP: '127.0.0.2' }), node: busy, want: portsReason },
  { name: 'containerPort alone is no host port', pod: pod(podBuilder().containers(containerBuilder('app').port(8080))), node: busy, want: undefined },
]);
