/** The official Python client (Debian's python3-kubernetes) against `skiff up` with two real
 * nodes: every kind skiff serves through the generated API classes and models (which refuse an
 * object missing a field Kubernetes always sends), the seeds through `utils.create_from_yaml`, and
 * a running pod's log followed with timestamps. The scripts run side by side, each batching its
 * calls in one Python process. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { fixture } from '../helpers/paths.js';
import { suffix } from '../controlplane/fixtures.js';
import { ensurePythonClient, failures, runPython, type ScriptRun } from './python-client.js';

const nodes = 2;

/** The cases kinds.py must have run for a resource, from the resource table: a kind added to
 * skiff without Python coverage fails here. */
function expectedCases(r: (typeof resourceTypes)[number]): string[] {
  const verbs = ['list before create', 'create', 'read', 'list', 'patch', 'replace', 'delete', 'watch'];
  if (r.namespaced) verbs.push('list across namespaces', 'watch across namespaces');
  if (r.subresources.status) verbs.push('status');
  if (r.subresources.scale) verbs.push('scale');
  return verbs.map((v) => `${r.kind}: ${v}`);
}

function assertClean(run: ScriptRun): void {
  assert.deepEqual(failures(run), [], 'failed cases');
  assert.deepEqual(run.other, [], `unexpected output; stderr: ${run.stderr}`);
  assert.ok(run.done, `the script did not finish (exit ${run.code}); stderr: ${run.stderr}`);
  assert.equal(run.code, 0, run.stderr);
}

describe('the official Python client against skiff up', () => {
  let c: UpCluster;
  let kinds: Promise<ScriptRun>;
  let seeds: Promise<ScriptRun>;
  let logs: Promise<ScriptRun>;

  before(async () => {
    ensurePythonClient();
    c = await startUpCluster({ nodes });
    const kubeconfig = c.cp.server.kubeconfigPath;
    // Every kind of the table, one after another: the script's time grows with the table.
    kinds = runPython('kinds.py', [suffix(), String(nodes)], kubeconfig, 180_000);
    seeds = runPython('seeds.py', [suffix(), String(nodes), fixture('seeds')], kubeconfig);
    logs = runPython('logs.py', [suffix()], kubeconfig);
  });
  after(async () => {
    await Promise.allSettled([kinds, seeds, logs]);
    await c.stop();
  });

  test('every served kind: create, read, list, live watch, patch, replace, status, scale, delete', async () => {
    const run = await kinds;
    assertClean(run);
    const ran = new Set(run.cases.map((x) => x.case));
    // A CRD's name must be `<plural>.<group>`, which kinds.py's generated names are not: its cases
    // run in crds.py (python-crd.test.ts).
    const missing = resourceTypes.filter((r) => r.kind !== 'CustomResourceDefinition').flatMap(expectedCases).filter((name) => !ran.has(name));
    assert.deepEqual(missing, [], 'kinds.py must cover every kind of the resource table');
    for (const name of ['discovery', 'ConfigMap: delete_collection', 'ReplicationController: status settles', 'ReplicaSet: status settles', 'DaemonSet: status settles', 'Job: status settles', 'PodDisruptionBudget: status settles', 'Pod: eviction']) {
      assert.ok(ran.has(name), name);
    }
  });

  test('utils.create_from_yaml on every seed manifest returns models, and their controllers act', async () => {
    const run = await seeds;
    assertClean(run);
    assert.ok(run.cases.some((x) => x.case === 'seed nginx-rc-svc.yaml'), 'the RC + service seed ran');
    assert.ok(run.cases.some((x) => x.case === 'seed dameonset.yaml'), 'the daemon set seed ran');
    assert.ok(run.cases.length >= 2 * 11, `every seed and its cleanup: ${run.cases.length} cases`);
  });

  test('pod logs: follow=True with timestamps=True streams, watch.Watch() follows, tails', async () => {
    const run = await logs;
    assertClean(run);
    assert.deepEqual(
      run.cases.map((x) => x.case),
      ['logs: a running pod', 'logs: tail_lines with timestamps', 'logs: follow=True, timestamps=True, streamed',
        'logs: watch.Watch().stream of read_namespaced_pod_log', 'logs: cleanup'],
    );
  });
});
