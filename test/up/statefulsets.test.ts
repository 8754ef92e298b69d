/** StatefulSets on `skiff up` (process runtime) with the real kubectl: ordered creation seen
 * through `kubectl get pods -w`, stable names and hostnames that the cluster DNS resolves,
 * scale down in reverse order, Parallel, a partitioned rolling update, rollout
 * status/history/undo/restart, OnDelete, and the validation users meet. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod, Service, StatefulSet } from '../../src/api/kinds.js';
import { services, statefulSets } from '../../src/api/resources.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, randomInt, suffix } from '../controlplane/fixtures.js';
import { headlessService, whoamiSts } from './fixtures.js';
import { ask } from '../dns/client.js';

interface WatchRow { event: string; name: string; ready: string; status: string }

/** `kubectl get pods -l SEL -w --output-watch-events`, its rows as they come. The 1.32 binary
 * itself, not the dispatcher on PATH, so that stopping it stops the watch. */
function watchPods(c: UpCluster, selector: string): { rows: WatchRow[]; stop(): Promise<void> } {
  const rows: WatchRow[] = [];
  const child: ChildProcess = spawn(kubectlBinary(32), [
    `--kubeconfig=${c.cp.server.kubeconfigPath}`, `--cache-dir=${mkdtempSync(path.join(os.tmpdir(), 'kc-sts-'))}`,
    'get', 'pods', '-l', selector, '-w', '--output-watch-events',
  ], { env: { ...process.env, HOME: os.tmpdir() } });
  let buf = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      const [event, name, ready, status] = line.trim().split(/\s+/);
      if (!event || event === 'EVENT' || !name) continue;
      rows.push({ event, name, ready: ready ?? '', status: status ?? '' });
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    rows,
    async stop() {
      child.kill();
      await exited;
    },
  };
}

function ordinalNames(name: string, from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `${name}-${from + i}`);
}

describe('StatefulSets on skiff up', () => {
  let c: UpCluster;
  let dnsIP: string;
  before(async () => {
    c = await startUpCluster({ nodes: 2 });
    const svc = await waitFor('kube-dns', async () => c.cp.client.get<Service>(services, 'kube-system', 'kube-dns').catch(() => undefined));
    dnsIP = svc.spec.clusterIP!;
  });
  after(async () => {
    await c.stop();
  });
  const client = () => c.cp.client;
  const sts = (name: string) => client().get<StatefulSet>(statefulSets, 'default', name);
  const runningReady = async (app: string, n: number): Promise<Pod[] | undefined> => {
    const list = live(await podsWith(client(), 'default', `app=${app}`));
    return list.length === n && list.every((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) ? list : undefined;
  };

  test('OrderedReady: pods come up one by one in ordinal order, with stable names and DNS names; scale down goes in reverse', async () => {
    const name = `web-${suffix()}`;
    const svc = `${name}-hl`;
    const replicas = randomInt(3, 4);
    const watch = watchPods(c, `app=${name}`);
    try {
      await c.kubectl.ok(['create', '-f', '-'], { input: headlessService(svc, { app: name }) });
      await c.kubectl.ok(['create', '-f', '-'], { input: whoamiSts(name, svc, replicas, { app: name }) });
      const pods = await waitFor('all pods ready', () => runningReady(name, replicas), 60_000, 100);
      assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ordinalNames(name, 0, replicas));
      // Each pod first appears only after the one before it was Running and 1/1 ready.
      for (let i = 1; i < replicas; i++) {
        const firstAdded = watch.rows.findIndex((r) => r.name === `${name}-${i}`);
        const prevReady = watch.rows.findIndex((r) => r.name === `${name}-${i - 1}` && r.ready === '1/1' && r.status === 'Running');
        assert.ok(firstAdded > prevReady && prevReady >= 0, `${name}-${i} appeared (row ${firstAdded}) before ${name}-${i - 1} was ready (row ${prevReady}): ${JSON.stringify(watch.rows)}`);
      }
      for (const p of pods) {
        const ord = Number(p.metadata.name!.slice(name.length + 1));
        assert.equal(p.spec.hostname, p.metadata.name);
        assert.equal(p.spec.subdomain, svc);
        assert.equal(p.metadata.labels?.['statefulset.kubernetes.io/pod-name'], p.metadata.name);
        assert.equal(p.metadata.labels?.['apps.kubernetes.io/pod-index'], String(ord));
        assert.match(p.metadata.labels?.['controller-revision-hash'] ?? '', new RegExp(`^${name}-[a-z0-9]+$`));
      }
      // NAME-i.SERVICE.default.svc.cluster.local is the pod's address.
      const target = pods[randomInt(0, replicas - 1)]!;
      const fq = `${target.metadata.name}.${svc}.default.svc.cluster.local`;
      const answer = await waitFor(`DNS answer for ${fq}`, async () => {
        const r = await ask(53, fq, 'A', { timeoutMs: 500 }, dnsIP).catch(() => undefined);
        return r?.answers?.length ? r : undefined;
      }, 15_000, 100);
      assert.deepEqual(answer.answers!.map((a) => (a as { data: unknown }).data), [target.status?.podIP]);

      const table = await c.kubectl.ok(['get', 'sts', name]);
      assert.match(table, /^NAME\s+READY\s+AGE\s*$/m);
      assert.match(table, new RegExp(`^${name}\\s+${replicas}/${replicas}\\s+\\d+s`, 'm'));
      const status = (await sts(name)).status!;
      assert.equal(status.replicas, replicas);
      assert.equal(status.readyReplicas, replicas);
      assert.equal(status.currentReplicas, replicas);
      assert.equal(status.updatedReplicas, replicas);
      assert.equal(status.availableReplicas, replicas);
      assert.equal(status.currentRevision, status.updateRevision);
      assert.equal(status.observedGeneration, 1);
      assert.equal(status.collisionCount, 0);

      // Scale down to one: the highest ordinal goes first, each after the one above it is gone.
      assert.match(await c.kubectl.ok(['scale', 'sts', name, '--replicas=1']), new RegExp(`statefulset.apps/${name} scaled`));
      await waitFor('one pod left', async () => (await podsWith(client(), 'default', `app=${name}`)).length === 1, 60_000, 100);
      const deleted = watch.rows.filter((r) => r.event === 'DELETED').map((r) => r.name);
      assert.deepEqual(deleted, ordinalNames(name, 1, replicas).reverse());
      for (let i = replicas - 1; i > 1; i--) {
        const goneAbove = watch.rows.findIndex((r) => r.event === 'DELETED' && r.name === `${name}-${i}`);
        const terminatingBelow = watch.rows.findIndex((r) => r.name === `${name}-${i - 1}` && r.event === 'MODIFIED' && r.status === 'Terminating');
        assert.ok(terminatingBelow < 0 || terminatingBelow > goneAbove, `${name}-${i - 1} terminated before ${name}-${i} was gone`);
      }
      await waitFor('status follows the scale', async () => ((await sts(name)).status?.replicas === 1 ? true : undefined), 10_000);
    } finally {
      await watch.stop();
    }
    await c.kubectl.ok(['delete', 'sts', name]);
    await c.kubectl.ok(['delete', 'svc', svc]);
  });

  test('Parallel: every pod at once; a deleted pod comes back under the same name', async () => {
    const name = `par-${suffix()}`;
    const replicas = randomInt(3, 5);
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiSts(name, name, replicas, { app: name }, { policy: 'Parallel' }) });
    const pods = await waitFor('all pods ready', () => runningReady(name, replicas), 60_000, 100);
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ordinalNames(name, 0, replicas));
    const victim = pods[randomInt(0, replicas - 1)]!;
    await c.kubectl.ok(['delete', 'pod', victim.metadata.name!]);
    const back = await waitFor('the pod is back', async () => {
      const list = await runningReady(name, replicas);
      const p = list?.find((x) => x.metadata.name === victim.metadata.name);
      return p && p.metadata.uid !== victim.metadata.uid ? p : undefined;
    }, 60_000, 100);
    assert.equal(back.spec.hostname, victim.metadata.name);
    const described = await c.kubectl.ok(['describe', 'sts', name]);
    assert.match(described, new RegExp(`Replicas:\\s+${replicas} desired \\| ${replicas} total`));
    assert.match(described, new RegExp(`Pods Status:\\s+${replicas} Running / 0 Waiting / 0 Succeeded / 0 Failed`));
    assert.match(described, new RegExp(`SuccessfulCreate\\s+.*statefulset-controller\\s+create Pod ${victim.metadata.name} in StatefulSet ${name} successful`));
    await c.kubectl.ok(['delete', 'sts', name]);
  });

  test('RollingUpdate with a partition, rollout status/history/undo/restart', async () => {
    const name = `db-${suffix()}`;
    const replicas = randomInt(3, 4);
    const partition = randomInt(1, replicas - 1);
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiSts(name, name, replicas, { app: name }, { partition, policy: 'Parallel' }) });
    assert.match(await c.kubectl.ok(['rollout', 'status', `sts/${name}`, '--timeout=60s']), /partitioned roll out complete: \d+ new pods have been updated/);
    await waitFor('all pods ready', () => runningReady(name, replicas), 60_000, 100);
    const first = (await sts(name)).status!;
    await c.kubectl.ok(['set', 'env', `sts/${name}`, `VERSION=${suffix()}`]);
    const out = await c.kubectl.ok(['rollout', 'status', `sts/${name}`, '--timeout=90s']);
    assert.match(out, new RegExp(`partitioned roll out complete: ${replicas - partition} new pods have been updated`));
    const mid = (await sts(name)).status!;
    assert.notEqual(mid.updateRevision, first.updateRevision);
    assert.equal(mid.currentRevision, first.currentRevision);
    const byName = new Map((await waitFor('ready again', () => runningReady(name, replicas), 60_000, 100)).map((p) => [p.metadata.name, p]));
    for (let i = 0; i < replicas; i++) {
      const want = i < partition ? first.updateRevision : mid.updateRevision;
      assert.equal(byName.get(`${name}-${i}`)?.metadata.labels?.['controller-revision-hash'], want, `${name}-${i}`);
      assert.equal(byName.get(`${name}-${i}`)?.spec.containers[0]?.env?.some((e) => e.name === 'VERSION'), i >= partition);
    }
    assert.equal(mid.updatedReplicas, replicas - partition);
    assert.equal(mid.currentReplicas, partition);

    // Partition 0: the rest follow, and the update revision becomes the current one.
    await c.kubectl.ok(['patch', 'sts', name, '-p', JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } })]);
    await c.kubectl.ok(['rollout', 'status', `sts/${name}`, '--timeout=90s']);
    const done = await waitFor('update complete', async () => {
      const s = (await sts(name)).status;
      return s && s.currentRevision === mid.updateRevision && s.updatedReplicas === replicas && s.readyReplicas === replicas ? s : undefined;
    }, 60_000, 100);
    assert.equal(done.currentReplicas, replicas);
    const history = await c.kubectl.ok(['rollout', 'history', `sts/${name}`]);
    assert.match(history, /REVISION\s+CHANGE-CAUSE/);
    assert.match(history, /^1\s+<none>/m);
    assert.match(history, /^2\s+<none>/m);
    const revs = await c.kubectl.ok(['get', 'controllerrevisions', '-l', `app=${name}`]);
    assert.match(revs, /^NAME\s+CONTROLLER\s+REVISION\s+AGE/m);
    assert.match(revs, new RegExp(`^${first.updateRevision}\\s+statefulset.apps/${name}\\s+1\\s`, 'm'));
    assert.match(revs, new RegExp(`^${mid.updateRevision}\\s+statefulset.apps/${name}\\s+2\\s`, 'm'));

    // Undo: back to the first template, whose revision is renumbered 3.
    assert.match(await c.kubectl.ok(['rollout', 'undo', `sts/${name}`]), new RegExp(`statefulset.apps/${name} rolled back`));
    await waitFor('rolled back', async () => {
      const s = (await sts(name)).status;
      return s && s.updateRevision === first.updateRevision && s.currentRevision === first.updateRevision && s.readyReplicas === replicas ? s : undefined;
    }, 90_000, 100);
    const pods = await waitFor('pods at the first template', async () => {
      const list = await runningReady(name, replicas);
      return list?.every((p) => !p.spec.containers[0]?.env?.some((e) => e.name === 'VERSION')) ? list : undefined;
    }, 60_000, 100);
    assert.ok(pods.every((p) => p.metadata.labels?.['controller-revision-hash'] === first.updateRevision));
    assert.match(await c.kubectl.ok(['rollout', 'history', `sts/${name}`]), /^3\s+<none>/m);
    assert.match(await c.kubectl.ok(['rollout', 'history', `sts/${name}`, '--revision=3']), /Pod Template:/);

    // Restart: every pod is replaced, the names stay.
    const before = new Map(pods.map((p) => [p.metadata.name, p.metadata.uid]));
    assert.match(await c.kubectl.ok(['rollout', 'restart', `sts/${name}`]), new RegExp(`statefulset.apps/${name} restarted`));
    await c.kubectl.ok(['rollout', 'status', `sts/${name}`, '--timeout=90s']);
    const after = await waitFor('every pod replaced', async () => {
      const list = await runningReady(name, replicas);
      return list?.every((p) => before.has(p.metadata.name) && before.get(p.metadata.name) !== p.metadata.uid) ? list : undefined;
    }, 60_000, 100);
    assert.equal(after.length, replicas);
    await c.kubectl.ok(['delete', 'sts', name]);
  });

  test('OnDelete: a new template reaches a pod only when it is deleted; kubectl 1.27 reads the set', async () => {
    const name = `ond-${suffix()}`;
    const replicas = randomInt(2, 3);
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiSts(name, name, replicas, { app: name }, { strategy: 'OnDelete' }) });
    const pods = await waitFor('all pods ready', () => runningReady(name, replicas), 60_000, 100);
    await c.kubectl.ok(['set', 'env', `sts/${name}`, `STAMP=${suffix()}`]);
    const s = await waitFor('new update revision', async () => {
      const x = (await sts(name)).status;
      return x && x.observedGeneration === 2 ? x : undefined;
    }, 10_000);
    assert.notEqual(s.updateRevision, s.currentRevision);
    await new Promise((r) => setTimeout(r, 1500));
    const still = live(await podsWith(client(), 'default', `app=${name}`));
    assert.deepEqual(still.map((p) => p.metadata.uid).sort(), pods.map((p) => p.metadata.uid).sort(), 'no pod replaced on its own');
    const victim = `${name}-${randomInt(0, replicas - 1)}`;
    await c.kubectl.ok(['delete', 'pod', victim]);
    const back = await waitFor('recreated at the new revision', async () => {
      const list = await runningReady(name, replicas);
      const p = list?.find((x) => x.metadata.name === victim);
      return p && p.metadata.labels?.['controller-revision-hash'] === s.updateRevision ? p : undefined;
    }, 60_000, 100);
    assert.ok(back.spec.containers[0]?.env?.some((e) => e.name === 'STAMP'));
    const old = new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27));
    assert.match(await old.ok(['get', 'statefulsets']), new RegExp(`^${name}\\s+${replicas}/${replicas}\\s`, 'm'));
    assert.match(await old.ok(['rollout', 'history', `statefulset/${name}`]), /^2\s+<none>/m);
    const refused = await c.kubectl.run(['rollout', 'status', `sts/${name}`]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /rollout status is only available for RollingUpdate strategy type/);
    await c.kubectl.ok(['delete', 'sts', name]);
  });

  test('validation: a claim template without access modes, a selector that misses the template, an unknown policy, spec changes beyond the mutable fields', async () => {
    const name = `bad-${suffix()}`;
    const base = JSON.parse(JSON.stringify((await import('yaml')).parse(whoamiSts(name, name, 1, { app: name })))) as Record<string, Record<string, unknown>>;
    const withSpec = (extra: Record<string, unknown>): string => JSON.stringify({ ...base, spec: { ...base['spec'], ...extra } });
    const claims = await c.kubectl.run(['create', '-f', '-'], { input: withSpec({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }] }) });
    assert.notEqual(claims.code, 0);
    assert.match(claims.stderr, /spec\.volumeClaimTemplates\[0\]\.spec\.accessModes: Required value: at least 1 access mode is required/);
    const mismatch = await c.kubectl.run(['create', '-f', '-'], { input: withSpec({ selector: { matchLabels: { app: 'other' } } }) });
    assert.match(mismatch.stderr, /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
    const policy = await c.kubectl.run(['create', '-f', '-'], { input: withSpec({ podManagementPolicy: 'Random' }) });
    assert.match(policy.stderr, /spec\.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'/);
    const strategy = await c.kubectl.run(['create', '-f', '-'], { input: withSpec({ updateStrategy: { type: 'Sometimes' } }) });
    assert.match(strategy.stderr, /spec\.updateStrategy\.type: Unsupported value: "Sometimes"/);
    // An empty claim list is no claim at all.
    await c.kubectl.ok(['create', '-f', '-'], { input: withSpec({ volumeClaimTemplates: [] }) });
    const change = await c.kubectl.run(['patch', 'sts', name, '-p', JSON.stringify({ spec: { serviceName: 'elsewhere' } })]);
    assert.match(change.stderr, /spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy'/);
    await c.kubectl.ok(['delete', 'sts', name]);
  });
});
