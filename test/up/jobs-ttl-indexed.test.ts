/** Jobs on `skiff up` with the real kubectl: ttlSecondsAfterFinished (a finished job, complete or
 * failed, is deleted with its pods once its TTL has run out; one without a TTL stays; a TTL set
 * after the job finished is honoured) and Indexed completion mode (one pod per index with the
 * index in its annotation, label, JOB_COMPLETION_INDEX and hostname; completedIndexes). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, Pod } from '../../src/api/kinds.js';
import { jobs, pods } from '../../src/api/resources.js';
import { ApiError } from '../../src/api/errors.js';
import { expiresAt } from '../../src/controllers/ttlafterfinished/index.js';
import { formatIndexes, parseIndexes } from '../../src/controllers/job/indexed.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

function job(name: string, command: string[], ttl?: number): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      backoffLimit: 0,
      ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}),
      template: { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command }] } },
    },
  });
}

describe('expiresAt', () => {
  const done = (type: string, status: string, at: string): Job => ({ metadata: {}, spec: { ttlSecondsAfterFinished: 5, template: {} }, status: { conditions: [{ type, status, lastTransitionTime: at }] } } as unknown as Job);
  const cases: { name: string; job: Job; want: number | undefined }[] = [
    { name: 'complete: finish time plus the TTL', job: done('Complete', 'True', '2026-01-01T00:00:00Z'), want: Date.parse('2026-01-01T00:00:05Z') },
    { name: 'failed counts as finished', job: done('Failed', 'True', '2026-01-01T00:00:10Z'), want: Date.parse('2026-01-01T00:00:15Z') },
    { name: 'a condition not True is not finished', job: done('Complete', 'False', '2026-01-01T00:00:00Z'), want: undefined },
    { name: 'suspended is not finished', job: done('Suspended', 'True', '2026-01-01T00:00:00Z'), want: undefined },
    { name: 'no TTL', job: { ...done('Complete', 'True', '2026-01-01T00:00:00Z'), spec: { template: {} } } as unknown as Job, want: undefined },
  ];
  for (const c of cases) test(c.name, () => assert.equal(expiresAt(c.job), c.want));
});

describe('completed index ranges', () => {
  const cases: { name: string; set: number[]; text: string }[] = [
    { name: 'none', set: [], text: '' },
    { name: 'one', set: [3], text: '3' },
    { name: 'a run and a single', set: [0, 1, 2, 4], text: '0-2,4' },
    { name: 'two runs', set: [1, 2, 5, 6, 7], text: '1-2,5-7' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(formatIndexes(c.set), c.text);
      assert.deepEqual([...parseIndexes(c.text, 10)].sort((a, b) => a - b), c.set);
    });
  }
  test('indexes at or past completions are dropped when read', () => assert.deepEqual([...parseIndexes('0-9', 3)], [0, 1, 2]));
});

describe('ttlSecondsAfterFinished and Indexed jobs on skiff up', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
  });
  after(async () => {
    await c.stop();
  });
  const client = () => c.cp.client;
  const exists = (name: string) => client().get<Job>(jobs, 'default', name).then(() => true, (err: unknown) => {
    if (err instanceof ApiError && err.code === 404) return false;
    throw err;
  });
  const jobPods = async (name: string) => (await client().list<Pod>(pods, 'default', { labelSelector: `job-name=${name}` })).items;
  const finished = (name: string) => waitFor(`${name} finished`, async () => {
    const j = await client().get<Job>(jobs, 'default', name);
    return j.status?.conditions?.some((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True') ? j : undefined;
  }, 60_000, 100);

  test('finished jobs go with their pods after their TTL; one without a TTL stays', async () => {
    const ttl = randomInt(1, 3);
    const ok = `ok-${suffix()}`;
    const bad = `bad-${suffix()}`;
    const keep = `keep-${suffix()}`;
    for (const [n, cmd, t] of [[ok, ['true'], ttl], [bad, ['false'], ttl], [keep, ['true'], undefined]] as const) {
      assert.match(await c.kubectl.ok(['create', '-f', '-'], { input: job(n, [...cmd], t) }), new RegExp(`job.batch/${n} created`));
    }
    for (const n of [ok, bad]) {
      const j = await finished(n);
      assert.equal(j.spec.ttlSecondsAfterFinished, ttl);
      assert.ok((await jobPods(n)).length > 0, `${n} has its pod while finished`);
    }
    await finished(keep);
    for (const n of [ok, bad]) {
      await waitFor(`${n} deleted`, async () => !(await exists(n)), 30_000, 100);
      await waitFor(`${n}'s pods deleted`, async () => (await jobPods(n)).length === 0, 30_000, 100);
    }
    // Well past the others' TTL, the job without one is still there.
    assert.ok(await exists(keep));
    assert.match(await c.kubectl.ok(['get', 'job', keep]), new RegExp(keep));
    // A TTL set on a finished job is honoured from its finish time.
    await c.kubectl.ok(['patch', 'job', keep, '--type=merge', '-p', '{"spec":{"ttlSecondsAfterFinished":0}}']);
    await waitFor(`${keep} deleted`, async () => !(await exists(keep)), 30_000, 100);
    await waitFor(`${keep}'s pods deleted`, async () => (await jobPods(keep)).length === 0, 30_000, 100);
  });

  test('Indexed: one pod per index, which each sees; completedIndexes; failed indexes retried under their index', async () => {
    const name = `idx-${suffix()}`;
    const completions = randomInt(3, 5);
    const parallelism = randomInt(2, 3);
    // Odd indexes fail on their first run (a marker file tells the second run apart).
    const marker = `/tmp/skiff-${name}`;
    const script = `echo "index=$JOB_COMPLETION_INDEX host=$(hostname)"; if [ $((JOB_COMPLETION_INDEX % 2)) -eq 1 ] && [ ! -e ${marker}-$JOB_COMPLETION_INDEX ]; then touch ${marker}-$JOB_COMPLETION_INDEX; exit 1; fi`;
    await c.kubectl.ok(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
        spec: {
          completionMode: 'Indexed', completions, parallelism, backoffLimit: completions,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script] }] } },
        },
      }),
    });
    const j = await finished(name);
    assert.equal(j.status?.conditions?.find((x) => x.status === 'True')?.type, 'Complete');
    assert.equal(j.status?.completedIndexes, `0-${completions - 1}`);
    assert.equal(j.status?.succeeded, completions);
    assert.equal(j.status?.failed, Math.floor(completions / 2));
    const all = await jobPods(name);
    for (let i = 0; i < completions; i++) {
      const mine = all.filter((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === String(i));
      assert.equal(mine.length, i % 2 === 1 ? 2 : 1, `pods of index ${i}`);
      for (const p of mine) {
        assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], String(i));
        assert.match(p.metadata.name ?? '', new RegExp(`^${name}-${i}-`));
        assert.equal(p.spec.hostname, `${name}-${i}`);
      }
      const ok = mine.find((p) => p.status?.phase === 'Succeeded')!;
      assert.match(await c.kubectl.ok(['logs', ok.metadata.name!]), new RegExp(`^index=${i} `));
    }
    assert.match(await c.kubectl.ok(['get', 'job', name]), new RegExp(`${name}\\s+Complete\\s+${completions}/${completions}`));
    await c.kubectl.ok(['delete', 'job', name]);
  });

  test('a negative TTL is refused', async () => {
    const r = await c.kubectl.run(['create', '-f', '-'], { input: job(`neg-${suffix()}`, ['true'], -1) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0/);
  });
});
