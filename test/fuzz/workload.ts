/** The normal workload that must still work after a fuzz run: a watch sees a create, and a
 * ReplicationController scales through its scale subresource. Returns what failed, if anything. */
import type { AdminClient } from './api.js';

export async function checkWorkload(admin: AdminClient, ns: string): Promise<string | undefined> {
  const name = `after-${Date.now().toString(36)}`;
  const list = await admin.request('GET', `/api/v1/namespaces/${ns}/configmaps`);
  if (list.status !== 200) return `list: ${list.status} ${list.text.slice(0, 200)}`;
  const watch = admin.watchFor(`/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${list.json.metadata.resourceVersion}`, (e) => e.type === 'ADDED' && e.object?.metadata?.name === name);
  await watch.opened;
  const created = await admin.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' } });
  if (created.status !== 201) return `create: ${created.status} ${created.text.slice(0, 200)}`;
  await watch.event;
  const rc = {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas: 0, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'fuzz.invalid/none:latest' }] } } },
  };
  const made = await admin.request('POST', `/api/v1/namespaces/${ns}/replicationcontrollers`, rc);
  if (made.status !== 201) return `create rc: ${made.status} ${made.text.slice(0, 200)}`;
  const scaled = await admin.request('PUT', `/api/v1/namespaces/${ns}/replicationcontrollers/${name}/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace: ns }, spec: { replicas: 2 } });
  if (scaled.status !== 200) return `scale: ${scaled.status} ${scaled.text.slice(0, 200)}`;
  const read = await admin.request('GET', `/api/v1/namespaces/${ns}/replicationcontrollers/${name}`);
  if (read.json?.spec?.replicas !== 2) return `scaled rc has spec.replicas ${String(read.json?.spec?.replicas)}`;
  // The controller acts: pods appear for the two replicas (their image never starts).
  for (let i = 0; i < 100; i++) {
    const pods = await admin.request('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${name}`);
    if ((pods.json?.items?.length ?? 0) >= 2) break;
    if (i === 99) return `the replication controller made ${pods.json?.items?.length ?? 0} of 2 pods`;
    await new Promise((r) => setTimeout(r, 100));
  }
  const del = await admin.request('DELETE', `/api/v1/namespaces/${ns}/replicationcontrollers/${name}`);
  if (del.status !== 200) return `delete rc: ${del.status}`;
  return undefined;
}
