/**
 * A control plane that loses its leader lease stops its loops and campaigns again, as
 * kube-controller-manager does when it is restarted after losing leadership: while someone else
 * holds the lease nothing is reconciled or scheduled; once the lease can be had again the loops
 * start afresh and catch up. Also when the lease cannot even be written for a while (its
 * namespace gone, the API refusing): the candidate keeps trying.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Lease, Pod } from '../../src/api/kinds.js';
import { leases, nodes, pods, replicationControllers } from '../../src/api/resources.js';
import { startControlPlane, type ControlPlane } from '../../src/cli/controlplane.js';
import { microTime } from '../../src/api/time.js';
import { waitFor } from '../helpers/cluster.js';
import { rcBuilder } from '../helpers/builders.js';
import { schedNode } from '../scheduler/helpers.js';
import { randomInt, suffix } from './fixtures.js';

process.env['SKIFF_LOG_LEVEL'] ??= 'warn';

let cp: ControlPlane;
let dataDir: string;
const identity = `releader-${suffix()}`;
const node = `node-${suffix()}`;

before(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-releader-'));
  cp = await startControlPlane({ dataDir, listen: '127.0.0.1:0', datastore: 'memory://', identity, leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 });
  await cp.client.create(nodes, schedNode(node).build());
});
after(async () => {
  await cp.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const lease = () => cp.client.get<Lease>(leases, 'kube-system', 'skiff-controller-manager');
const podsOf = async (app: string) => (await cp.client.list<Pod>(pods, 'default', { labelSelector: `app=${app}` })).items;

/** An RC's pods exist and are all bound to the node: the RC controller and the scheduler act. */
async function converges(app: string, replicas: number): Promise<void> {
  await waitFor(`${replicas} scheduled pods of ${app}`, async () => {
    const list = await podsOf(app);
    return list.length === replicas && list.every((p) => p.spec.nodeName === node);
  }, 15_000);
}

async function createRc(app: string, replicas: number): Promise<void> {
  await cp.client.create(replicationControllers, rcBuilder(app, { app }).set('spec.replicas', replicas).build());
}

/** Another candidate holds the lease (fresh renewals) until `release` is called. */
function intruder(name: string): { release(): Promise<void> } {
  let holding = true;
  const hold = async () => {
    while (holding) {
      const stamp = microTime(Date.now());
      const spec = { holderIdentity: name, leaseDurationSeconds: 2, renewTime: stamp, acquireTime: stamp };
      try {
        const current = await lease();
        await cp.client.update<Lease>(leases, { ...current, spec: { ...current.spec, ...spec } });
      } catch {
        await cp.client.create<Lease>(leases, { metadata: { name: 'skiff-controller-manager', namespace: 'kube-system' }, spec }).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const loop = hold();
  return {
    async release() {
      holding = false;
      await loop;
      const current = await lease();
      await cp.client.update<Lease>(leases, { ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
    },
  };
}

test('lease lost to another holder: loops stop, the server campaigns again and the loops resume', async () => {
  const manager = cp.manager!;
  await waitFor('leading', () => manager.isLeading, 10_000);
  assert.equal((await lease()).spec?.holderIdentity, identity);
  const first = `first-${suffix()}`;
  const firstReplicas = randomInt(1, 3);
  await createRc(first, firstReplicas);
  await converges(first, firstReplicas);

  // The lease is taken from us (deleted, then held by someone else).
  await cp.client.delete(leases, 'kube-system', 'skiff-controller-manager');
  const other = intruder(`intruder-${suffix()}`);
  await waitFor('loops stopped', () => !manager.isLeading, 10_000);
  const terms = manager.leadTerms;

  // Nobody reconciles now: a new RC gets no pods.
  const during = `during-${suffix()}`;
  const replicas = randomInt(2, 4);
  await createRc(during, replicas);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await podsOf(during)).length, 0, 'no controller acts while another holds the lease');
  assert.equal(manager.isLeading, false);

  // The other holder goes away: this server wins the lease again and catches up.
  await other.release();
  await waitFor('leading again', () => manager.isLeading, 10_000);
  assert.equal(manager.leadTerms, terms + 1);
  assert.equal((await lease()).spec?.holderIdentity, identity);
  await converges(during, replicas);
});

test('the lease cannot be written for a while: the server keeps campaigning and leads once it can', async () => {
  const manager = cp.manager!;
  await waitFor('leading', () => manager.isLeading, 10_000);
  const terms = manager.leadTerms;
  // The server refuses every lease write for a while (as with its namespace gone or the store
  // away): renewals fail, leadership ends at the renew deadline, campaigns fail and go on.
  const refusing = randomInt(2000, 3000);
  const restore = refuseLeaseWrites(cp);
  await waitFor('loops stopped', () => !manager.isLeading, 10_000);
  await new Promise((r) => setTimeout(r, refusing));
  assert.equal(manager.isLeading, false);
  restore();
  await waitFor('leading again', () => manager.isLeading, 10_000);
  assert.equal(manager.leadTerms, terms + 1);
  const app = `after-${suffix()}`;
  const replicas = randomInt(1, 3);
  await createRc(app, replicas);
  await converges(app, replicas);
});

/** Makes every lease request of the control plane's own client fail (a 503 from the server as
 * the client sees it) until the returned function is called. */
function refuseLeaseWrites(plane: ControlPlane): () => void {
  const client = plane.client as unknown as { request: (method: string, p: string, ...rest: unknown[]) => Promise<unknown> };
  const original = client.request.bind(client);
  client.request = (method: string, p: string, ...rest: unknown[]) =>
    p.includes('/leases') ? Promise.reject(new Error('the server is currently unable to handle the request')) : original(method, p, ...rest);
  return () => {
    client.request = original;
  };
}
