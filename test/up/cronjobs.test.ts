/** CronJobs on `skiff up` with the real kubectl (1.32 and 1.27): `create cronjob` (kubectl's
 * generator), the table's columns, `create job --from=cronjob/NAME`, and bad schedules and time
 * zones refused with Kubernetes' field errors. The schedule itself is exercised on a manual clock
 * in test/controllers/cronjob.test.ts, so nothing here waits for a minute to pass. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import type { CronJob, Job } from '../../src/api/kinds.js';
import { cronJobs, jobs } from '../../src/api/resources.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';
import { skiff } from '../cli/run.js';

describe('cronjobs on skiff up with kubectl', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
  });
  after(async () => {
    await c.stop();
  });

  for (const minor of [32, 27]) {
    test(`kubectl 1.${minor}: create cronjob, get, create job --from=cronjob`, async () => {
      const k = minor === 32 ? c.kubectl : new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(minor));
      const name = `nightly-${suffix()}`;
      assert.match(await k.ok(['create', 'cronjob', name, '--image=busybox', '--schedule=*/5 * * * *', '--', 'echo', 'hi']), new RegExp(`cronjob.batch/${name} created`));
      const cj = await c.cp.client.get<CronJob>(cronJobs, 'default', name);
      assert.equal(cj.spec.schedule, '*/5 * * * *');
      assert.deepEqual([cj.spec.concurrencyPolicy, cj.spec.suspend, cj.spec.successfulJobsHistoryLimit, cj.spec.failedJobsHistoryLimit], ['Allow', false, 3, 1]);
      assert.equal(cj.spec.jobTemplate.spec.template.spec?.restartPolicy, 'OnFailure');
      const table = await k.ok(['get', 'cronjob', name]);
      assert.match(table, /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE/);
      assert.match(table, new RegExp(`${name}\\s+\\*/5 \\* \\* \\* \\*\\s+<none>\\s+False\\s+0\\s+<none>\\s+\\d+s`));
      const manual = `${name}-manual`;
      assert.match(await k.ok(['create', 'job', manual, `--from=cronjob/${name}`]), new RegExp(`job.batch/${manual} created`));
      const job = await c.cp.client.get<Job>(jobs, 'default', manual);
      assert.equal(job.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
      assert.equal(job.metadata.ownerReferences?.[0]?.uid, cj.metadata.uid);
      await waitFor('the manual job completes', async () => {
        const j = await c.cp.client.get<Job>(jobs, 'default', manual);
        return j.status?.succeeded === 1;
      }, 30_000);
    });
  }

  test('skiff create cronjob makes the object kubectl makes, and says so in kubectl\'s words', async () => {
    const a = `viak-${suffix()}`;
    const b = `vias-${suffix()}`;
    await c.kubectl.ok(['create', 'cronjob', a, '--image=busybox', '--schedule=@hourly', '--restart=Never', '--', 'date']);
    // The kubeconfig flag goes before `--`: after it, everything is the container's command.
    const r = await skiff(undefined, ['create', 'cronjob', b, '--image=busybox', '--schedule=@hourly', '--restart=Never', `--kubeconfig=${c.cp.server.kubeconfigPath}`, '--', 'date']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `cronjob.batch/${b} created\n`);
    const [ka, kb] = await Promise.all([a, b].map((n) => c.cp.client.get<CronJob>(cronJobs, 'default', n)));
    const shape = (x: CronJob, n: string) => JSON.parse(JSON.stringify(x.spec).replaceAll(n, 'NAME')) as unknown;
    assert.deepEqual(shape(kb!, b), shape(ka!, a));
  });

  test('an invalid schedule or time zone is refused with the field error', async () => {
    const name = `bad-${suffix()}`;
    const bad = await c.kubectl.run(['create', 'cronjob', name, '--image=busybox', '--schedule=61 * * *']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.schedule: Invalid value: "61 \* \* \*": expected exactly 5 fields, found 4: \[61 \* \* \*\]/);
    const manifest = (schedule: string, timeZone: string) => stringify({
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name },
      spec: { schedule, timeZone, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } },
    });
    const tz = await c.kubectl.run(['create', '-f', '-'], { input: manifest('0 9 * * *', 'Mars/Olympus_Mons') });
    assert.notEqual(tz.code, 0);
    assert.match(tz.stderr, /spec\.timeZone: Invalid value: "Mars\/Olympus_Mons": unknown time zone Mars\/Olympus_Mons/);
    const range = await c.kubectl.run(['create', '-f', '-'], { input: manifest('0 25 * * *', 'Europe/Paris') });
    assert.notEqual(range.code, 0);
    assert.match(range.stderr, /spec\.schedule: Invalid value: "0 25 \* \* \*"/);
    assert.match(await c.kubectl.ok(['create', '-f', '-'], { input: manifest('0 9 * * 1-5', 'Europe/Paris') }), new RegExp(`cronjob.batch/${name} created`));
    assert.match(await c.kubectl.ok(['get', 'cj', name]), new RegExp(`${name}\\s+0 9 \\* \\* 1-5\\s+Europe/Paris\\s+False`));
  });
});
