/** `skiff plugins install`: the real kubectl 1.32 runs the seeds' dropped verbs
 * (`kubectl rolling-update`, `kubectl stop`) through the plugins it writes. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { kubectlBinary } from '../helpers/kubectl.js';
import { skiff } from './run.js';

describe('kubectl plugins for rolling-update and stop', () => {
  let c: SimCluster;
  let dir: string;
  const rc = `web-${Math.random().toString(36).slice(2, 6)}`;
  const replicas = 2 + Math.floor(Math.random() * 2);

  /** The real kubectl, found PATH holding the plugin dir, the cluster in KUBECONFIG. */
  const kubectl = (args: readonly string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(kubectlBinary(), args, { env: { ...process.env, HOME: os.tmpdir(), KUBECONFIG: c.server.kubeconfig, PATH: `${dir}${path.delimiter}${process.env['PATH'] ?? ''}` }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });

  before(async () => {
    c = await startSimCluster({ nodes: 2 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-plugins-'));
  });
  after(async () => {
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('install without --dir picks a writable directory already on PATH and says which', async () => {
    const r = await skiff(undefined, ['plugins', 'install'], { env: { PATH: `/nonexistent-dir${path.delimiter}${dir}${path.delimiter}${process.env['PATH'] ?? ''}` } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`wrote ${dir}/kubectl-rolling_update`));
    assert.match(r.stdout, new RegExp(`${dir} is on PATH`));
    for (const f of ['kubectl-rolling_update', 'kubectl-stop']) assert.ok(existsSync(path.join(dir, f)));
    const list = await kubectl(['plugin', 'list']);
    assert.match(list.stdout, /kubectl-rolling_update/);
    assert.match(list.stdout, /kubectl-stop/);
  });

  test('install --dir DIR not on PATH says how to add it', async () => {
    const other = path.join(dir, 'sub');
    const r = await skiff(undefined, ['plugins', 'install', '--dir', other]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /is not on PATH: export PATH=/);
    assert.match(readFileSync(path.join(other, 'kubectl-stop'), 'utf8'), / stop "\$@"/);
  });

  test('kubectl rolling-update and kubectl stop, literally as the seeds type them', async () => {
    const manifest = {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: rc },
      spec: { replicas, selector: { app: rc }, template: { metadata: { labels: { app: rc } }, spec: { containers: [{ name: 'web', image: 'nginx:1.7.9' }] } } },
    };
    const apply = await new Promise<number>((resolve) => {
      const child = execFile(kubectlBinary(), ['create', '-f', '-'], { env: { ...process.env, HOME: os.tmpdir(), KUBECONFIG: c.server.kubeconfig } }, (err) => resolve(err ? 1 : 0));
      child.stdin?.end(JSON.stringify(manifest));
    });
    assert.equal(apply, 0);
    const ru = await kubectl(['rolling-update', rc, `${rc}-v2`, '--image=nginx:1.9.1', '--update-period=100ms', '--poll-interval=100ms']);
    assert.equal(ru.code, 0, ru.stderr);
    assert.match(ru.stdout, new RegExp(`replicationcontroller "${rc}" rolling updated to "${rc}-v2"`));
    const rcs = await kubectl(['get', 'rc', '-o', 'name']);
    assert.match(rcs.stdout, new RegExp(`replicationcontroller/${rc}-v2\\n`));
    const stop = await kubectl(['stop', 'rc', `${rc}-v2`]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`replicationcontroller "${rc}-v2" deleted`));
    const pods = await kubectl(['get', 'pods', '-l', `app=${rc}`, '-o', 'name']);
    assert.equal(pods.stdout, '');
  });
});
