/** SCENARIOS S12, S14, S17–S19, S21 on `skiff up` with three nodes and real processes: the
 * seed's dpkg job and its log, completions, the seed's `free` daemon set on every node and on
 * labelled nodes only, the fluentd daemon set placed by labels, logs -f and --previous. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { DaemonSet, Job, Pod } from '../../src/api/kinds.js';
import { daemonSets, jobs } from '../../src/api/resources.js';
import { kubectlBinary } from '../helpers/kubectl.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, randomInt, seed, suffix } from '../controlplane/fixtures.js';

describe('workloads on skiff up', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 3, runtimeConfig: 'extensions/v1beta1/daemonsets=true' });
  });
  after(async () => {
    await c.stop();
  });
  const client = () => c.cp.client;
  const complete = (name: string) =>
    waitFor(`job ${name} complete`, async () => {
      const j = await client().get<Job>(jobs, 'default', name);
      return j.status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True') ? j : undefined;
    }, 30_000);

  test('S12: the seed job runs dpkg-query and its log is the package list', async () => {
    const name = `package-check-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('job-dpkg.yaml', { 'package-check': name, 'test: dpkg': `test: ${name}` }) });
    await complete(name);
    const [pod] = await podsWith(client(), 'default', `test=${name}`);
    const log = await c.kubectl.ok(['logs', pod!.metadata.name!]);
    assert.match(log, /Desired=Unknown\/Install\/Remove\/Purge\/Hold/);
    assert.match(log, /^ii\s+dpkg\s/m);
    assert.match(await c.kubectl.ok(['describe', 'job', name]), /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
  });

  test('S14: completions run real pods to the count', async () => {
    const name = `count-${suffix()}`;
    const completions = randomInt(2, 4);
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('job-dpkg-completions.yaml', { 'package-check': name, 'completions: 3': `completions: ${completions}`, 'test: dpkg': `test: ${name}` }) });
    const job = await complete(name);
    assert.equal(job.status?.succeeded, completions);
  });

  test('S17/S18: the seed free daemon set runs on every node, then only where runDS=ok', async () => {
    const name = `ram-check-${suffix()}`;
    const app = `checkRam${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('daemonset-free.yaml', { 'ram-check': name, 'app: checkRam': `app: ${app}` }) });
    const all = await waitFor('one running pod per node', async () => {
      const list = live(await podsWith(client(), 'default', `app=${app}`));
      return list.length === c.nodeNames.length && list.every((p) => p.status?.phase === 'Running') ? list : undefined;
    }, 30_000);
    assert.deepEqual(all.map((p) => p.spec.nodeName).sort(), [...c.nodeNames].sort());
    const log = await waitFor('free output', async () => {
      const text = await c.kubectl.ok(['logs', all[0]!.metadata.name!]);
      return /Mem:\s+\d+/.test(text) ? text : undefined;
    });
    assert.match(log, /total\s+used\s+free/);
    const ds = await client().get<DaemonSet>(daemonSets, 'default', name);
    assert.equal(ds.status?.desiredNumberScheduled, c.nodeNames.length);
    await c.kubectl.ok(['delete', 'ds', name]);

    const chosen = c.nodeNames[randomInt(0, c.nodeNames.length - 1)]!;
    const sel = `sel-${suffix()}`;
    await c.kubectl.ok(['label', 'nodes', chosen, 'runDS=ok']);
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('daemonset-free-nodeselector.yaml', { 'ram-check': sel, 'app: checkRam': `app: ${sel}` }) });
    const only = await waitFor('pod on the labelled node', async () => {
      const list = live(await podsWith(client(), 'default', `app=${sel}`));
      return list.length === 1 && list[0]!.status?.phase === 'Running' ? list : undefined;
    }, 30_000);
    assert.equal(only[0]!.spec.nodeName, chosen);
    await c.kubectl.ok(['label', 'nodes', chosen, 'runDS-']);
    await waitFor('gone when unlabelled', async () => (await podsWith(client(), 'default', `app=${sel}`)).length === 0, 30_000);
    await c.kubectl.ok(['delete', 'ds', sel]);
  });

  test('S19: the fluentd daemon set is placed on every node by labels, its volumes accepted', async () => {
    const name = `fluentd-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('dameonset.yaml', { 'fluentd-elasticsearch': name }) });
    const placed = await waitFor('placed on every node', async () => {
      const list = live(await podsWith(client(), 'default', `name=${name}`));
      return list.length === c.nodeNames.length ? list : undefined;
    }, 30_000);
    assert.deepEqual(placed.map((p) => p.spec.nodeName).sort(), [...c.nodeNames].sort());
    // The image has no program on this host: the process runtime says so, with how to fix it.
    const waiting = await waitFor('image pull error', async () => {
      const [p] = await podsWith(client(), 'default', `name=${name}`);
      const w = p?.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'ErrImagePull' ? w : undefined;
    }, 20_000);
    assert.match(waiting.message ?? '', /image catalog|command/);
    await c.kubectl.ok(['delete', 'ds', name]);
  });

  test('S21: logs -f follows a running container; --previous shows the run before a restart', async () => {
    const name = `talker-${suffix()}`;
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { containers: [{ name: 'talk', image: 'busybox', command: ['sh', '-c', 'i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo "tick $i"; sleep 0.3; done; exit 1'] }] },
    };
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(pod) });
    await waitFor('running', async () => (await podsWith(client(), 'default', '')).some((p: Pod) => p.metadata.name === name && p.status?.phase === 'Running'));
    const follow = spawn(kubectlBinary(), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'logs', '-f', name]);
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => follow.once('exit', r));
    assert.equal(await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]), 0, 'logs -f ends when the container does');
    assert.match(out, /tick 1\ntick 2\ntick 3\n/);
    await waitFor('restarted', async () => {
      const [p] = (await podsWith(client(), 'default', '')).filter((x) => x.metadata.name === name);
      return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1;
    }, 20_000);
    assert.match(await c.kubectl.ok(['logs', name, '--previous']), /tick 3/);
    assert.match(await c.kubectl.ok(['logs', name, '--tail=1']), /^tick \d\n$/);
  });
});
