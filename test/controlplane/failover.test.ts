/** Leader failover: two `skiff server` processes on one etcd run one set of control loops between
 * them; SIGKILL the leader and the other takes the lease over and keeps the cluster converging. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Lease, Pod } from '../../src/api/kinds.js';
import { leases, pods, replicationControllers } from '../../src/api/resources.js';
import { loadKubeconfig, RestClient } from '../../src/client/index.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { startServerProcess, type ServerProcess } from '../helpers/serverprocess.js';
import { waitFor } from '../helpers/cluster.js';
import { rcBuilder } from '../helpers/builders.js';
import { suffix } from './fixtures.js';

interface Server {
  readonly proc: ServerProcess;
  readonly dir: string;
  readonly client: RestClient;
}

async function startServer(etcdUrl: string): Promise<Server> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-failover-'));
  const proc = await startServerProcess(dir, [
    '--datastore', etcdUrl, '--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', '500ms',
  ], { env: { SKIFF_LOG_LEVEL: 'warn' } });
  return { proc, dir, client: new RestClient(loadKubeconfig(proc.kubeconfig)) };
}

let etcd: EtcdServer;
const servers: Server[] = [];
before(async () => {
  etcd = await startEtcd();
  servers.push(await startServer(etcd.url), await startServer(etcd.url));
});
after(async () => {
  for (const s of servers) {
    s.client.close();
    await s.proc.stop();
    rmSync(s.dir, { recursive: true, force: true });
  }
  await etcd.stop();
});

const holder = async (client: RestClient) => (await client.get<Lease>(leases, 'kube-system', 'skiff-controller-manager')).spec?.holderIdentity ?? '';
const pidOf = (identity: string) => Number(identity.split('_')[1]);

async function replicasRunBy(client: RestClient, name: string, replicas: number): Promise<void> {
  await client.create(replicationControllers, rcBuilder(name, { app: name }).set('spec.replicas', replicas).build());
  await waitFor(`${replicas} pods of ${name}`, async () => (await client.list<Pod>(pods, 'default', { labelSelector: `app=${name}` })).items.length === replicas, 20_000);
}

test('one leader; SIGKILL it and the other server takes over the control loops', async () => {
  const [a, b] = servers as [Server, Server];
  const first = await waitFor('a leader', async () => (await holder(a.client)) || undefined, 20_000);
  const leader = servers.find((s) => s.proc.child.pid === pidOf(first));
  assert.ok(leader, `lease holder ${first} is one of the two servers`);
  const survivor = leader === a ? b : a;
  // Both servers answer the API and see the same lease.
  assert.equal(await holder(survivor.client), first);
  await replicasRunBy(survivor.client, `before-${suffix()}`, 2);

  leader.proc.child.kill('SIGKILL');
  const second = await waitFor('a new leader', async () => {
    const h = await holder(survivor.client);
    return h && h !== first ? h : undefined;
  }, 20_000);
  assert.equal(pidOf(second), survivor.proc.child.pid);
  const lease = await survivor.client.get<Lease>(leases, 'kube-system', 'skiff-controller-manager');
  assert.ok((lease.spec?.leaseTransitions ?? 0) >= 1);
  // The new leader's loops work: a new RC gets its pods.
  await replicasRunBy(survivor.client, `after-${suffix()}`, 3);
});
