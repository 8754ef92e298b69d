/** The zero values Kubernetes always sends, filled per kind: absent fields get them, present ones
 * (even malformed) stay for validation to judge, and filling twice changes nothing. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fillZeroValues } from '../../src/api/defaults/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { daemonSetBuilder, nodeBuilder, objectBuilder, podBuilder, rcBuilder, replicaSetBuilder, serviceBuilder } from '../helpers/builders.js';

const nodeInfoZero = {
  machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '',
  kubeletVersion: '', kubeProxyVersion: '', operatingSystem: '', architecture: '',
};
const containerStatusZero = { state: {}, lastState: {}, ready: false, restartCount: 0, image: '', imageID: '' };

describe('fillZeroValues', () => {
  const cases: { name: string; obj: KubeObject; want: Record<string, unknown> }[] = [
    { name: 'a ReplicationController without status', obj: rcBuilder('rc-a').build(), want: { status: { replicas: 0 } } },
    { name: 'a ReplicaSet with status {}', obj: replicaSetBuilder('rs-a').set('status', {}).build(), want: { status: { replicas: 0 } } },
    {
      name: 'a DaemonSet keeps what its controller wrote',
      obj: daemonSetBuilder('ds-a').set('status', { desiredNumberScheduled: 3, numberAvailable: 2 }).build(),
      want: { status: { desiredNumberScheduled: 3, numberAvailable: 2, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 } },
    },
    { name: 'a Service', obj: serviceBuilder('svc-a').build(), want: { status: { loadBalancer: {} } } },
    {
      name: 'a bare Node',
      obj: nodeBuilder('node-a').build(),
      want: { status: { daemonEndpoints: { kubeletEndpoint: { Port: 0 } }, nodeInfo: nodeInfoZero } },
    },
    {
      name: 'a Node whose agent reported its port and versions',
      obj: nodeBuilder('node-b').set('status', { daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }, nodeInfo: { kubeletVersion: 'v1.30.0' } }).build(),
      want: { status: { daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }, nodeInfo: { ...nodeInfoZero, kubeletVersion: 'v1.30.0' } } },
    },
    {
      name: 'a Pod: every container status, none added',
      obj: podBuilder('pod-a').set('status', { phase: 'Pending', containerStatuses: [{ name: 'a', ready: true }, { name: 'b', restartCount: 2 }] }).build(),
      want: {
        status: {
          phase: 'Pending',
          containerStatuses: [{ ...containerStatusZero, name: 'a', ready: true }, { ...containerStatusZero, name: 'b', restartCount: 2 }],
        },
      },
    },
    {
      name: 'an Event',
      obj: objectBuilder('v1', 'Event', 'ev-a').set('reason', 'Started').build(),
      want: { reason: 'Started', involvedObject: {}, source: {}, reportingComponent: '', reportingInstance: '' },
    },
    { name: 'a ConfigMap has none', obj: objectBuilder('v1', 'ConfigMap', 'cm-a').set('data', { a: 'b' }).build(), want: { data: { a: 'b' } } },
    {
      name: 'a malformed status is left for validation',
      obj: rcBuilder('rc-b').set('status', { replicas: 'many' }).build(),
      want: { status: { replicas: 'many' } },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const obj = structuredClone(c.obj);
      fillZeroValues(obj.kind, obj);
      const { apiVersion: _a, kind: _k, metadata: _m, spec: _s, ...rest } = obj;
      void [_a, _k, _m, _s];
      assert.deepEqual(rest, c.want);
      assert.deepEqual(obj.spec, c.obj.spec, 'spec untouched');
      const again = structuredClone(obj);
      fillZeroValues(again.kind, again);
      assert.deepEqual(again, obj, 'idempotent');
    });
  }
});
