/** Column sets of every kind and the cells that need care: service ports and external IPs,
 * endpoints with "+ N more...", node status and roles, events, jobs, daemon sets, selectors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLabelSelector, printerFor } from '../../src/apiserver/tables/index.js';
import { resourceTypes } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:58:30Z'; // 90s before now

function obj(kind: string, name: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { kind, metadata: { name, creationTimestamp: created, ...meta }, ...rest };
}

void describe('columns', () => {
  const cases: [string, string[], string[]][] = [
    ['ReplicationController', ['Name', 'Desired', 'Current', 'Ready', 'Age'], ['Containers', 'Images', 'Selector']],
    ['ReplicaSet', ['Name', 'Desired', 'Current', 'Ready', 'Age'], ['Containers', 'Images', 'Selector']],
    ['Deployment', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'], ['Containers', 'Images', 'Selector']],
    ['DaemonSet', ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age'], ['Containers', 'Images', 'Selector']],
    ['Job', ['Name', 'Status', 'Completions', 'Duration', 'Age'], ['Containers', 'Images', 'Selector']],
    ['Service', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'], ['Selector']],
    ['Endpoints', ['Name', 'Endpoints', 'Age'], []],
    ['Namespace', ['Name', 'Status', 'Age'], []],
    ['Node', ['Name', 'Status', 'Roles', 'Age', 'Version'], ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']],
    ['Event', ['Last Seen', 'Type', 'Reason', 'Object', 'Message'], ['Subobject', 'Source', 'First Seen', 'Count', 'Name']],
    ['ConfigMap', ['Name', 'Data', 'Age'], []],
    ['Secret', ['Name', 'Type', 'Data', 'Age'], []],
    ['ServiceAccount', ['Name', 'Secrets', 'Age'], []],
    ['Lease', ['Name', 'Holder', 'Age'], []],
    ['Role', ['Name', 'Created At'], []],
    ['ClusterRole', ['Name', 'Created At'], []],
    ['RoleBinding', ['Name', 'Role', 'Age'], ['Users', 'Groups', 'ServiceAccounts']],
    ['ClusterRoleBinding', ['Name', 'Role', 'Age'], ['Users', 'Groups', 'ServiceAccounts']],
  ];
  for (const [kind, normal, wide] of cases) {
    void test(kind, () => {
      const cols = printerFor(kind).columns;
      assert.deepEqual(cols.filter((c) => c.priority === 0).map((c) => c.name), normal);
      assert.deepEqual(cols.filter((c) => c.priority === 1).map((c) => c.name), wide);
      assert.equal(cols.filter((c) => c.format === 'name').length, 1, 'one name column');
      for (const c of cols) assert.ok(c.description.length > 0, c.name);
    });
  }
  void test('every stored kind has its own printer (roles print NAME and CREATED AT in Kubernetes too)', () => {
    for (const r of resourceTypes) {
      // kubectl get crd prints NAME and CREATED AT in Kubernetes too.
      if (r.kind === 'Role' || r.kind === 'ClusterRole' || r.kind === 'CustomResourceDefinition') continue;
      assert.notEqual(printerFor(r.kind).columns[1]?.name, 'Created At', r.kind);
    }
  });
});

void describe('cells', () => {
  const template = { spec: { containers: [{ name: 'web', image: 'nginx' }, { name: 'log', image: 'fluentd:1.2' }] } };
  const cases: { name: string; o: KubeObject; want: unknown[] }[] = [
    {
      name: 'replication controller, wide, like the seed',
      o: obj('ReplicationController', 'hello-nginx', { spec: { replicas: 4, selector: { hello: 'world' }, template }, status: { replicas: 4, readyReplicas: 3 } }),
      want: ['hello-nginx', 4, 4, 3, '90s', 'web,log', 'nginx,fluentd:1.2', 'hello=world'],
    },
    {
      name: 'NodePort service with several ports',
      o: obj('Service', 'nginx-service', { spec: { type: 'NodePort', clusterIP: '10.0.0.12', clusterIPs: ['10.0.0.12'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30088 }, { port: 53, protocol: 'UDP' }], selector: { hello: 'world', tier: 'web' } } }),
      want: ['nginx-service', 'NodePort', '10.0.0.12', '<none>', '80:30088/TCP,53/UDP', '90s', 'hello=world,tier=web'],
    },
    {
      name: 'LoadBalancer waiting for an address',
      o: obj('Service', 'lb', { spec: { type: 'LoadBalancer', clusterIP: '10.0.0.7', ports: [{ port: 443, nodePort: 31443 }] } }),
      want: ['lb', 'LoadBalancer', '10.0.0.7', '<pending>', '443:31443/TCP', '90s', '<none>'],
    },
    {
      name: 'LoadBalancer with ingress and external IPs',
      o: obj('Service', 'lb2', { spec: { type: 'LoadBalancer', clusterIPs: ['10.0.0.8'], externalIPs: ['203.0.113.9'], ports: [] }, status: { loadBalancer: { ingress: [{ ip: '198.51.100.2' }, { hostname: 'lb.example' }] } } }),
      want: ['lb2', 'LoadBalancer', '10.0.0.8', '198.51.100.2,lb.example,203.0.113.9', '<none>', '90s', '<none>'],
    },
    {
      name: 'headless ClusterIP service',
      o: obj('Service', 'db', { spec: { clusterIP: 'None', ports: [{ port: 5432 }] } }),
      want: ['db', 'ClusterIP', 'None', '<none>', '5432/TCP', '90s', '<none>'],
    },
    {
      name: 'ExternalName service',
      o: obj('Service', 'ext', { spec: { type: 'ExternalName', externalName: 'db.example.com' } }),
      want: ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '90s', '<none>'],
    },
    {
      name: 'endpoints: three shown, the rest counted',
      o: obj('Endpoints', 'web', { subsets: [{ addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] }),
      want: ['web', '10.1.0.1:80,10.1.0.2:80,10.1.0.1:443 + 1 more...', '90s'],
    },
    {
      name: 'endpoints: exactly three, no suffix; IPv6 bracketed',
      o: obj('Endpoints', 'v6', { subsets: [{ addresses: [{ ip: 'fd00::1' }, { ip: '10.2.0.1' }, { ip: '10.2.0.2' }], ports: [{ port: 8080 }] }] }),
      want: ['v6', '[fd00::1]:8080,10.2.0.1:8080,10.2.0.2:8080', '90s'],
    },
    { name: 'endpoints: none', o: obj('Endpoints', 'empty', {}), want: ['empty', '<none>', '90s'] },
    {
      name: 'endpoints without ports list addresses',
      o: obj('Endpoints', 'headless', { subsets: [{ addresses: [{ ip: '10.3.0.1' }] }] }),
      want: ['headless', '10.3.0.1', '90s'],
    },
    { name: 'namespace', o: obj('Namespace', 'team-a', { status: { phase: 'Active' } }), want: ['team-a', 'Active', '90s'] },
    {
      name: 'cordoned ready node with roles',
      o: obj('Node', 'node-3', {
        spec: { unschedulable: true },
        status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '127.0.1.3' }, { type: 'Hostname', address: 'node-3' }], nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'process://0.1' } },
      }, { labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/edge': '', 'kubernetes.io/role': 'infra' } }),
      want: ['node-3', 'Ready,SchedulingDisabled', 'edge,infra,worker', '90s', 'v1.32.0', '127.0.1.3', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'process://0.1'],
    },
    {
      name: 'node not ready, no info',
      o: obj('Node', 'node-9', { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }),
      want: ['node-9', 'NotReady', '<none>', '90s', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
    },
    { name: 'node without conditions', o: obj('Node', 'fresh', {}), want: ['fresh', 'Unknown', '<none>', '90s', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'] },
    {
      name: 'event',
      o: obj('Event', 'ram-check.1', {
        involvedObject: { kind: 'DaemonSet', name: 'ram-check', fieldPath: '' }, reason: 'SuccessfulCreate', message: 'Created pod: ram-check-bti08\n', type: 'Normal',
        source: { component: 'daemonset-controller', host: 'cp-1' }, count: 3, firstTimestamp: '2024-05-01T11:00:00Z', lastTimestamp: '2024-05-01T11:57:00Z',
      }),
      want: ['3m', 'Normal', 'SuccessfulCreate', 'daemonset/ram-check', '', 'daemonset-controller, cp-1', 'Created pod: ram-check-bti08', '60m', 3, 'ram-check.1'],
    },
    {
      name: 'new-style event: eventTime, series, reporting controller',
      o: obj('Event', 'e2', {
        involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' }, reason: 'BackOff', message: 'Back-off restarting', type: 'Warning',
        reportingComponent: 'kubelet', eventTime: '2024-05-01T11:50:00.000000Z', series: { count: 7, lastObservedTime: '2024-05-01T11:59:30.000000Z' },
      }),
      want: ['30s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{web}', 'kubelet', 'Back-off restarting', '10m', 7, 'e2'],
    },
    {
      name: 'completed job with duration',
      o: obj('Job', 'package-check', { spec: { completions: 3, template, selector: { matchLabels: { 'controller-uid': 'u1' } } }, status: { succeeded: 3, startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:02:05Z', conditions: [{ type: 'Complete', status: 'True' }] } }),
      want: ['package-check', 'Complete', '3/3', '2m5s', '90s', 'web,log', 'nginx,fluentd:1.2', 'controller-uid=u1'],
    },
    {
      name: 'running job without completions, parallel',
      o: obj('Job', 'queue', { spec: { parallelism: 4, template }, status: { succeeded: 1, startTime: '2024-05-01T11:59:00Z' } }),
      want: ['queue', 'Running', '1/1 of 4', '60s', '90s', 'web,log', 'nginx,fluentd:1.2', '<none>'],
    },
    { name: 'failed job', o: obj('Job', 'bad', { spec: { template }, status: { failed: 6, conditions: [{ type: 'Failed', status: 'True' }] } }), want: ['bad', 'Failed', '0/1', '', '90s', 'web,log', 'nginx,fluentd:1.2', '<none>'] },
    { name: 'suspended job', o: obj('Job', 'wait', { spec: { template }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } }), want: ['wait', 'Suspended', '0/1', '', '90s', 'web,log', 'nginx,fluentd:1.2', '<none>'] },
    {
      name: 'daemon set with node selector and a plain-map selector (legacy seed form)',
      o: obj('DaemonSet', 'ram-check', { spec: { selector: { app: 'checkRam', version: 'v1' }, template: { spec: { nodeSelector: { runDS: 'ok' }, containers: [{ name: 'ubuntu-free', image: 'ubuntu' }] } } }, status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } }),
      want: ['ram-check', 3, 3, 2, 3, 2, 'runDS=ok', '90s', 'ubuntu-free', 'ubuntu', 'app=checkRam,version=v1'],
    },
    {
      name: 'deployment',
      o: obj('Deployment', 'web', { spec: { replicas: 3, template, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] } }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } }),
      want: ['web', '2/3', 3, 2, '90s', 'web,log', 'nginx,fluentd:1.2', 'app=web,tier in (a,b)'],
    },
    { name: 'replica set defaults to one replica', o: obj('ReplicaSet', 'rs', { spec: { template, selector: { matchLabels: { app: 'x' } } } }), want: ['rs', 1, 0, 0, '90s', 'web,log', 'nginx,fluentd:1.2', 'app=x'] },
    { name: 'config map counts data and binaryData', o: obj('ConfigMap', 'cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), want: ['cfg', 3, '90s'] },
    { name: 'secret', o: obj('Secret', 'tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }), want: ['tls', 'kubernetes.io/tls', 2, '90s'] },
    { name: 'service account', o: obj('ServiceAccount', 'default', { secrets: [{ name: 'default-token' }] }), want: ['default', 1, '90s'] },
    { name: 'lease', o: obj('Lease', 'node-3', { spec: { holderIdentity: 'node-3' } }), want: ['node-3', 'node-3', '90s'] },
    { name: 'no creation time', o: { kind: 'Lease', metadata: { name: 'x' } }, want: ['x', '', '<unknown>'] },
  ];
  for (const c of cases) {
    void test(c.name, () => {
      const p = printerFor(String(c.o.kind));
      const cells = p.cells(c.o, now);
      assert.equal(cells.length, p.columns.length);
      assert.deepEqual(cells, c.want);
    });
  }
});

void test('formatLabelSelector', () => {
  const cases: [unknown, string][] = [
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'canary', operator: 'DoesNotExist' }, { key: 'app', operator: 'Exists' }] }, 'app,!canary,env notin (prod)'],
    [{ matchExpressions: [{ key: 'x', operator: 'Near' }] }, '<error>'],
  ];
  for (const [sel, want] of cases) assert.equal(formatLabelSelector(sel), want, want);
});
