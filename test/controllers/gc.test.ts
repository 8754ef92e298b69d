/** The garbage collector: its decisions (table-driven) and background, foreground and orphan
 * propagation through a real in-process API server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, OwnerReference } from '../../src/api/types.js';
import { configMaps, pods as podsResource, replicationControllers } from '../../src/api/resources.js';
import { GarbageCollector, decideDependent, decideOwner, type OwnerCheck } from '../../src/controllers/gc/index.js';
import type { RestClient } from '../../src/client/index.js';
import { objectBuilder, podBuilder, rcBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor } from '../helpers/cluster.js';

const ref = (uid: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'v1', kind: 'ReplicationController', name: `rc-${uid}`, uid, ...extra });
const dependent = (refs: OwnerReference[], extra: (b: ReturnType<typeof podBuilder>) => void = () => undefined): KubeObject => {
  const b = podBuilder('dep').uid('dep-uid').set('metadata.ownerReferences', refs);
  extra(b);
  return b.build();
};
const check = (uid: string, state: OwnerCheck['state']): OwnerCheck => ({ ref: ref(uid), state });

const dependentCases: { name: string; dep: KubeObject; owners: OwnerCheck[]; hasDependents?: boolean; want: unknown }[] = [
  { name: 'owner present: keep', dep: dependent([ref('a')]), owners: [check('a', 'present')], want: { action: 'none' } },
  { name: 'owner gone: delete in the background', dep: dependent([ref('a')]), owners: [check('a', 'absent')], want: { action: 'delete', policy: 'Background' } },
  { name: 'one of two owners gone: drop its reference', dep: dependent([ref('a'), ref('b')]), owners: [check('a', 'absent'), check('b', 'present')], want: { action: 'removeOwnerRefs', uids: ['a'] } },
  { name: 'all owners gone', dep: dependent([ref('a'), ref('b')]), owners: [check('a', 'absent'), check('b', 'absent')], want: { action: 'delete', policy: 'Background' } },
  { name: 'owner deleting in the foreground: delete', dep: dependent([ref('a')]), owners: [check('a', 'waitingForDependents')], want: { action: 'delete', policy: 'Background' } },
  { name: 'foreground owner, dependent with dependents: cascade in the foreground', dep: dependent([ref('a')]), owners: [check('a', 'waitingForDependents')], hasDependents: true, want: { action: 'delete', policy: 'Foreground' } },
  { name: 'foreground owner and a solid owner: drop only the waiting reference', dep: dependent([ref('a'), ref('b')]), owners: [check('a', 'waitingForDependents'), check('b', 'present')], want: { action: 'removeOwnerRefs', uids: ['a'] } },
  { name: 'unresolvable owner kind: keep', dep: dependent([ref('a')]), owners: [check('a', 'unresolvable')], want: { action: 'none' } },
  { name: 'dependent already being deleted: nothing to do', dep: dependent([ref('a')], (b) => b.set('metadata.deletionTimestamp', '2024-01-01T00:00:00Z')), owners: [check('a', 'absent')], want: { action: 'none' } },
  { name: 'dependent carrying the orphan finalizer is deleted with Orphan', dep: dependent([ref('a')], (b) => b.set('metadata.finalizers', ['orphan'])), owners: [check('a', 'absent')], want: { action: 'delete', policy: 'Orphan' } },
  { name: 'no owners: nothing', dep: dependent([]), owners: [], want: { action: 'none' } },
];

for (const c of dependentCases) {
  test(`decideDependent: ${c.name}`, () => {
    assert.deepEqual(decideDependent(c.dep, c.owners, c.hasDependents ?? false), c.want);
  });
}

const owner = (finalizers: string[], deleting = true): KubeObject =>
  rcBuilder('owner').uid('o').set('metadata.finalizers', finalizers).set('metadata.deletionTimestamp', deleting ? '2024-01-01T00:00:00Z' : undefined).build();
const dep = (name: string, refs: OwnerReference[], deleting = false): KubeObject =>
  podBuilder(name).uid(name).set('metadata.ownerReferences', refs).set('metadata.deletionTimestamp', deleting ? '2024-01-01T00:00:00Z' : undefined).build();
const names = (os: readonly KubeObject[]) => os.map((o) => o.metadata.name);

test('decideOwner: cases', () => {
  const blocking = dep('blocking', [ref('o', { blockOwnerDeletion: true })]);
  const loose = dep('loose', [ref('o')]);
  const going = dep('going', [ref('o', { blockOwnerDeletion: true })], true);
  const other = dep('other', [ref('x')]);
  const cases: { name: string; owner: KubeObject; deps: KubeObject[]; want: unknown }[] = [
    { name: 'not being deleted', owner: owner(['foregroundDeletion'], false), deps: [blocking], want: { action: 'none' } },
    { name: 'no GC finalizer', owner: owner(['example.com/x']), deps: [blocking], want: { action: 'none' } },
    { name: 'orphan: every dependent of this owner', owner: owner(['orphan']), deps: [blocking, loose, other], want: { action: 'orphan', dependents: ['blocking', 'loose'] } },
    { name: 'foreground: delete the live ones, wait for blocking ones (deleting ones still block)', owner: owner(['foregroundDeletion']), deps: [blocking, loose, going, other], want: { action: 'foreground', toDelete: ['blocking', 'loose'], blocking: ['blocking', 'going'] } },
    { name: 'foreground with only non-blocking dependents: nothing blocks', owner: owner(['foregroundDeletion']), deps: [loose], want: { action: 'foreground', toDelete: ['loose'], blocking: [] } },
  ];
  for (const c of cases) {
    const d = decideOwner(c.owner, c.deps);
    const got = d.action === 'orphan' ? { action: 'orphan', dependents: names(d.dependents) }
      : d.action === 'foreground' ? { action: 'foreground', toDelete: names(d.toDelete), blocking: names(d.blocking) } : d;
    assert.deepEqual(got, c.want, c.name);
  }
});

async function gone(client: RestClient, r: typeof podsResource, ns: string, name: string): Promise<boolean> {
  try {
    await client.get(r, ns, name);
    return false;
  } catch (err) {
    return (err as { code?: number }).code === 404;
  }
}

async function makePods(client: RestClient, prefix: string, n: number, refs: OwnerReference[], extra: Record<string, unknown> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${prefix}-${i}`;
    const b = podBuilder(name).set('metadata.ownerReferences', refs);
    for (const [k, v] of Object.entries(extra)) b.set(k, v);
    await client.create(podsResource, b.build());
    out.push(name);
  }
  return out;
}

test('garbage collector: background, foreground and orphan propagation; dangling references', async () => {
  const cluster = await startTestCluster();
  const ctx = cluster.context();
  const gc = new GarbageCollector(ctx);
  const client = cluster.client;
  void ctx.informers.start();
  const running = gc.start();
  const ns = 'default';
  try {
    // Background: a ConfigMap owns three pods; a fourth pod also has a surviving owner.
    const cm = await client.create(configMaps, objectBuilder('v1', 'ConfigMap', 'owner-cm').build());
    const keeper = await client.create(configMaps, objectBuilder('v1', 'ConfigMap', 'keeper').build());
    const cmRef: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner-cm', uid: cm.metadata.uid! };
    const keeperRef: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keeper', uid: keeper.metadata.uid! };
    const bg = await makePods(client, 'bg', 3, [cmRef]);
    await makePods(client, 'shared', 1, [cmRef, keeperRef]);
    await new Promise((r) => setTimeout(r, 200));
    for (const p of bg) assert.equal(await gone(client, podsResource, ns, p), false, 'owned pods stay while the owner exists');
    await client.delete(configMaps, ns, 'owner-cm');
    for (const p of bg) await waitFor(`${p} collected`, () => gone(client, podsResource, ns, p));
    const shared = await waitFor('shared pod keeps only the surviving owner', async () => {
      const p = await client.get(podsResource, ns, 'shared-0');
      return (p.metadata.ownerReferences ?? []).length === 1 ? p : undefined;
    });
    assert.equal(shared.metadata.ownerReferences?.[0]?.uid, keeper.metadata.uid);

    // Foreground: an RC owns pods, one blocks and holds a finalizer of its own.
    const rc = await client.create(replicationControllers, rcBuilder('fg-rc').replicas(0).build());
    const rcRef: OwnerReference = { apiVersion: 'v1', kind: 'ReplicationController', name: 'fg-rc', uid: rc.metadata.uid!, controller: true, blockOwnerDeletion: true };
    const fg = await makePods(client, 'fg', 2, [rcRef]);
    await makePods(client, 'held', 1, [rcRef], { 'metadata.finalizers': ['example.com/hold'] });
    const res = await client.delete(replicationControllers, ns, 'fg-rc', { propagationPolicy: 'Foreground' });
    assert.ok(res.metadata.deletionTimestamp, 'foreground deletion only marks the owner');
    assert.ok(res.metadata.finalizers?.includes('foregroundDeletion'));
    for (const p of fg) await waitFor(`${p} deleted first`, () => gone(client, podsResource, ns, p));
    await waitFor('held pod marked', async () => (await client.get(podsResource, ns, 'held-0')).metadata.deletionTimestamp !== undefined);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await gone(client, replicationControllers, ns, 'fg-rc'), false, 'owner waits for its blocking dependent');
    const held = await client.get(podsResource, ns, 'held-0');
    held.metadata.finalizers = [];
    await client.update(podsResource, held);
    await waitFor('owner gone after its last dependent', () => gone(client, replicationControllers, ns, 'fg-rc'));

    // Orphan: the owner goes, its dependents stay without the reference.
    const rc2 = await client.create(replicationControllers, rcBuilder('orphan-rc').replicas(0).build());
    const rc2Ref: OwnerReference = { apiVersion: 'v1', kind: 'ReplicationController', name: 'orphan-rc', uid: rc2.metadata.uid!, controller: true, blockOwnerDeletion: true };
    const orphans = await makePods(client, 'orph', 4, [rc2Ref]);
    await client.delete(replicationControllers, ns, 'orphan-rc', { propagationPolicy: 'Orphan' });
    await waitFor('orphaning owner gone', () => gone(client, replicationControllers, ns, 'orphan-rc'));
    for (const p of orphans) {
      const pod = await client.get(podsResource, ns, p);
      assert.deepEqual(pod.metadata.ownerReferences ?? [], [], `${p} orphaned`);
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const p of orphans) assert.equal(await gone(client, podsResource, ns, p), false, `${p} survives`);

    // A chain collapses: ConfigMap → ConfigMap → pods, deleting the root in the foreground.
    const root = await client.create(configMaps, objectBuilder('v1', 'ConfigMap', 'root').build());
    const mid = await client.create(configMaps, objectBuilder('v1', 'ConfigMap', 'mid')
      .set('metadata.ownerReferences', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'root', uid: root.metadata.uid!, blockOwnerDeletion: true }]).build());
    const leaves = await makePods(client, 'leaf', 3, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'mid', uid: mid.metadata.uid!, blockOwnerDeletion: true }]);
    await client.delete(configMaps, ns, 'root', { propagationPolicy: 'Foreground' });
    await waitFor('root gone', () => gone(client, configMaps, ns, 'root'));
    assert.equal(await gone(client, configMaps, ns, 'mid'), true, 'foreground: the middle went before the root');
    for (const p of leaves) assert.equal(await gone(client, podsResource, ns, p), true, `foreground cascades to ${p}`);

    // A reference to an owner that never existed (or was recreated under a new uid) is dangling.
    await client.create(configMaps, objectBuilder('v1', 'ConfigMap', 'reborn').build());
    await makePods(client, 'dangling', 2, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'reborn', uid: '00000000-0000-0000-0000-000000000000' }]);
    for (const p of ['dangling-0', 'dangling-1']) await waitFor(`${p} collected`, () => gone(client, podsResource, ns, p));
  } finally {
    gc.stop();
    await running;
    await cluster.stop();
  }
});
