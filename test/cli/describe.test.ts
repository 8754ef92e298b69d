/** Describers on built objects: kubectl's fields, alignment, `<none>`, pod counts by controller
 * uid, endpoints `+ N more...`, and the Events table last. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Job, Pod, ReplicationController, Service } from '../../src/api/kinds.js';
import { describeJob, describePod, describeReplicas, describeService, endpointsFor, type EventLike } from '../../src/cli/describe/index.js';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
const ev = (reason: string, message: string, s: number, count = 1): EventLike => ({ type: 'Normal', reason, message, count, firstTimestamp: ago(s * count), lastTimestamp: ago(s), source: { component: 'replication-controller' } });

const rc: ReplicationController = {
  kind: 'ReplicationController',
  metadata: { name: 'web', namespace: 'prod', uid: 'rc-uid', labels: { app: 'web', tier: 'front' } },
  spec: { replicas: 3, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } },
  status: { replicas: 2 },
};
const pod = (name: string, phase: Pod['status'] extends infer S ? S extends { phase?: infer P } ? P : never : never, owner = 'rc-uid'): Pod => ({
  kind: 'Pod',
  metadata: { name, namespace: 'prod', ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: owner, controller: true }] },
  spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
  status: { phase },
});

describe('describers', () => {
  const cases: { name: string; text: () => string; want: RegExp[]; not?: RegExp[] }[] = [
    {
      name: 'rc: counts only controlled pods, labels multi-line, events last',
      text: () => describeReplicas({ obj: rc, pods: [pod('a', 'Running'), pod('b', 'Pending'), pod('c', 'Running', 'other')], events: [ev('SuccessfulCreate', 'Created pod: a', 60, 3)], now }),
      want: [
        /^Name:\s{9}web\nNamespace:\s{4}prod\nSelector:\s{5}app=web\nLabels:\s{7}app=web\n\s{14}tier=front\nAnnotations:\s{2}<none>\nReplicas:\s{5}2 current \/ 3 desired\n/,
        /Pods Status:\s+1 Running \/ 1 Waiting \/ 0 Succeeded \/ 0 Failed\n/,
        /Pod Template:\n {2}Labels: {2}app=web\n {2}Containers:\n {3}nginx:\n {4}Image: {9}nginx\n {4}Port: {10}80\/TCP\n {4}Host Port: {5}0\/TCP\n {4}Environment: {3}<none>\n {4}Mounts: {8}<none>\n {2}Volumes: {9}<none>\n/,
        /Events:\n {2}Type {4}Reason {12}Age {15}From {20}Message\n {2}---- {4}------ {12}---- {14}---- {20}-------\n {2}Normal {2}SuccessfulCreate {2}60s \(x3 over 3m\) {2}replication-controller {2}Created pod: a\n$/,
      ],
    },
    {
      name: 'rc without events: Events: <none>',
      text: () => describeReplicas({ obj: rc, pods: [], events: [], now }),
      want: [/\nEvents:\s+<none>\n$/],
    },
    {
      name: 'pod: node, IPs, controller, container state, conditions with kubectl\'s trailing spaces',
      text: () => describePod({
        ...pod('web-x', 'Running'),
        spec: { nodeName: 'n1', containers: [{ name: 'nginx', image: 'nginx', env: [{ name: 'A', value: '1' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }] },
        status: { phase: 'Running', hostIP: '10.0.0.1', podIP: '10.1.0.5', podIPs: [{ ip: '10.1.0.5' }], containerStatuses: [{ name: 'nginx', ready: true, restartCount: 2, image: 'nginx', imageID: 'sha', containerID: 'fake://1', state: { running: { startedAt: ago(30) } } }], conditions: [{ type: 'Ready', status: 'True' }] },
      }, [], now),
      want: [/\nNode:\s+n1\/10\.0\.0\.1\n/, /\nIP:\s+10\.1\.0\.5\nIPs:\n {2}IP:\s+10\.1\.0\.5\nControlled By:\s+ReplicationController\/web\n/, /\n {4}State:\s+Running\n {6}Started:\s+\w{3}, /, /Restart Count:\s+2\n/, /Environment:\n {6}A:\s+1\n/, /Mounts:\n {6}\/data from data \(rw\)\n/, /Conditions:\n {2}Type {4}Status\n {2}Ready  {2}True \n/, /QoS Class:\s+BestEffort\n/, /Type:\s+EmptyDir/],
    },
    {
      name: 'job: parallelism, completions, statuses',
      text: () => describeJob({ obj: { kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { parallelism: 2, completions: 3, selector: { matchLabels: { job: 'j' } }, template: { spec: { containers: [{ name: 'c', image: 'ubuntu' }] } } }, status: { startTime: ago(90), active: 2, succeeded: 1, failed: 0, ready: 2 } } as Job, pods: [], events: [], now }),
      want: [/Selector:\s+job=j\n/, /Parallelism:\s+2\nCompletions:\s+3\nStart Time:\s+\w{3}, /, /Pods Statuses:\s+2 Active \(2 Ready\) \/ 1 Succeeded \/ 0 Failed\n/],
    },
    {
      name: 'service: ports, node port, endpoints with + N more',
      text: () => describeService(
        { kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { type: 'NodePort', clusterIP: '10.96.0.9', selector: { app: 'web' }, ports: [{ port: 30188, targetPort: 80, nodePort: 30600, protocol: 'TCP' }], sessionAffinity: 'None' } } as Service,
        { kind: 'Endpoints', metadata: { name: 's' }, subsets: [{ addresses: ['1', '2', '3', '4'].map((i) => ({ ip: `10.1.0.${i}` })), ports: [{ port: 80, protocol: 'TCP' }] }] } as Endpoints,
        [], now),
      want: [/Port:\s+<unset>  30188\/TCP\nTargetPort:\s+80\/TCP\nNodePort:\s+<unset>  30600\/TCP\nEndpoints:\s+10\.1\.0\.1:80,10\.1\.0\.2:80,10\.1\.0\.3:80 \+ 1 more\.\.\.\nSession Affinity:\s+None\n/],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const text = c.text();
      for (const re of c.want) assert.match(text, re);
    });
  }

  test('endpoints of a named port only; <none> when empty', () => {
    const ep = { kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: 'a' }], ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }] }] } as Endpoints;
    assert.equal(endpointsFor(ep, 'metrics'), 'a:9090');
    assert.equal(endpointsFor(ep, 'other'), '<none>');
    assert.equal(endpointsFor(undefined, ''), '<none>');
  });
});
