/** Leader election: the lease decision (table-driven), and failover between candidates on one
 * in-process API server and on two API servers sharing a real etcd. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Lease } from '../../src/api/kinds.js';
import { leases, namespaces } from '../../src/api/resources.js';
import { LeaderElector, decideLease } from '../../src/client/leaderelection.js';
import { microTime } from '../../src/api/time.js';
import { loadKubeconfig, RestClient } from '../../src/client/index.js';
import { namespaceBuilder, objectBuilder } from '../helpers/builders.js';
import { startTestCluster, waitFor } from '../helpers/cluster.js';
import { startTestServer } from '../helpers/apiserver.js';
import { startEtcd } from '../helpers/etcd.js';

const t0 = Date.parse('2024-05-01T12:00:00Z');
const lease = (holder: string | undefined, renewedAgoMs: number, durationS = 15, transitions = 3): Lease => objectBuilder('coordination.k8s.io/v1', 'Lease', 'l')
  .set('spec', { ...(holder !== undefined ? { holderIdentity: holder } : {}), renewTime: microTime(t0 - renewedAgoMs), leaseDurationSeconds: durationS, leaseTransitions: transitions })
  .build() as Lease;

const cases: { name: string; lease: Lease | undefined; want: unknown }[] = [
  { name: 'no lease: create it', lease: undefined, want: { action: 'create' } },
  { name: 'held by me: renew', lease: lease('me', 14_000), want: { action: 'renew' } },
  { name: 'held by me even if expired: renew (no transition)', lease: lease('me', 60_000), want: { action: 'renew' } },
  { name: 'held by another, fresh: wait until it expires', lease: lease('other', 5_000), want: { action: 'wait', holder: 'other', expiresAt: t0 + 10_000 } },
  { name: 'held by another, expired: take over, one more transition', lease: lease('other', 15_001), want: { action: 'acquire', transitions: 4 } },
  { name: 'released (empty holder): take at once', lease: lease('', 0, 1), want: { action: 'acquire', transitions: 4 } },
  { name: 'no holder field: take', lease: lease(undefined, 0), want: { action: 'acquire', transitions: 4 } },
  { name: 'exactly at expiry: still wait', lease: lease('other', 15_000), want: { action: 'wait', holder: 'other', expiresAt: t0 } },
];

for (const c of cases) {
  test(`decideLease: ${c.name}`, () => {
    assert.deepEqual(decideLease(c.lease, 'me', t0), c.want);
  });
}

const fast = { leaseDurationMs: 2000, renewDeadlineMs: 1200, retryPeriodMs: 150 };

interface Candidate {
  readonly elector: LeaderElector;
  readonly done: Promise<void>;
  readonly log: string[];
}

function campaign(client: RestClient, identity: string, name: string, extra: { releaseOnCancel?: boolean } = {}): Candidate {
  const log: string[] = [];
  const elector = new LeaderElector({
    client, identity, name, ...fast, ...extra,
    onStartedLeading: () => void log.push('started'),
    onStoppedLeading: () => void log.push('stopped'),
  });
  return { elector, done: elector.run(), log };
}

/** Asserts, while `until` runs, that no two candidates lead at once. */
async function neverTwo(cands: readonly Candidate[], until: Promise<unknown>): Promise<void> {
  let over = false;
  void until.then(() => (over = true), () => (over = true));
  while (!over) {
    assert.ok(cands.filter((c) => c.elector.isLeader).length <= 1, 'two leaders at once');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('two electors on one server: one leads; a clean stop hands over at once, a crash after expiry', async () => {
  const cluster = await startTestCluster();
  const client = cluster.client;
  try {
    for (const [round, crash] of [[1, false], [2, true]] as const) {
      const name = `skiff-controller-manager-${round}`;
      const a = campaign(client, `server-a-${round}`, name, { releaseOnCancel: !crash });
      await waitFor('a leads', () => a.elector.isLeader, 5000);
      const b = campaign(client, `server-b-${round}`, name);
      const cands = [a, b];
      const watch = (p: Promise<unknown>) => Promise.all([p, neverTwo(cands, p)]).then(([v]) => v);
      await watch(new Promise((r) => setTimeout(r, 600)));
      assert.equal(b.elector.isLeader, false, 'b waits while a renews');
      assert.equal(b.elector.leader, `server-a-${round}`);
      const before = await client.get<Lease>(leases, 'kube-system', name);
      assert.equal(before.spec?.holderIdentity, `server-a-${round}`);
      assert.equal(before.spec?.leaseTransitions, 0);
      const stoppedAt = Date.now();
      a.elector.stop();
      await a.done;
      assert.deepEqual(a.log, ['started', 'stopped']);
      await watch(waitFor('b takes over', () => b.elector.isLeader, 6000));
      const took = Date.now() - stoppedAt;
      if (crash) assert.ok(took >= 1000, `a crashed leader's lease must expire first (took ${took} ms)`);
      else assert.ok(took < 1500, `a released lease is taken at once (took ${took} ms)`);
      const after = await client.get<Lease>(leases, 'kube-system', name);
      assert.equal(after.spec?.holderIdentity, `server-b-${round}`);
      assert.equal(after.spec?.leaseTransitions, 1);
      b.elector.stop();
      await b.done;
      const released = await client.get<Lease>(leases, 'kube-system', name);
      assert.equal(released.spec?.holderIdentity, '');
    }
  } finally {
    await cluster.stop();
  }
});

test('the lease\'s namespace missing: the candidate keeps campaigning, says why, and leads once it exists', async () => {
  const cluster = await startTestCluster();
  const ns = `lease-ns-${Math.random().toString(36).slice(2, 7)}`;
  const failures: string[] = [];
  const log: string[] = [];
  const elector = new LeaderElector({
    client: cluster.client, identity: 'lonely', namespace: ns, name: 'cm', ...fast,
    onStartedLeading: () => void log.push('started'),
    onStoppedLeading: () => void log.push('stopped'),
    onAttemptFailed: (err) => void failures.push(err.message),
  });
  const done = elector.run();
  try {
    await waitFor('a few failed attempts', () => failures.length >= 3, 5000);
    assert.equal(elector.isLeader, false);
    assert.deepEqual(log, []);
    assert.match(failures[0]!, new RegExp(`namespaces "${ns}" not found`));
    await cluster.client.create(namespaces, namespaceBuilder(ns).build());
    await waitFor('leads once the namespace exists', () => elector.isLeader, 5000);
    assert.equal((await cluster.client.get<Lease>(leases, ns, 'cm')).spec?.holderIdentity, 'lonely');
    assert.deepEqual(log, ['started']);
  } finally {
    elector.stop();
    await done;
    await cluster.stop();
  }
});

test('a renewal that hangs ends the term at the renew deadline, not later', { timeout: 20_000 }, async () => {
  const cluster = await startTestCluster();
  const failures: string[] = [];
  const elector = new LeaderElector({ client: cluster.client, identity: 'stuck', name: 'hang', ...fast, onAttemptFailed: (err) => void failures.push(err.message) });
  const done = elector.run();
  try {
    await waitFor('leads', () => elector.isLeader, 5000);
    // From now on every request of this client hangs (a server that accepts and never answers).
    const client = cluster.client as unknown as { request: () => Promise<unknown> };
    const hangs = Date.now();
    client.request = () => new Promise(() => undefined);
    await done;
    const took = Date.now() - hangs;
    assert.equal(elector.isLeader, false);
    assert.ok(took <= fast.renewDeadlineMs + fast.retryPeriodMs + 300, `term ended ${took} ms after the last answer (renew deadline ${fast.renewDeadlineMs} ms)`);
    assert.ok(failures.some((m) => /no answer from the API server within \d+ ms/.test(m)), failures.join('; '));
  } finally {
    elector.stop();
    await cluster.stop();
  }
});

test('three candidates racing for one lease: exactly one wins', async () => {
  const cluster = await startTestCluster();
  try {
    const cands = ['x', 'y', 'z'].map((id) => campaign(cluster.client, id, 'race'));
    await waitFor('someone leads', () => cands.some((c) => c.elector.isLeader), 5000);
    await neverTwo(cands, new Promise((r) => setTimeout(r, 800)));
    assert.equal(cands.filter((c) => c.elector.isLeader).length, 1);
    for (const c of cands) c.elector.stop();
    await Promise.all(cands.map((c) => c.done));
  } finally {
    await cluster.stop();
  }
});

test('failover between two API servers on one etcd', async () => {
  const etcd = await startEtcd();
  const dirs = [mkdtempSync(path.join(os.tmpdir(), 'skiff-le-a-')), mkdtempSync(path.join(os.tmpdir(), 'skiff-le-b-'))];
  const servers = [];
  const clients: RestClient[] = [];
  try {
    for (const dir of dirs) {
      const s = await startTestServer({ dataDir: dir, datastore: etcd.url });
      servers.push(s);
      clients.push(new RestClient(loadKubeconfig(s.kubeconfig)));
    }
    const a = campaign(clients[0]!, 'etcd-server-a', 'skiff-scheduler', { releaseOnCancel: false });
    await waitFor('a leads through server A', () => a.elector.isLeader, 8000);
    const b = campaign(clients[1]!, 'etcd-server-b', 'skiff-scheduler');
    await neverTwo([a, b], new Promise((r) => setTimeout(r, 500)));
    assert.equal(b.elector.isLeader, false);
    // A's process "dies": it stops renewing without releasing; B takes over once the lease expires.
    a.elector.stop();
    await a.done;
    const p = waitFor('b leads through server B', () => b.elector.isLeader, 8000);
    await neverTwo([a, b], p);
    const l = await clients[0]!.get<Lease>(leases, 'kube-system', 'skiff-scheduler');
    assert.equal(l.spec?.holderIdentity, 'etcd-server-b');
    assert.equal(l.spec?.leaseTransitions, 1);
    b.elector.stop();
    await b.done;
  } finally {
    for (const c of clients) c.close();
    for (const s of servers) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await etcd.stop();
  }
});
