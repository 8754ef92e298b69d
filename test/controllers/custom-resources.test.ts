/** Custom resources in namespace deletion and garbage collection, through a real in-process API
 * server: a namespace's custom objects are deleted before the namespace goes, ownerReferences work
 * to and from custom objects (a ConfigMap owned by a custom object, a custom object owned by a
 * Deployment), and a watch of a custom resource ends when its CRD is deleted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { KubeObject, OwnerReference } from '../../src/api/types.js';
import type { ResourceType } from '../../src/api/resources.js';
import { configMaps, customResourceDefinitions, deployments, namespaces } from '../../src/api/resources.js';
import { crdResourceType } from '../../src/api/crd/index.js';
import { GarbageCollector } from '../../src/controllers/gc/index.js';
import { NamespaceController } from '../../src/controllers/namespace/index.js';
import type { RestClient } from '../../src/client/index.js';
import { deploymentBuilder, namespaceBuilder, objectBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor } from '../helpers/cluster.js';

const suffix = (): string => randomBytes(3).toString('hex');

function crd(group: string, plural: string, kind: string, scope: 'Namespaced' | 'Cluster' = 'Namespaced'): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.${group}` },
    spec: {
      group, scope, names: { plural, singular: kind.toLowerCase(), kind },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

async function established(client: RestClient, def: KubeObject): Promise<ResourceType> {
  await client.create(customResourceDefinitions, def);
  return waitFor(`${def.metadata.name} established`, async () => crdResourceType(await client.get(customResourceDefinitions, undefined, def.metadata.name!)));
}

const custom = (r: ResourceType, name: string, namespace: string, owners: OwnerReference[] = []): KubeObject => ({
  apiVersion: `${r.group}/${r.storageVersion}`, kind: r.kind,
  metadata: { name, namespace, ...(owners.length ? { ownerReferences: owners } : {}) }, spec: { size: name.length },
});

const refTo = (o: KubeObject): OwnerReference => ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name!, uid: o.metadata.uid! });

async function gone(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch (err) {
    return (err as { code?: number }).code === 404;
  }
}

test('namespace deletion deletes custom objects first; the GC follows references to and from them; watches end with the CRD', async () => {
  const cluster = await startTestCluster();
  const ctx = cluster.context();
  const client = cluster.client;
  const gc = new GarbageCollector(ctx);
  const nsController = new NamespaceController(ctx, { recheckMs: 200 });
  void ctx.informers.start();
  const running = [gc.start(), nsController.start()];
  try {
    const group = `t${suffix()}.example.com`;
    const widgets = await established(client, crd(group, 'widgets', 'Widget'));
    const gadgets = await established(client, crd(group, 'gadgets', 'Gadget'));

    // A namespace holding custom objects of two kinds (counts vary) and a ConfigMap.
    const ns = `team-${suffix()}`;
    await client.create(namespaces, namespaceBuilder(ns).build());
    const counts = { widgets: 2 + Math.floor(Math.random() * 3), gadgets: 1 + Math.floor(Math.random() * 3) };
    for (let i = 0; i < counts.widgets; i++) await client.create(widgets, custom(widgets, `w${i}`, ns));
    for (let i = 0; i < counts.gadgets; i++) await client.create(gadgets, custom(gadgets, `g${i}`, ns));
    await client.create(configMaps, objectBuilder('v1', 'ConfigMap', 'settings').namespace(ns).build());
    await client.delete(namespaces, undefined, ns);
    await waitFor(`namespace ${ns} gone`, () => gone(() => client.get(namespaces, undefined, ns)), 20_000);
    assert.equal((await client.list(widgets, ns)).items.length, 0, 'widgets deleted with the namespace');
    assert.equal((await client.list(gadgets, ns)).items.length, 0, 'gadgets deleted with the namespace');

    // A ConfigMap owned by a custom object goes with it.
    const w = await client.create(widgets, custom(widgets, `owner-${suffix()}`, 'default'));
    const cms = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, (_, i) => `owned-${i}-${suffix()}`);
    for (const name of cms) await client.create(configMaps, objectBuilder('v1', 'ConfigMap', name).set('metadata.ownerReferences', [refTo(w)]).build());
    await new Promise((r) => setTimeout(r, 300));
    for (const name of cms) assert.equal(await gone(() => client.get(configMaps, 'default', name)), false, 'kept while its owner exists');
    await client.delete(widgets, 'default', w.metadata.name!);
    for (const name of cms) await waitFor(`${name} collected`, () => gone(() => client.get(configMaps, 'default', name)));

    // A custom object owned by a Deployment goes with the Deployment.
    const d = await client.create(deployments, deploymentBuilder(`app-${suffix()}`).build());
    const g = await client.create(gadgets, custom(gadgets, `dep-${suffix()}`, 'default', [refTo(d)]));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await gone(() => client.get(gadgets, 'default', g.metadata.name!)), false);
    await client.delete(deployments, 'default', d.metadata.name!);
    await waitFor('gadget collected with its deployment', () => gone(() => client.get(gadgets, 'default', g.metadata.name!)));

    // A CRD established after its dependents were made: they are collected once it is known.
    const late = crd(group, 'sprockets', 'Sprocket');
    const orphanCm = `dangling-${suffix()}`;
    await client.create(configMaps, objectBuilder('v1', 'ConfigMap', orphanCm).set('metadata.ownerReferences', [
      { apiVersion: `${group}/v1`, kind: 'Sprocket', name: 'never-made', uid: `uid-${suffix()}` },
    ]).build());
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await gone(() => client.get(configMaps, 'default', orphanCm)), false, 'an owner of an unknown kind keeps its dependent');
    await established(client, late);
    await waitFor('dependent of a missing custom owner collected', () => gone(() => client.get(configMaps, 'default', orphanCm)));

    // A watch of a custom resource ends when its CRD is deleted.
    await client.create(widgets, custom(widgets, 'watched', 'default'));
    const events: string[] = [];
    const ended = new Promise<Error | undefined>((resolve) => {
      client.watch(widgets, 'default', { resourceVersion: '0' }, (e) => events.push(`${e.type} ${e.object.metadata?.name ?? ''}`), resolve);
    });
    await waitFor('watch open', () => events.includes('ADDED watched'));
    await client.delete(customResourceDefinitions, undefined, `widgets.${group}`);
    const err = await Promise.race([ended, new Promise<string>((r) => setTimeout(() => r('still open'), 15_000))]);
    assert.notEqual(err, 'still open', 'the watch ended');
    assert.ok(events.includes('DELETED watched'), `the object's deletion was seen first: ${events.join(', ')}`);
  } finally {
    gc.stop();
    nsController.stop();
    await Promise.allSettled(running);
    await cluster.stop();
  }
});
