/**
 * Both seeds' stories replayed on `skiff up` with three nodes, with skiff's own CLI and the
 * seeds' manifests as printed: the 001 tutorial (RC + NodePort service, wide listings, scale with
 * its guard, expose, rolling update with the service answering every request, jobs, daemon sets)
 * and the 000 recipe (the dpkg job, stop, the free daemon set everywhere and on labelled nodes).
 * Where kubectl still has the verb, the same read is done with it and must agree.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Pod, ReplicationController } from '../../src/api/kinds.js';
import { pods, replicationControllers } from '../../src/api/resources.js';
import { startUpCluster, httpGet, httpGetOnce, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, seed } from '../controlplane/fixtures.js';
import { cliMain, skiff, skiffOk } from '../cli/run.js';

describe('the seeds on skiff up', () => {
  let c: UpCluster;
  let kc: string;
  before(async () => {
    c = await startUpCluster({ nodes: 3, runtimeConfig: 'extensions/v1beta1/daemonsets=true' });
    kc = c.cp.server.kubeconfigPath;
  });
  after(async () => {
    await c.stop();
  });
  const run = (args: string[], input?: string) => skiffOk(kc, args, input === undefined ? {} : { input });
  const runningPods = (selector: string, n: number) =>
    waitFor(`${n} running ${selector}`, async () => {
      const list = live(await podsWith(c.cp.client, 'default', selector));
      return list.length === n && list.every((p) => p.status?.phase === 'Running' && p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) ? list : undefined;
    }, 30_000);

  test('001: RC and NodePort service, listings, scale and its guard', async () => {
    const out = await run(['create', '-f', '-'], seed('nginx-rc-svc.yaml'));
    assert.match(out, /replicationcontroller\/hello-nginx created/);
    assert.match(out, /service\/nginx-service created/);
    await runningPods('hello=world', 4);
    // Ready pods reach the RC's status on the controller's next sync, as on Kubernetes.
    const fourReady = /hello-nginx\s+4\s+4\s+4\s+\S+\s+my-nginx-container\s+nginx\s+hello=world/;
    const rc = await waitFor('rc status 4 ready', async () => { const o = await run(['get', 'rc', '-o', 'wide', '-l', 'hello=world']); return fourReady.test(o) ? o : undefined; }, 15_000, 200);
    assert.match(rc, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/);
    assert.match(rc, /hello-nginx\s+4\s+4\s+4\s+\S+\s+my-nginx-container\s+nginx\s+hello=world/);
    const wide = await run(['get', 'pods', '-o', 'wide', '-l', 'hello=world']);
    assert.match(wide, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    assert.equal(wide.trim().split('\n').length, 5);
    assert.match(await run(['get', 'services', '-o', 'wide']), /nginx-service\s+NodePort\s+\S+\s+<none>\s+80:30088\/TCP\s+\S+\s+hello=world/);
    // The same listing from kubectl agrees (ages aside).
    const strip = (s: string) => s.split('\n').map((l) => l.replace(/(\s)\d+[smhd](\d+[smh])?(?=\s|$)/, '$1AGE'));
    assert.deepEqual(strip(await run(['get', 'rc', '-l', 'hello=world'])), strip(await c.kubectl.ok(['get', 'rc', '-l', 'hello=world'])));
    // Pods Ready and proxies programmed are separate events (as with kube-proxy): the node port
    // answers once each node's proxy has the endpoints.
    for (const a of c.nodeAddresses) {
      const r = await waitFor(`node port on ${a}`, async () => (await httpGet(`http://${a}:30088/`).catch(() => undefined)) ?? false);
      assert.match(r.body, /Welcome to nginx!/);
    }

    assert.match(await run(['scale', '--replicas=8', 'rc', 'hello-nginx']), /scaled/);
    await runningPods('hello=world', 8);
    await run(['scale', '--replicas=2', 'rc', 'hello-nginx']);
    await runningPods('hello=world', 2);
    const refused = await skiff(kc, ['scale', '--current-replicas=3', '--replicas=4', 'rc', 'hello-nginx']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), 'error: Expected replicas to be 3, was 2');
    assert.equal((await c.cp.client.get<ReplicationController>(replicationControllers, 'default', 'hello-nginx')).spec?.replicas, 2);
    await run(['scale', '--current-replicas=2', '--replicas=3', 'rc', 'hello-nginx']);
    await runningPods('hello=world', 3);
    await run(['delete', '-f', '-'], seed('nginx-rc-svc.yaml'));
  });

  test('001: expose, then a rolling update to httpd while the service answers every request', async () => {
    await run(['create', '-f', '-'], seed('nginx-rc.yaml'));
    await runningPods('app=nginx,project=lambert', 3);
    assert.match(await run(['expose', 'rc', 'nginx-rc-pod', '--port=30188', '--target-port=80', '--name=nginx-services', '--type=NodePort']), /service\/nginx-services exposed/);
    const described = await run(['describe', 'service', 'nginx-services']);
    for (const field of ['Name:', 'Namespace:', 'Labels:', 'Selector:', 'Type:', 'IP:', 'Port:', 'NodePort:', 'Endpoints:', 'Session Affinity:', 'Events:']) assert.ok(described.includes(field), `describe shows ${field}`);
    const nodePort = Number(/NodePort:\s+<unset>\s+(\d+)\/TCP/.exec(described)?.[1]);
    assert.ok(nodePort >= 30000, described);
    await waitFor('service answers', async () => (await httpGet(`http://${c.nodeAddresses[0]}:${nodePort}/`).catch(() => undefined))?.status === 200);

    // Requests without pause through the whole update, a new connection each (as curl in a loop);
    // every one must be answered.
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
    let most = 0;
    let fewestReady = Infinity;
    const watch = (async () => {
      while (!stop) {
        const all = live((await c.cp.client.list<Pod>(pods, 'default', { labelSelector: 'app=nginx,project=lambert' })).items);
        most = Math.max(most, all.length);
        fewestReady = Math.min(fewestReady, all.filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const updated = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [cliMain, 'rolling-update', 'nginx-rc-pod', '--image=httpd', '--update-period=1s', '--poll-interval=200ms', `--kubeconfig=${kc}`]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`rolling-update exited ${code}: ${out}`))));
    });
    stop = true;
    await Promise.all([load, watch]);
    assert.match(updated, /Created nginx-rc-pod-\w+/);
    assert.match(updated, /Scaling up nginx-rc-pod-\w+ from 0 to 3, scaling down nginx-rc-pod from 3 to 0 \(keep 3 pods available, don't exceed 4 pods\)/);
    assert.match(updated, /Update succeeded\. Deleting old controller: nginx-rc-pod/);
    assert.match(updated, /replicationcontroller "nginx-rc-pod" rolling updated/);
    assert.deepEqual(failures, [], `${failures.length} failed requests of ${ok + failures.length}`);
    assert.ok(ok > 20, `requests answered during the update: ${ok}`);
    assert.ok(bodies.has('nginx') && bodies.has('httpd'), `answered by both: ${[...bodies].join(',')}`);
    assert.ok(most <= 4, `never more than replicas+1 pods (saw ${most})`);
    assert.ok(fewestReady >= 3, `never fewer than replicas ready pods (saw ${fewestReady})`);
    const after = await runningPods('app=nginx,project=lambert', 3);
    assert.ok(after.every((p) => p.spec.containers[0]!.image === 'httpd'));
    assert.equal((await c.cp.client.get<ReplicationController>(replicationControllers, 'default', 'nginx-rc-pod')).spec?.template?.spec?.containers[0]?.image, 'httpd');
    await run(['delete', 'rc', 'nginx-rc-pod']);
    await run(['delete', 'service', 'nginx-services']);
  });

  test('000/001: the dpkg job, its log and stop; the free daemon set everywhere, then on labelled nodes', async () => {
    assert.match(await run(['create', '-f', '-'], seed('job-dpkg.yaml')), /job.extensions\/package-check created/);
    await waitFor('job done', async () => /Complete/.test(await run(['get', 'jobs'])), 30_000);
    const [jobPod] = await podsWith(c.cp.client, 'default', 'test=dpkg');
    assert.match(await run(['logs', jobPod!.metadata.name!]), /^ii\s+dpkg\s/m);
    assert.match(await run(['describe', 'job', 'package-check']), /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    assert.match(await run(['stop', 'job', 'package-check']), /job "package-check" deleted/);
    assert.equal((await podsWith(c.cp.client, 'default', 'test=dpkg')).length, 0);

    await run(['create', '-f', '-'], seed('daemonset-free.yaml'));
    const everywhere = await runningPods('app=checkRam', 3);
    assert.deepEqual(everywhere.map((p) => p.spec.nodeName).sort(), [...c.nodeNames].sort());
    const table = await run(['get', 'pod', '--selector=app=checkRam', '-o', 'wide']);
    for (const n of c.nodeNames) assert.match(table, new RegExp(`\\s${n}\\s`));
    await waitFor('free printed', async () => /Mem:/.test(await run(['logs', everywhere[0]!.metadata.name!])));
    assert.match(await run(['stop', 'ds', 'ram-check']), /daemonset "ram-check" deleted/);
    assert.equal((await podsWith(c.cp.client, 'default', 'app=checkRam')).length, 0);

    await run(['label', 'nodes', c.nodeNames[2]!, 'runDS=ok']);
    assert.match(await run(['get', 'nodes', '--show-labels']), /runDS=ok/);
    await run(['create', '-f', '-'], seed('daemonset-free-nodeselector.yaml'));
    const only = await runningPods('app=checkRam', 1);
    assert.equal(only[0]!.spec.nodeName, c.nodeNames[2]);
    assert.match(await run(['stop', '-f', '-'], seed('daemonset-free-nodeselector.yaml')), /deleted/);
  });
});
