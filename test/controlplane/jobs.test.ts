/** SCENARIOS S12, S14, S15 on simulated nodes with the real kubectl: the seed's job runs to
 * completion, completions and parallelism, back-off limit, delete with pods. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../../src/api/kinds.js';
import { jobs } from '../../src/api/resources.js';
import { simAnnotations } from '../../src/runtime/index.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { podsWith, randomInt, seed, suffix } from './fixtures.js';

describe('jobs on simulated nodes', () => {
  let c: SimCluster;
  const ns = 'default';
  before(async () => {
    c = await startSimCluster({ nodes: 3 });
  });
  after(async () => {
    await c.stop();
  });

  const finished = (name: string, type: 'Complete' | 'Failed') =>
    waitFor(`job ${name} ${type}`, async () => {
      const j = await c.client.get<Job>(jobs, ns, name);
      return j.status?.conditions?.some((x) => x.type === type && x.status === 'True') ? j : undefined;
    }, 30_000);

  test('S12: the seed job (extensions/v1beta1) runs its pod to completion', async () => {
    const name = `package-check-${suffix()}`;
    const out = await c.kubectl.ok(['create', '-f', '-'], { input: seed('job-dpkg.yaml', { 'package-check': name, 'test: dpkg': `test: ${name}` }) });
    assert.match(out, new RegExp(`job.extensions/${name} created`));
    const job = await finished(name, 'Complete');
    assert.equal(job.status?.succeeded, 1);
    assert.ok(job.status?.completionTime);
    const pods = await podsWith(c.client, ns, `test=${name}`);
    assert.equal(pods.length, 1);
    assert.equal(pods[0]!.status?.phase, 'Succeeded');

    assert.match(await c.kubectl.ok(['get', 'job', name]), new RegExp(`${name}\\s+(Complete\\s+)?1/1`));
    const described = await c.kubectl.ok(['describe', 'job', name]);
    assert.match(described, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    assert.match(described, new RegExp(`SuccessfulCreate\\s+.*Created pod: ${pods[0]!.metadata.name}`));
  });

  test('S14: completions are reached with at most `parallelism` pods at once', async () => {
    const name = `batch-${suffix()}`;
    const completions = randomInt(3, 5);
    const parallelism = 2;
    const manifest = seed('job-dpkg-completions.yaml', { 'package-check': name, 'completions: 3': `completions: ${completions}\n  parallelism: ${parallelism}`, 'test: dpkg': `test: ${name}` });
    await c.kubectl.ok(['create', '-f', '-'], { input: manifest });
    let most = 0;
    let done = false;
    const watcher = (async () => {
      while (!done) {
        const active = (await podsWith(c.client, ns, `test=${name}`)).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
        most = Math.max(most, active.length);
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const job = await finished(name, 'Complete');
    done = true;
    await watcher;
    assert.equal(job.status?.succeeded, completions);
    assert.ok(most <= parallelism, `${most} pods ran at once`);
    assert.ok(most >= 1);
    assert.equal((await podsWith(c.client, ns, `test=${name}`)).filter((p) => p.status?.phase === 'Succeeded').length, completions);
  });

  test('S14: failing pods are retried as new pods up to the back-off limit, then the job fails', async () => {
    const name = `flaky-${suffix()}`;
    const limit = randomInt(1, 2);
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        backoffLimit: limit,
        template: {
          metadata: { labels: { run: name }, annotations: { [simAnnotations.exitCode]: '3' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'task', image: 'busybox', command: ['false'] }] },
        },
      },
    };
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(job) });
    const failed = await finished(name, 'Failed');
    assert.equal(failed.status?.conditions?.find((x) => x.type === 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(failed.status?.failed, limit + 1);
    const pods = await podsWith(c.client, ns, `run=${name}`);
    assert.equal(pods.filter((p) => p.status?.phase === 'Failed').length, limit + 1);
  });

  test('S15: deleting a job removes its pods', async () => {
    const name = `doomed-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('job-dpkg.yaml', { 'package-check': name, 'test: dpkg': `test: ${name}` }) });
    await finished(name, 'Complete');
    assert.match(await c.kubectl.ok(['delete', 'job', name]), new RegExp(`job.batch "${name}" deleted`));
    await waitFor('job pods gone', async () => (await podsWith(c.client, ns, `test=${name}`)).length === 0, 20_000);
  });
});
