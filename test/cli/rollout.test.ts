/** `rollout` without a server: kubectl's status messages per deployment state, the history table
 * and which ReplicaSet an undo goes back to. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../src/controllers/deployment/index.js';
import { deploymentRolloutState, historyTable, replicaSetForRevision, rollbackPatch, RolloutError } from '../../src/cli/rollout/index.js';
import { suffix } from '../controlplane/fixtures.js';

function deploy(name: string, replicas: number, generation: number, status: Deployment['status'], annotations: Record<string, string> = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', uid: `uid-${name}`, generation, annotations },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
    status,
  };
}

function rs(name: string, revision: string | undefined, image: string, changeCause?: string): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (revision !== undefined) annotations['deployment.kubernetes.io/revision'] = revision;
  if (changeCause) annotations['kubernetes.io/change-cause'] = changeCause;
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations },
    spec: { replicas: 0, template: { metadata: { labels: { app: 'x', 'pod-template-hash': name } }, spec: { containers: [{ name: 'app', image }] } } },
  };
}

test('rollout status messages', async (t) => {
  const name = `web-${suffix()}`;
  const progressing = (reason: string) => [{ type: 'Progressing', status: 'True' as const, reason }];
  const cases: { name: string; d: Deployment; message?: string; done?: boolean; error?: string }[] = [
    { name: 'spec not observed', d: deploy(name, 3, 2, { observedGeneration: 1 }), message: 'Waiting for deployment spec update to be observed...\n' },
    { name: 'updating', d: deploy(name, 3, 1, { observedGeneration: 1, replicas: 4, updatedReplicas: 1 }), message: `Waiting for deployment "${name}" rollout to finish: 1 out of 3 new replicas have been updated...\n` },
    { name: 'old pending termination', d: deploy(name, 3, 1, { observedGeneration: 1, replicas: 5, updatedReplicas: 3 }), message: `Waiting for deployment "${name}" rollout to finish: 2 old replicas are pending termination...\n` },
    { name: 'availability', d: deploy(name, 3, 1, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 1 }), message: `Waiting for deployment "${name}" rollout to finish: 1 of 3 updated replicas are available...\n` },
    { name: 'done', d: deploy(name, 3, 1, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), message: `deployment "${name}" successfully rolled out\n`, done: true },
    { name: 'deadline', d: deploy(name, 3, 1, { observedGeneration: 1, conditions: progressing('ProgressDeadlineExceeded') }), error: `deployment "${name}" exceeded its progress deadline` },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = deploymentRolloutState(c.d);
      assert.equal(s.error, c.error);
      if (c.message !== undefined) assert.equal(s.message, c.message);
      assert.equal(s.done, c.done ?? false);
    });
  }
  await t.test('--revision must be the running one', () => {
    const d = deploy(name, 1, 1, { observedGeneration: 1 }, { 'deployment.kubernetes.io/revision': '4' });
    assert.equal(deploymentRolloutState(d, 3).error, 'desired revision (3) is different from the running revision (4)');
  });
});

test('history table and undo targets', async (t) => {
  const rss = [rs('c', '3', 'busybox'), rs('a', '1', 'nginx', 'first'), rs('b', '2', 'httpd'), rs('x', undefined, 'debian')];
  await t.test('revisions ascending with change causes', () => {
    assert.equal(historyTable(rss), 'REVISION  CHANGE-CAUSE\n1         first\n2         <none>\n3         <none>\n');
    assert.equal(historyTable([]), 'No rollout history found.\n');
  });
  const d = deploy('web', 1, 1, {}, { 'deployment.kubernetes.io/revision': '3', team: 'a' });
  const cases: { name: string; to: number; want?: string; error?: string }[] = [
    { name: 'the previous revision by default', to: 0, want: 'b' },
    { name: 'a named revision', to: 1, want: 'a' },
    { name: 'an unknown revision', to: 7, error: 'unable to find specified revision 7 in history' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.error) assert.throws(() => replicaSetForRevision(d, rss, c.to), (e: unknown) => e instanceof RolloutError && e.message === c.error);
      else assert.equal(replicaSetForRevision(d, rss, c.to).metadata.name, c.want);
    });
  }
  await t.test('one revision only: no history', () => {
    assert.throws(() => replicaSetForRevision(d, [rs('a', '1', 'nginx')], 0), /no rollout history found for deployment "web"/);
  });
  await t.test('the undo patch restores the template without its hash, keeps the revision', () => {
    const patch = rollbackPatch(d, rs('a', '1', 'nginx', 'first')) as { path: string; value: Record<string, unknown> }[];
    assert.equal(patch[0]!.path, '/spec/template');
    assert.deepEqual((patch[0]!.value['metadata'] as { labels: unknown }).labels, { app: 'x' });
    assert.deepEqual(patch[1]!.value, { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'first' });
  });
});
