/**
 * SCENARIOS S6 with the built CLI on a simulated cluster: `rolling-update OLD --image=…` replaces
 * every pod while never running more than replicas+1 pods nor fewer than replicas ready ones,
 * prints the seed's progress lines and ends with the old name; an update killed half-way resumes
 * with `Found existing update in progress`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Pod, ReplicationController } from '../../src/api/kinds.js';
import { replicationControllers } from '../../src/api/resources.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, randomInt, seed, suffix } from '../controlplane/fixtures.js';
import { cliMain, skiff } from './run.js';

describe('skiff rolling-update (S6)', () => {
  let c: SimCluster;
  let kc: string;
  const ns = 'default';
  before(async () => {
    c = await startSimCluster({ nodes: 3 });
    kc = c.server.kubeconfig;
  });
  after(async () => {
    await c.stop();
  });

  const ready = (p: Pod) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');

  async function createRc(replicas: number): Promise<{ name: string; app: string }> {
    const name = `nginx-${suffix()}`;
    const app = `app-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${app}`, 'replicas: 3': `replicas: ${replicas}` }) });
    await waitFor('ready pods', async () => (await podsWith(c.client, ns, `app=${app}`)).filter(ready).length === replicas, 20_000);
    return { name, app };
  }

  /** Polls the pods every ~50 ms while `during` runs; fails on a breach of the bounds. */
  async function watchBounds<T>(app: string, replicas: number, during: Promise<T>): Promise<T> {
    let running = true;
    const breaches: string[] = [];
    const poll = (async () => {
      while (running) {
        const list = await podsWith(c.client, ns, `app=${app}`);
        const n = live(list).length;
        const r = list.filter(ready).length;
        if (n > replicas + 1) breaches.push(`${n} live pods`);
        if (r < replicas) breaches.push(`${r} ready pods`);
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    try {
      return await during;
    } finally {
      running = false;
      await poll;
      assert.deepEqual(breaches, [], `bounds broken: ${breaches.slice(0, 5).join(', ')}`);
    }
  }

  test('--image: every pod replaced one at a time, the old name kept', async () => {
    const replicas = randomInt(2, 4);
    const { name, app } = await createRc(replicas);
    const r = await watchBounds(app, replicas, skiff(kc, ['rolling-update', name, '--image=httpd', '--update-period=1s', '--poll-interval=200ms']));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const next = /^Created (\S+)$/.exec(lines[0]!)?.[1];
    assert.ok(next && new RegExp(`^${name}-[0-9a-f]{32}$`).test(next), lines[0]);
    assert.equal(lines[1], `Scaling up ${next} from 0 to ${replicas}, scaling down ${name} from ${replicas} to 0 (keep ${replicas} pods available, don't exceed ${replicas + 1} pods)`);
    assert.ok(lines.includes(`Scaling ${next} up to 1`));
    assert.ok(lines.includes(`Scaling ${name} down to ${replicas - 1}`));
    assert.deepEqual(lines.slice(-3), [`Update succeeded. Deleting old controller: ${name}`, `Renaming ${name} to ${next}`, `replicationcontroller "${name}" rolling updated`]);

    const rc = await c.client.get<ReplicationController>(replicationControllers, ns, name);
    assert.equal(rc.spec.template?.spec.containers[0]?.image, 'httpd');
    assert.equal(rc.spec.selector?.['deployment'], next.slice(name.length + 1));
    const pods = await waitFor('adopted pods', async () => {
      const list = live(await podsWith(c.client, ns, `app=${app}`));
      return list.length === replicas && list.every((p) => p.metadata.ownerReferences?.some((o) => o.uid === rc.metadata.uid)) ? list : undefined;
    }, 15_000);
    assert.ok(pods.every((p) => p.spec.containers[0]?.image === 'httpd'));
    await assert.rejects(c.client.get(replicationControllers, ns, next), /not found/);
  });

  test('interrupted half-way and run again: resumes and finishes', async () => {
    const replicas = randomInt(3, 4);
    const { name, app } = await createRc(replicas);
    const args = ['rolling-update', name, '--image=httpd', '--update-period=1s', '--poll-interval=200ms'];
    await watchBounds(app, replicas, (async () => {
      const child = spawn(process.execPath, [cliMain, ...args, `--kubeconfig=${kc}`], { env: { ...process.env, KUBECONFIG: '' } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor('half-way', () => out.includes(' up to 2'), 30_000);
      child.kill('SIGKILL');
      await new Promise((res) => child.once('exit', res));
    })());
    const r = await watchBounds(app, replicas, skiff(kc, args));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, new RegExp(`^Found existing update in progress \\(${name}-[0-9a-f]{32}\\), resuming\\.$`));
    assert.match(lines[1]!, /^Continuing update with existing controller /);
    assert.equal(lines.at(-1), `replicationcontroller "${name}" rolling updated`);
    const pods = await waitFor('all replaced', async () => {
      const list = live(await podsWith(c.client, ns, `app=${app}`));
      return list.length === replicas && list.every((p) => p.spec.containers[0]?.image === 'httpd') ? list : undefined;
    }, 15_000);
    assert.equal(pods.length, replicas);
  });

  test('refusals: same image, unknown controller', async () => {
    const { name } = await createRc(1);
    const same = await skiff(kc, ['rolling-update', name, '--image=nginx']);
    assert.equal(same.code, 1);
    assert.match(same.stderr, /Specified --image must be distinct from existing container image/);
    const none = await skiff(kc, ['rolling-update', `absent-${suffix()}`, '--image=httpd']);
    assert.equal(none.code, 1);
  });
});
