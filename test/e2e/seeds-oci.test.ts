/**
 * The seeds' story once more on `skiff up --runtime oci`: runc containers from real OCI images,
 * pods on per-node bridges, services in iptables. The images are the seeds' own names (`nginx`,
 * `msfuko/nginx_8800`, `httpd`, `ubuntu`), built from this host's programs and pushed to a local
 * registry that mirrors docker.io and gcr.io with no way upstream — so nothing leaves loopback, and
 * fluentd (which that registry does not have) fails to pull as it would without access to gcr.io.
 * The real kubectl drives it, skiff's CLI where kubectl dropped the verb (rolling-update, stop).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, Pod, Service } from '../../src/api/kinds.js';
import { nodes, services } from '../../src/api/resources.js';
import { ImageStore, imagesDir } from '../../src/images/index.js';
import { installOciPackages } from '../helpers/rootfs-image.js';
import { startRegistry, type Registry } from '../helpers/images.js';
import { installHostImageTools, itWorks, pushSeedImages } from '../helpers/host-images.js';
import { httpGetOnce, startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, seed } from '../controlplane/fixtures.js';
import { cliMain, skiffOk } from '../cli/run.js';

const ready = (p: Pod): boolean => p.status?.phase === 'Running' && !!p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');

describe('the seeds on skiff up --runtime oci', () => {
  let registry: Registry;
  let imageDir: string;
  let c: UpCluster;
  /** Each node's address off loopback: its bridge, the first address of its pod CIDR. */
  let bridgeOf: Map<string, string>;
  const requested: string[] = [];

  before(async () => {
    await installOciPackages();
    installHostImageTools();
    registry = await startRegistry();
    await pushSeedImages(registry.url);
    imageDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-seeds-oci-'));
    const images = new ImageStore({
      dir: imagesDir(imageDir),
      registry: { mirrors: { 'docker.io': [registry.url], 'gcr.io': [registry.url] }, mirrorFallback: false, onRequest: (_m, url) => requested.push(url) },
    });
    c = await startUpCluster({ nodes: 2, runtime: 'oci', images, runtimeConfig: 'extensions/v1beta1/daemonsets=true' });
    const list = await waitFor('both nodes have a pod CIDR', async () => {
      const l = (await c.cp.client.list<Node>(nodes)).items.filter((n) => c.nodeNames.includes(n.metadata.name ?? ''));
      return l.length === 2 && l.every((n) => n.spec?.podCIDR) ? l : undefined;
    }, 20_000);
    bridgeOf = new Map(list.map((n) => [n.metadata.name!, n.spec!.podCIDR!.replace(/\.0\/\d+$/, '.1')]));
  });
  after(async () => {
    await c?.stop();
    await registry?.stop();
    if (imageDir) await fs.rm(imageDir, { recursive: true, force: true });
    // Every registry request went to the loopback mirror, none upstream.
    assert.deepEqual(requested.filter((u) => !u.startsWith(`${registry.url}/v2/`)), []);
  });

  const kubectl = (args: string[], input?: string) => c.kubectl.ok(args, input === undefined ? {} : { input });
  const skiff = (args: string[], input?: string) => skiffOk(c.cp.server.kubeconfigPath, args, input === undefined ? {} : { input });
  const runningPods = (selector: string, n: number, timeoutMs = 30_000, ns = 'default') =>
    waitFor(`${n} running ${selector}`, async () => {
      const l = live(await podsWith(c.cp.client, ns, selector));
      return l.length === n && l.every(ready) ? l : undefined;
    }, timeoutMs);
  const bridges = () => [...bridgeOf.values()];
  const get = (url: string) => httpGetOnce(url, 3000);

  test('001: RC and NodePort service from real nginx images; pod IPs, ClusterIP, NodePort; scale and its guard', async () => {
    const out = await kubectl(['create', '-f', '-'], seed('nginx-rc-svc.yaml'));
    assert.match(out, /replicationcontroller\/hello-nginx created/);
    assert.match(out, /service\/nginx-service created/);
    const four = await runningPods('hello=world', 4, 60_000);
    // Ready pods reach the RC's status on the controller's next sync, as on Kubernetes.
    const fourReady = /hello-nginx\s+4\s+4\s+4\s+\S+\s+my-nginx-container\s+nginx\s+hello=world/;
    await waitFor('rc status 4 ready', async () => fourReady.test(await kubectl(['get', 'rc', '-o', 'wide', '-l', 'hello=world'])) || undefined, 15_000, 200);
    const wide = await kubectl(['get', 'pods', '-o', 'wide', '-l', 'hello=world']);
    for (const p of four) assert.match(wide, new RegExp(`${p.metadata.name!}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${p.status!.podIP!.replace(/\./g, '\\.')}\\s+${p.spec.nodeName!}`));
    assert.match(await kubectl(['get', 'services', '-o', 'wide']), /nginx-service\s+NodePort\s+10\.\S+\s+<none>\s+80:30088\/TCP\s+\S+\s+hello=world/);
    // Each pod is nginx answering on its own IP, as `curl http://POD_IP` shows.
    for (const p of four) {
      const r = await get(`http://${p.status!.podIP!}/`);
      assert.equal(r.status, 200);
      assert.match(r.body, /<title>Welcome to nginx!<\/title>/);
    }
    const clusterIP = (await c.cp.client.get<Service>(services, 'default', 'nginx-service')).spec!.clusterIP!;
    await waitFor('the ClusterIP answers', async () => (await get(`http://${clusterIP}/`).catch(() => undefined))?.status === 200 || undefined, 10_000);
    assert.match((await get(`http://${clusterIP}/`)).body, /Welcome to nginx!/);
    for (const a of bridges()) assert.match((await get(`http://${a}:30088/`)).body, /Welcome to nginx!/);

    assert.match(await kubectl(['scale', '--replicas=8', 'rc', 'hello-nginx']), /scaled/);
    await runningPods('hello=world', 8, 60_000);
    await kubectl(['scale', '--replicas=2', 'rc', 'hello-nginx']);
    await runningPods('hello=world', 2);
    const refused = await c.kubectl.run(['scale', '--current-replicas=3', '--replicas=4', 'rc', 'hello-nginx']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Expected replicas to be 3, was 2/);
    await kubectl(['scale', '--current-replicas=2', '--replicas=3', 'rc', 'hello-nginx']);
    await runningPods('hello=world', 3);
    await kubectl(['delete', '-f', '-'], seed('nginx-rc-svc.yaml'));
  });

  test('001: two containers in one pod (nginx on 80, msfuko/nginx_8800 on 8800) share its IP; host ports answer', async () => {
    await kubectl(['create', '-f', '-'], seed('nginxpod.yaml'));
    const [p] = await runningPods('', 1, 60_000).catch(async () => {
      throw new Error(await kubectl(['describe', 'pod', 'nginxpod']));
    });
    assert.match(await kubectl(['get', 'pod', 'nginxpod']), /nginxpod\s+2\/2\s+Running/);
    for (const port of [80, 8800]) assert.match((await get(`http://${p!.status!.podIP!}:${port}/`)).body, /Welcome to nginx!/);
    const node = bridgeOf.get(p!.spec.nodeName!)!;
    for (const port of [80, 8800]) assert.match((await get(`http://${node}:${port}/`)).body, /Welcome to nginx!/, `host port ${port} on ${node}`);
    await kubectl(['delete', 'pod', 'nginxpod']);
    await waitFor('nginxpod gone', async () => (await podsWith(c.cp.client, 'default', '')).length === 0 || undefined, 30_000);
  });

  test('001: expose, then a rolling update to httpd while the service answers', async (t) => {
    await kubectl(['create', '-f', '-'], seed('nginx-rc.yaml'));
    const nginx = await runningPods('app=nginx,project=lambert', 3, 60_000);
    assert.match(await kubectl(['expose', 'rc', 'nginx-rc-pod', '--port=30188', '--target-port=80', '--name=nginx-services', '--type=NodePort']), /service\/nginx-services exposed/);
    // describe lists the pods' IPs as endpoints once the endpoints controller has caught up (skiff's
    // describe: kubectl 1.32 reads EndpointSlices for this line).
    const described = await waitFor('endpoints described', async () => {
      const d = await skiff(['describe', 'service', 'nginx-services']);
      return nginx.every((p) => d.includes(`${p.status!.podIP!}:80`)) ? d : undefined;
    }, 10_000);
    const nodePort = Number(/NodePort:\s+<unset>\s+(\d+)\/TCP/.exec(described)?.[1]);
    assert.ok(nodePort >= 30000, described);
    const clusterIP = (await c.cp.client.get<Service>(services, 'default', 'nginx-services')).spec!.clusterIP!;
    const targets = [`http://${clusterIP}:30188/`, ...bridges().map((a) => `http://${a}:${nodePort}/`)];
    for (const t of targets) await waitFor(`${t} answers`, async () => (await get(t).catch(() => undefined))?.status === 200 || undefined, 10_000);

    // Requests without pause through the whole update, a new connection each (curl in a loop),
    // over the ClusterIP and both nodes' NodePorts.
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const bodies = new Set<string>();
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await get(targets[i % targets.length]!);
          if (r.status !== 200) failures.push(`HTTP ${r.status}`);
          else {
            ok++;
            bodies.add(/Welcome to nginx!/.test(r.body) ? 'nginx' : r.body === itWorks ? 'httpd' : 'other');
          }
        } catch (err) {
          failures.push(`${targets[i % targets.length]!}: ${String(err)}`);
        }
      }
    })();
    const updated = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [cliMain, 'rolling-update', 'nginx-rc-pod', '--image=httpd', '--update-period=1s', '--poll-interval=200ms', `--kubeconfig=${c.cp.server.kubeconfigPath}`]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`rolling-update exited ${code}: ${out}`))));
    });
    stop = true;
    await load;
    assert.match(updated, /Scaling up nginx-rc-pod-\w+ from 0 to 3, scaling down nginx-rc-pod from 3 to 0/);
    assert.match(updated, /replicationcontroller "nginx-rc-pod" rolling updated/);
    // As on the process runtime: no request fails. A deleted pod is drained (out of the
    // Endpoints and the iptables rules) before nginx gets its SIGQUIT and closes its listener —
    // without that, Kubernetes' race refuses a few new connections here (proxy/drain.ts).
    t.diagnostic(`during the rolling update: ${ok} answered, ${failures.length} refused`);
    assert.deepEqual(failures, [], `${failures.length} failed requests of ${ok + failures.length}`);
    assert.ok(ok > 20, `requests answered during the update: ${ok}`);
    assert.ok(bodies.has('nginx') && bodies.has('httpd') && !bodies.has('other'), `answered by: ${[...bodies].join(',')}`);
    const httpd = await runningPods('app=nginx,project=lambert', 3);
    for (const p of httpd) {
      assert.equal(p.spec.containers[0]!.image, 'httpd');
      assert.equal((await get(`http://${p.status!.podIP!}/`)).body, itWorks);
    }
    for (const t of targets) assert.equal((await get(t)).body, itWorks);
    await kubectl(['delete', 'rc', 'nginx-rc-pod']);
    await kubectl(['delete', 'service', 'nginx-services']);
  });

  test('000/001: the free daemon set on every node and on a labelled one; the dpkg job prints its package table', async () => {
    await kubectl(['create', '-f', '-'], seed('daemonset-free.yaml'));
    const everywhere = await runningPods('app=checkRam', 2, 60_000);
    assert.deepEqual(everywhere.map((p) => p.spec.nodeName).sort(), [...c.nodeNames].sort());
    for (const p of everywhere) {
      const free = await waitFor('free printed', async () => {
        const l = await kubectl(['logs', p.metadata.name!]);
        return /^Mem:\s+\d+/m.test(l) ? l : undefined;
      }, 10_000);
      assert.match(free, /^\s+total\s+used\s+free\s+shared\s+buff\/cache\s+available$/m);
    }
    // The seed's `bash -c 'while true; …'` is PID 1 in its container and, as under Docker,
    // ignores SIGTERM: each pod holds out its 30 s grace period (stop's --grace-period is the
    // daemon set's, not its pods'). So the stops run while the story goes on, the labelled
    // variant in a namespace of its own (same name) beside the first one's stop.
    const stopEverywhere = skiff(['stop', 'ds', 'ram-check']);
    await kubectl(['label', 'nodes', c.nodeNames[1]!, 'runDS=ok']);
    assert.match(await kubectl(['get', 'nodes', '--show-labels']), /runDS=ok/);
    const ns = 'seed-labelled';
    await kubectl(['create', 'namespace', ns]);
    await kubectl(['create', '-n', ns, '-f', '-'], seed('daemonset-free-nodeselector.yaml'));
    const only = await runningPods('app=checkRam', 1, 30_000, ns);
    assert.equal(only[0]!.spec.nodeName, c.nodeNames[1]);
    const stopLabelled = skiff(['stop', '-n', ns, '-f', '-'], seed('daemonset-free-nodeselector.yaml'));

    assert.match(await kubectl(['create', '-f', '-'], seed('job-dpkg.yaml')), /job.batch\/package-check created|job.extensions\/package-check created/);
    await waitFor('job complete', async () => /package-check\s+(Complete\s+)?1\/1/.test(await kubectl(['get', 'jobs'])) || undefined, 60_000);
    const [jobPod] = await podsWith(c.cp.client, 'default', 'test=dpkg');
    assert.equal(jobPod!.status?.phase, 'Succeeded');
    const log = await kubectl(['logs', jobPod!.metadata.name!]);
    assert.match(log, /^Desired=Unknown\/Install\/Remove\/Purge\/Hold$/m);
    assert.match(log, /^\|\|\/ Name\s+Version\s+Architecture\s+Description$/m);
    assert.match(log, /^ii\s+dpkg\s+\S+\s+amd64\s+Debian package management system$/m);
    assert.match(await kubectl(['describe', 'job', 'package-check']), /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    assert.match(await skiff(['stop', 'job', 'package-check']), /job "package-check" deleted/);
    assert.equal((await podsWith(c.cp.client, 'default', 'test=dpkg')).length, 0);

    assert.match(await stopEverywhere, /daemonset "ram-check" deleted/);
    assert.equal((await podsWith(c.cp.client, 'default', 'app=checkRam')).length, 0);
    assert.match(await stopLabelled, /daemonset "ram-check" deleted/);
    assert.equal((await podsWith(c.cp.client, ns, 'app=checkRam')).length, 0);
  });

  test('001: fluentd from gcr.io cannot be pulled: ErrImagePull, then ImagePullBackOff on every node', async () => {
    await kubectl(['create', '-f', '-'], seed('dameonset.yaml'));
    const image = 'gcr.io/google-containers/fluentd-elasticsearch:1.20';
    const seen = new Set<string>();
    await waitFor('ImagePullBackOff on both nodes', async () => {
      const l = live(await podsWith(c.cp.client, 'default', 'name=fluentd-elasticsearch'));
      for (const p of l) {
        const w = p.status?.containerStatuses?.[0]?.state?.waiting;
        if (w?.reason === 'ErrImagePull') assert.match(w.message ?? '', /not found in 127\.0\.0\.1:\d+ \(mirror of gcr\.io\)/);
        if (w?.reason) seen.add(w.reason);
      }
      return l.length === 2 && l.every((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff') ? l : undefined;
    }, 30_000, 10);
    assert.ok(seen.has('ErrImagePull'), [...seen].join(','));
    const table = await kubectl(['get', 'pods', '-l', 'name=fluentd-elasticsearch']);
    assert.equal(table.match(/\s0\/1\s+(ImagePullBackOff|ErrImagePull)\s/g)?.length, 2, table);
    const events = await kubectl(['get', 'events', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
    assert.match(events, new RegExp(`^Failed:Failed to pull image "${image.replace(/\./g, '\\.')}"`, 'm'));
    await kubectl(['delete', 'ds', 'fluentd-elasticsearch']);
    await waitFor('fluentd pods gone', async () => (await podsWith(c.cp.client, 'default', 'name=fluentd-elasticsearch')).length === 0 || undefined, 30_000);
  });
});
