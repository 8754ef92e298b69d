/**
 * The built CLI's legacy `stop` (S15, S20) and `edit` (S7) on a simulated three-node cluster with
 * extensions/v1beta1 daemon sets switched on: stop removes the object with all its pods before it
 * returns; edit applies what the editor saved, and a refused edit changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReplicationController } from '../../src/api/kinds.js';
import { daemonSets, jobs, pods, replicationControllers } from '../../src/api/resources.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { seed, suffix, randomInt } from '../controlplane/fixtures.js';
import { skiff, skiffOk } from './run.js';

describe('skiff stop and edit', () => {
  let c: SimCluster;
  let kc: string;
  let dir: string;
  const ns = 'default';
  before(async () => {
    c = await startSimCluster({ nodes: 3, server: { runtimeConfig: 'extensions/v1beta1/daemonsets=true' } });
    kc = c.server.kubeconfig;
    dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-cli-stop-'));
  });
  after(async () => {
    await c.stop();
  });

  const podsOf = async (selector: string) => (await c.client.list(pods, ns, { labelSelector: selector })).items;

  test('S15: stop job removes the job and its pods, printing the seed\'s line', async () => {
    const name = `pc-${suffix()}`;
    const owner = `o${suffix()}`;
    await skiffOk(kc, ['create', '-f', '-'], { input: seed('job-dpkg.yaml', { 'package-check': name, 'owner: Amy': `owner: ${owner}` }) });
    await waitFor('a job pod', async () => (await podsOf(`owner=${owner}`)).length > 0 || undefined, 20_000);
    assert.equal(await skiffOk(kc, ['stop', 'job', name]), `job "${name}" deleted\n`);
    // Gone when stop returns: no waiting here.
    assert.equal((await c.client.list(jobs, ns)).items.filter((j) => j.metadata.name === name).length, 0);
    assert.equal((await podsOf(`owner=${owner}`)).length, 0);
  });

  test('S20: stop ds and stop -f remove the daemon set with its pod on every node', async () => {
    for (const how of ['name', 'file'] as const) {
      const name = `ram-${suffix()}`;
      const app = `check${suffix()}`;
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, seed('daemonset-free.yaml', { 'ram-check': name, checkRam: app }));
      assert.equal(await skiffOk(kc, ['create', '-f', file]), `daemonset.extensions/${name} created\n`);
      await waitFor('one pod per node', async () => (await podsOf(`app=${app}`)).length === 3 || undefined, 20_000);
      const out = how === 'name' ? await skiffOk(kc, ['stop', 'ds', name]) : await skiffOk(kc, ['stop', '-f', file]);
      assert.equal(out, `daemonset "${name}" deleted\n`);
      assert.equal((await podsOf(`app=${app}`)).length, 0);
      assert.equal((await c.client.list(daemonSets, ns)).items.filter((d) => d.metadata.name === name).length, 0);
    }
  });

  test('delete rc waits until it is gone; --cascade=orphan keeps the pods', async () => {
    const name = `del-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${name}`, 'replicas: 3': 'replicas: 2' }) });
    await waitFor('2 pods', async () => (await podsOf(`app=${name}`)).length === 2 || undefined, 20_000);
    assert.equal(await skiffOk(kc, ['delete', 'rc', name, '--cascade=orphan']), `replicationcontroller "${name}" deleted\n`);
    assert.equal((await c.client.list(replicationControllers, ns)).items.filter((r) => r.metadata.name === name).length, 0);
    assert.equal((await podsOf(`app=${name}`)).length, 2);
    const lines = (await podsOf(`app=${name}`)).map((p) => `pod "${p.metadata.name}" deleted\n`).join('');
    assert.equal(await skiffOk(kc, ['delete', 'pods', '-l', `app=${name}`]), lines);
    assert.equal((await podsOf(`app=${name}`)).length, 0);
  });

  /** An editor that logs what it was shown and applies a sed expression. */
  const editor = (sedExpr: string) => {
    const log = mkdtempSync(path.join(dir, 'editor-'));
    const script = path.join(log, 'ed.sh');
    writeFileSync(script, `#!/bin/sh\nn=$(ls "${log}" | wc -l)\ncp "$1" "${log}/shown-$n.yaml"\nsed -i '${sedExpr}' "$1"\n`);
    chmodSync(script, 0o755);
    return { script, shown: () => readdirSync(log).filter((f) => f.startsWith('shown-')).sort().map((f) => readFileSync(path.join(log, f), 'utf8')) };
  };

  test('S7: edit applies the saved change; unchanged is cancelled', async () => {
    const name = `ed-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${name}`, 'replicas: 3': 'replicas: 1' }) });
    const to = randomInt(2, 4);
    const ed = editor(`s/^  replicas: 1$/  replicas: ${to}/`);
    const r = await skiff(kc, ['edit', 'rc', name], { env: { EDITOR: ed.script } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `replicationcontroller/${name} edited\n`);
    assert.equal((await c.client.get<ReplicationController>(replicationControllers, ns, name)).spec?.replicas, to);
    const shown = ed.shown()[0] ?? '';
    assert.match(shown, /^# Please edit the object below\. Lines beginning with a '#' will be ignored,\n/);
    assert.match(shown, new RegExp(`\\n  name: ${name}\\n`));

    const noop = editor('s/nothing-matches-this//');
    const cancelled = await skiff(kc, ['edit', `rc/${name}`], { env: { KUBE_EDITOR: noop.script, EDITOR: 'false' } });
    const kcancelled = await c.kubectl.run(['edit', `rc/${name}`], { env: { KUBE_EDITOR: noop.script } });
    assert.equal(cancelled.code, 0);
    assert.equal(cancelled.stderr, 'Edit cancelled, no changes made.\n');
    assert.equal(cancelled.stderr, kcancelled.stderr);
  });

  test('S7: a broken edit is refused with the reason in the reopened file, and nothing changes', async () => {
    const name = `edb-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${name}`, 'replicas: 3': 'replicas: 1' }) });
    const before = await c.client.get<ReplicationController>(replicationControllers, ns, name);
    for (const client of ['skiff', 'kubectl'] as const) {
      const ed = editor('s/^  replicas: 1$/  replicas: -1/');
      const r = client === 'skiff' ? await skiff(kc, ['edit', 'rc', name], { env: { EDITOR: ed.script } }) : await c.kubectl.run(['edit', 'rc', name], { env: { EDITOR: ed.script } });
      assert.notEqual(r.code, 0, `${client} accepted a broken edit`);
      assert.match(r.stderr, /error: Edit cancelled, no valid changes were saved\./, `${client}: ${r.stderr}`);
      const shown = ed.shown();
      assert.equal(shown.length, 2, `${client} reopened the file once`);
      assert.match(shown[1] ?? '', new RegExp(`# replicationcontrollers "${name}" was not valid:\\n# \\* spec\\.replicas: Invalid value: -1: must be greater than or equal to 0\\n`), `${client}: ${shown[1] ?? ''}`);
    }
    const after = await c.client.get<ReplicationController>(replicationControllers, ns, name);
    assert.equal(after.spec?.replicas, 1);
    assert.equal(after.metadata.generation, before.metadata.generation);
    assert.deepEqual(after.spec, before.spec);
  });
});
