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
import { skiff, skiffOk } from '../cli/run.js';

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

  test('set image → revision 2 on a new ReplicaSet; undo → revision 1\'s template as revision 3; history', async () => {
    const name = `hist-${suffix()}`;
    const replicas = randomInt(2, 3);
    await c.kubectl.ok(['create', 'deployment', name, '--image=nginx', `--replicas=${replicas}`]);
    assert.equal((await rolloutStatus(name)).code, 0);
    const first = (await ownedReplicaSets(await getDeploy(name)))[0]!;
    assert.match(await c.kubectl.ok(['set', 'image', `deployment/${name}`, 'nginx=httpd']), new RegExp(`deployment.apps/${name} image updated`));
    const st = await rolloutStatus(name);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /successfully rolled out/);
    let d = await getDeploy(name);
    assert.equal(d.metadata.annotations?.[revision], '2');
    let rss = await ownedReplicaSets(d);
    assert.equal(rss.length, 2);
    const second = rss.find((rs) => rs.metadata.uid !== first.metadata.uid)!;
    assert.equal(second.metadata.annotations?.[revision], '2');
    assert.equal(rss.find((rs) => rs.metadata.uid === first.metadata.uid)!.spec.replicas, 0);
    await waitFor('only httpd pods', async () => (await images(`app=${name}`)).join() === Array(replicas).fill('httpd').join());
    const evs = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
    assert.match(evs, new RegExp(`Scaled up replica set ${second.metadata.name} from 0 to \\d`));
    assert.match(evs, new RegExp(`Scaled down replica set ${first.metadata.name} from \\d to \\d`));

    const history = await c.kubectl.ok(['rollout', 'history', `deployment/${name}`]);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    assert.match(await c.kubectl.ok(['rollout', 'history', `deployment/${name}`, '--revision=1']), /Image:\s+nginx/);

    assert.match(await c.kubectl.ok(['rollout', 'undo', `deployment/${name}`]), new RegExp(`deployment.apps/${name} rolled back`));
    assert.equal((await rolloutStatus(name)).code, 0);
    d = await getDeploy(name);
    assert.equal(d.metadata.annotations?.[revision], '3');
    assert.equal(d.spec.template.spec?.containers[0]?.image, 'nginx');
    rss = await ownedReplicaSets(d);
    assert.equal(rss.length, 2, 'the first ReplicaSet came back, none was created');
    const back = rss.find((rs) => rs.metadata.uid === first.metadata.uid)!;
    assert.equal(back.metadata.annotations?.[revision], '3');
    assert.equal(back.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(back.spec.replicas, replicas);
    await waitFor('only nginx pods', async () => (await images(`app=${name}`)).join() === Array(replicas).fill('nginx').join());
    assert.match(await c.kubectl.ok(['rollout', 'history', `deployment/${name}`]), /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
    const undoTo = await c.kubectl.run(['rollout', 'undo', `deployment/${name}`, '--to-revision=1']);
    assert.notEqual(undoTo.code, 0);
    assert.match(undoTo.stderr, /unable to find specified revision 1 in history/);
    assert.match(await c.kubectl.ok(['rollout', 'undo', `deployment/${name}`, '--to-revision=2']), /rolled back/);
    assert.equal((await rolloutStatus(name)).code, 0);
    assert.equal((await getDeploy(name)).metadata.annotations?.[revision], '4');
  });

  test('pause holds a template change; resume rolls it out; restart makes a new revision', async () => {
    const name = `pause-${suffix()}`;
    await c.kubectl.ok(['create', 'deployment', name, '--image=nginx', '--replicas=2']);
    assert.equal((await rolloutStatus(name)).code, 0);
    assert.match(await c.kubectl.ok(['rollout', 'pause', `deployment/${name}`]), new RegExp(`deployment.apps/${name} paused`));
    const paused = await waitFor('paused condition', async () => {
      const cond = (await getDeploy(name)).status?.conditions?.find((x) => x.type === 'Progressing');
      return cond?.reason === 'DeploymentPaused' ? cond : undefined;
    });
    assert.equal(paused.status, 'Unknown');
    assert.equal(paused.message, 'Deployment is paused');
    await c.kubectl.ok(['set', 'image', `deployment/${name}`, 'nginx=httpd']);
    await c.kubectl.ok(['set', 'env', `deployment/${name}`, 'COLOUR=blue']);
    await new Promise((r) => setTimeout(r, 500));
    let d = await getDeploy(name);
    assert.equal((await ownedReplicaSets(d)).length, 1, 'no new ReplicaSet while paused');
    assert.equal(d.status?.observedGeneration, d.metadata.generation);
    // kubectl looks for the previous revision first: there is none yet.
    const noHistory = await c.kubectl.run(['rollout', 'undo', `deployment/${name}`]);
    assert.notEqual(noHistory.code, 0);
    assert.match(noHistory.stderr, new RegExp(`no rollout history found for deployment "${name}"`));
    // Scaling still works while paused.
    assert.match(await c.kubectl.ok(['scale', `deployment/${name}`, '--replicas=3']), new RegExp(`deployment.apps/${name} scaled`));
    await waitFor('3 ready nginx pods while paused', async () => (await readyPods(`app=${name}`)).length === 3 && (await images(`app=${name}`)).join() === 'nginx,nginx,nginx');

    assert.match(await c.kubectl.ok(['rollout', 'resume', `deployment/${name}`]), new RegExp(`deployment.apps/${name} resumed`));
    assert.equal((await rolloutStatus(name)).code, 0);
    await waitFor('3 httpd pods', async () => (await images(`app=${name}`)).join() === 'httpd,httpd,httpd');
    const withEnv = live((await client().list<Pod>(pods, 'default', { labelSelector: `app=${name}` })).items)[0]!;
    assert.deepEqual(withEnv.spec.containers[0]!.env, [{ name: 'COLOUR', value: 'blue' }]);
    d = await getDeploy(name);
    assert.equal(d.metadata.annotations?.[revision], '2');

    await c.kubectl.ok(['set', 'resources', `deployment/${name}`, '--limits=cpu=200m,memory=64Mi']);
    assert.equal((await rolloutStatus(name)).code, 0);
    assert.match(await c.kubectl.ok(['rollout', 'restart', `deployment/${name}`]), new RegExp(`deployment.apps/${name} restarted`));
    assert.equal((await rolloutStatus(name)).code, 0);
    d = await getDeploy(name);
    assert.equal(d.metadata.annotations?.[revision], '4');
    assert.ok(d.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    const fresh = live((await client().list<Pod>(pods, 'default', { labelSelector: `app=${name}` })).items);
    assert.equal(fresh.length, 3);
    for (const p of fresh) {
      assert.ok(p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']);
      assert.deepEqual(p.spec.containers[0]!.resources?.limits, { cpu: '200m', memory: '64Mi' });
    }
    await c.kubectl.ok(['rollout', 'pause', `deployment/${name}`]);
    const undo = await c.kubectl.run(['rollout', 'undo', `deployment/${name}`]);
    assert.notEqual(undo.code, 0);
    assert.match(undo.stderr, /you cannot rollback a paused deployment; resume it first/);
    const restart = await c.kubectl.run(['rollout', 'restart', `deployment/${name}`]);
    assert.match(restart.stderr, /can't restart paused deployment \(run rollout resume first\)/);
    await c.kubectl.ok(['rollout', 'resume', `deployment/${name}`]);
    const resumed = await waitFor('resumed condition', async () => {
      const cond = (await getDeploy(name)).status?.conditions?.find((x) => x.type === 'Progressing');
      return cond?.reason !== 'DeploymentPaused' ? cond : undefined;
    });
    assert.ok(['DeploymentResumed', 'NewReplicaSetAvailable'].includes(resumed.reason ?? ''), resumed.reason);
  });

  test('delete --cascade=orphan keeps ReplicaSets and pods; the same deployment adopts them again; delete removes all', async () => {
    const name = `orph-${suffix()}`;
    const replicas = randomInt(1, 3);
    await c.kubectl.ok(['create', 'deployment', name, '--image=nginx', `--replicas=${replicas}`]);
    assert.equal((await rolloutStatus(name)).code, 0);
    const podNames = async () => live((await client().list<Pod>(pods, 'default', { labelSelector: `app=${name}` })).items).map((p) => p.metadata.name).sort();
    const before = await podNames();
    const [rs] = await ownedReplicaSets(await getDeploy(name));
    await c.kubectl.ok(['delete', 'deployment', name, '--cascade=orphan']);
    await waitFor('orphaned', async () => {
      const r = await client().get<ReplicaSet>(replicaSets, 'default', rs!.metadata.name!);
      return !r.metadata.ownerReferences?.length;
    });
    await c.kubectl.ok(['create', 'deployment', name, '--image=nginx', `--replicas=${replicas}`]);
    assert.equal((await rolloutStatus(name)).code, 0);
    const again = await ownedReplicaSets(await getDeploy(name));
    assert.deepEqual(again.map((r) => r.metadata.uid), [rs!.metadata.uid], 'adopted, not replaced');
    assert.deepEqual(await podNames(), before, 'the same pods');
    await c.kubectl.ok(['delete', 'deployment', name]);
    await waitFor('ReplicaSet and pods gone', async () => {
      const left = (await client().list<ReplicaSet>(replicaSets, 'default')).items.filter((r) => r.metadata.name === rs!.metadata.name);
      return left.length === 0 && (await podNames()).length === 0;
    }, 20_000);
  });

  test("skiff's own rollout and set image verbs say and do what kubectl's do", async () => {
    const name = `own-${suffix()}`;
    const kc = c.cp.server.kubeconfigPath;
    assert.equal(await skiffOk(kc, ['create', 'deployment', name, '--image=docker.io/library/nginx', '--replicas=2', '--port=80']), `deployment.apps/${name} created\n`);
    const made = await getDeploy(name);
    assert.deepEqual(made.metadata.labels, { app: name });
    assert.deepEqual(made.spec.selector, { matchLabels: { app: name } });
    assert.deepEqual(made.spec.template.spec?.containers.map((x) => [x.name, x.image, x.ports?.[0]?.containerPort]), [['nginx', 'docker.io/library/nginx', 80]]);
    const st = await skiff(kc, ['rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, new RegExp(`deployment "${name}" successfully rolled out\\n$`));
    assert.equal(await skiffOk(kc, ['set', 'image', `deployment/${name}`, 'nginx=httpd']), `deployment.apps/${name} image updated\n`);
    const missing = await skiff(kc, ['set', 'image', `deployment/${name}`, 'nope=httpd']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /unable to find container named "nope"/);
    assert.equal((await skiff(kc, ['rollout', 'status', 'deployment', name, '--timeout=60s'], { timeoutMs: 70_000 })).code, 0);
    assert.equal(await skiffOk(kc, ['rollout', 'history', `deployment/${name}`]), await c.kubectl.ok(['rollout', 'history', `deployment/${name}`]));
    const rev1 = await skiffOk(kc, ['rollout', 'history', `deployment/${name}`, '--revision=1']);
    assert.ok(rev1.startsWith(`deployment.apps/${name} with revision #1\nPod Template:\n  Labels:  app=${name}\n`), rev1);
    assert.match(rev1, /^\s+pod-template-hash=[bcdfghjklmnpqrstvwxz2456789]+$/m);
    assert.match(rev1, /Image:\s+docker\.io\/library\/nginx\n/);
    assert.equal(await skiffOk(kc, ['rollout', 'pause', `deployment/${name}`]), `deployment.apps/${name} paused\n`);
    const paused = await skiff(kc, ['rollout', 'undo', `deployment/${name}`]);
    assert.match(paused.stderr, /you cannot rollback a paused deployment/);
    assert.equal(await skiffOk(kc, ['rollout', 'resume', `deployment/${name}`]), `deployment.apps/${name} resumed\n`);
    assert.equal(await skiffOk(kc, ['rollout', 'undo', `deployment/${name}`]), `deployment.apps/${name} rolled back\n`);
    assert.equal((await skiff(kc, ['rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 })).code, 0);
    const d = await getDeploy(name);
    assert.equal(d.spec.template.spec?.containers[0]?.image, 'docker.io/library/nginx');
    assert.equal(d.metadata.annotations?.[revision], '3');
    const none = await skiff(kc, ['rollout', 'undo', `deployment/${name}`, '--to-revision=9']);
    assert.match(none.stderr, /unable to find specified revision 9 in history/);
    assert.equal(await skiffOk(kc, ['rollout', 'restart', `deployment/${name}`]), `deployment.apps/${name} restarted\n`);
    assert.equal((await skiff(kc, ['rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 })).code, 0);
    assert.equal((await getDeploy(name)).metadata.annotations?.[revision], '4');
  });

  test('a progress deadline runs out: Progressing False ProgressDeadlineExceeded and `rollout status` exits 1', async () => {
    const name = `stuck-${suffix()}`;
    await c.kubectl.ok(['create', 'deployment', name, '--image=skiff-image-that-never-starts', '--replicas=1']);
    await c.kubectl.ok(['patch', 'deployment', name, '-p', '{"spec":{"progressDeadlineSeconds":2}}']);
    const st = await rolloutStatus(name);
    assert.equal(st.code, 1, st.stdout);
    assert.match(st.stderr, new RegExp(`error: deployment "${name}" exceeded its progress deadline`));
    const d = await getDeploy(name);
    const cond = d.status?.conditions?.find((x) => x.type === 'Progressing');
    assert.equal(cond?.status, 'False');
    assert.equal(cond?.reason, 'ProgressDeadlineExceeded');
    assert.match(cond?.message ?? '', new RegExp(`^ReplicaSet "${name}-\\w+" has timed out progressing\\.$`));
    assert.equal(d.status?.conditions?.find((x) => x.type === 'Available')?.reason, 'MinimumReplicasUnavailable');
    assert.equal(d.status?.unavailableReplicas, 1);
    const own = await skiff(c.cp.server.kubeconfigPath, ['rollout', 'status', `deployment/${name}`]);
    assert.equal(own.code, 1);
    assert.equal(own.stderr, `error: deployment "${name}" exceeded its progress deadline\n`);
  });

  test('kubectl 1.27 waits on a rollout and reports it the same way', async () => {
    const old = new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27));
    const name = `k127-${suffix()}`;
    await old.ok(['create', 'deployment', name, '--image=nginx', '--replicas=2']);
    const st = await rolloutStatus(name, old);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, new RegExp(`deployment "${name}" successfully rolled out`));
    await old.ok(['set', 'image', `deployment/${name}`, 'nginx=httpd']);
    const again = await rolloutStatus(name, old);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Waiting for deployment .* rollout to finish|successfully rolled out/);
  });

  test('validation: maxSurge and maxUnavailable both 0, a selector that does not match the template', async () => {
    const name = `bad-${suffix()}`;
    const manifest = (surge: string, unavailable: string, templateApp: string) => JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: {
        replicas: 1, selector: { matchLabels: { app: name } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge === '0' ? 0 : surge, maxUnavailable: unavailable === '0' ? 0 : unavailable } },
        template: { metadata: { labels: { app: templateApp } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
      },
    });
    const zero = await c.kubectl.run(['create', '-f', '-'], { input: manifest('0', '0', name) });
    assert.equal(zero.code, 1);
    assert.match(zero.stderr, new RegExp(`The Deployment "${name}" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when \`maxSurge\` is 0`));
    const zeroPct = await c.kubectl.run(['create', '-f', '-'], { input: manifest('0%', '0%', name) });
    assert.match(zeroPct.stderr, /may not be 0 when `maxSurge` is 0/);
    const mismatch = await c.kubectl.run(['create', '-f', '-'], { input: manifest('1', '0', 'other') });
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stderr, /spec.template.metadata.labels: Invalid value: map\[string\]string\{"app":"other"\}: `selector` does not match template `labels`/);
  });

  test('a service in front of a 4-replica deployment answers every request through a rolling update', async () => {
    const name = `svc-${suffix()}`;
    const nodePort = 30000 + randomInt(200, 2700);
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: {
        replicas: 4, selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'web', image: 'nginx', readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } }] },
        },
      },
    }) });
    assert.equal((await rolloutStatus(name)).code, 0);
    await c.kubectl.ok(['create', 'service', 'nodeport', name, '--tcp=80:80', `--node-port=${nodePort}`]);
    for (const a of c.nodeAddresses) await waitFor(`node port on ${a}`, async () => (await httpGet(`http://${a}:${nodePort}/`).catch(() => undefined))?.status === 200);
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const bodies = new Set<string>();
    const load = (async () => {
      let i = 0;
      while (!stop) {
        const a = c.nodeAddresses[i++ % c.nodeAddresses.length]!;
        try {
          const r = await httpGetOnce(`http://${a}:${nodePort}/`);
          if (r.status === 200) {
            ok++;
            bodies.add(/Welcome to nginx!/.test(r.body) ? 'nginx' : /It works!/.test(r.body) ? 'httpd' : 'other');
          } else failures.push(`HTTP ${r.status}`);
        } catch (err) {
          failures.push(String(err));
        }
      }
    })();
    await c.kubectl.ok(['set', 'image', `deployment/${name}`, 'web=httpd']);
    const st = await rolloutStatus(name);
    await waitFor('only httpd pods', async () => (await images(`app=${name}`)).join() === 'httpd,httpd,httpd,httpd');
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await load;
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /Waiting for deployment ".*" rollout to finish: \d+ (out of 4 new replicas have been updated|old replicas are pending termination|of 4 updated replicas are available)\.\.\./);
    assert.deepEqual(failures, [], `${failures.length} failed requests of ${ok + failures.length}`);
    assert.ok(ok > 20, `requests answered during the update: ${ok}`);
    assert.ok(bodies.has('nginx') && bodies.has('httpd'), `answered by both: ${[...bodies].join(',')}`);
  });
});
