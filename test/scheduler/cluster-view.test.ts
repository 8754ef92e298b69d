/** The scheduler's ClusterView over its informers: namespace labels, and the default spreading
 * selector kube-scheduler derives from the services, replication controller and replica set
 * that select a pod. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import type { Informer } from '../../src/client/informer.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { SchedulerClusterView, type ViewInformers } from '../../src/scheduler/cluster-view.js';
import { rcBuilder, replicaSetBuilder, serviceBuilder } from '../helpers/builders.js';
import { labelled } from './cluster-helpers.js';

/** An informer's read side over fixed objects (keyed `ns/name`, or `name` when cluster-scoped). */
function fixed<T extends KubeObject>(objs: readonly KubeObject[]): Informer<T> {
  const key = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name ?? '');
  const byKey = new Map(objs.map((o) => [key(o), o as T]));
  let indexFn: ((o: T) => readonly string[]) | undefined;
  return {
    get: (k: string) => byKey.get(k),
    list: () => [...byKey.values()],
    addIndex: (_n: string, fn: (o: T) => readonly string[]) => void (indexFn = fn),
    byIndex: (_n: string, v: string) => [...byKey.values()].filter((o) => indexFn?.(o).includes(v)),
  } as unknown as Informer<T>;
}

function view(objs: { namespaces?: KubeObject[]; services?: KubeObject[]; rcs?: KubeObject[]; rss?: KubeObject[] }): SchedulerClusterView {
  const inf: ViewInformers = {
    namespaces: fixed(objs.namespaces ?? []),
    services: fixed(objs.services ?? []),
    replicationControllers: fixed(objs.rcs ?? []),
    replicaSets: fixed(objs.rss ?? []),
  };
  return new SchedulerClusterView(new SchedulerCache(), inf);
}

const owned = (kind: string, apiVersion: string, name: string) => ({ ownerReferences: [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }] });

describe('ClusterView default selector', () => {
  const web = { app: 'web', tier: 'front' };
  const cases: { name: string; v: SchedulerClusterView; meta?: Record<string, unknown>; want: string | undefined }[] = [
    { name: 'nothing selects the pod', v: view({}), want: undefined },
    { name: 'a service selecting the pod', v: view({ services: [serviceBuilder('s').selector({ app: 'web' }).build()] }), want: 'app=web' },
    { name: 'a service in another namespace does not count', v: view({ services: [serviceBuilder('s').namespace('other').selector({ app: 'web' }).build()] }), want: undefined },
    { name: 'a service that does not select the pod does not count', v: view({ services: [serviceBuilder('s').selector({ app: 'db' }).build()] }), want: undefined },
    { name: 'a service without a selector selects nothing', v: view({ services: [serviceBuilder('s').selector(undefined).build()] }), want: undefined },
    {
      name: 'the owning rc adds its selector to the services\'',
      v: view({ services: [serviceBuilder('s').selector({ app: 'web' }).build()], rcs: [rcBuilder('front', { tier: 'front' }).build()] }),
      meta: owned('ReplicationController', 'v1', 'front'),
      want: 'app=web,tier=front',
    },
    {
      name: 'the owning replica set adds its label selector',
      v: view({ rss: [replicaSetBuilder('front', { tier: 'front' }).build()] }),
      meta: owned('ReplicaSet', 'apps/v1', 'front'),
      want: 'tier=front',
    },
    { name: 'an owner that does not exist adds nothing', v: view({}), meta: owned('ReplicaSet', 'apps/v1', 'gone'), want: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = labelled(web);
      Object.assign(p.metadata, c.meta ?? {});
      assert.equal(c.v.defaultSelector(p)?.toString(), c.want);
    });
  }

  test('namespace labels, and every namespace for a namespaceSelector', () => {
    const ns = (name: string, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } });
    const v = view({ namespaces: [ns('blue', { team: 'blue' }), ns('bare')] });
    assert.deepEqual(v.namespaceLabels('blue'), { team: 'blue' });
    assert.deepEqual(v.namespaceLabels('bare'), {});
    assert.equal(v.namespaceLabels('missing'), undefined);
    assert.deepEqual([...v.namespaces()], [['blue', { team: 'blue' }], ['bare', {}]]);
  });
});
