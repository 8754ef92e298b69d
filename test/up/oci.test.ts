/**
 * `skiff up --runtime oci`: nodes whose pods are runc containers in their own network
 * namespaces on a bridge per node, with pod CIDRs the server allocates, and services in the
 * kernel (the iptables proxy): S9 (pod to pod across nodes), S10 (ClusterIP) and S11 (NodePort)
 * with real containers. Images come from a busybox-static root filesystem behind the image
 * contract (the store's own tests pull from a real registry).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, Service } from '../../src/api/kinds.js';
import { nodes, pods, services } from '../../src/api/resources.js';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { httpGetOnce, startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
let images: RootfsImages;
before(async () => {
  await installOciPackages();
  images = await RootfsImages.create();
  c = await startUpCluster({ nodes: 2, runtime: 'oci', images });
});
after(async () => {
  await c?.stop();
  await images?.dispose();
});

const image = 'skiff.test/busybox:1';
// Ready only once httpd listens, as a Kubernetes user would ask (without a probe, Ready means started).
const readinessProbe = { tcpSocket: { port: 8080 }, periodSeconds: 1 };
const serve = ['sh', '-c', 'mkdir -p /tmp/www && echo "hello from $(hostname)" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'];

function inRange(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const n = (a: string): number => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = 2 ** 32 - 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / 2 ** (32 - Number(bits))) === Math.floor((n(net!) & mask) / 2 ** (32 - Number(bits)));
}

test('oci nodes: allocated pod CIDRs, pods across nodes, ClusterIP and NodePort through iptables', async () => {
  const nodeList = await waitFor('both nodes have a pod CIDR', async () => {
    const list = (await c.cp.client.list<Node>(nodes)).items.filter((n) => c.nodeNames.includes(n.metadata.name ?? ''));
    return list.length === 2 && list.every((n) => n.spec?.podCIDR) ? list : undefined;
  }, 20_000);
  const cidrOf = new Map(nodeList.map((n) => [n.metadata.name!, n.spec!.podCIDR!]));
  assert.notEqual(cidrOf.get(c.nodeNames[0]!), cidrOf.get(c.nodeNames[1]!));

  const app = `web-${suffix()}`;
  const replicas = randomInt(3, 4);
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: app },
      spec: { replicas, selector: { app }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'web', image, command: serve, ports: [{ containerPort: 8080 }], readinessProbe }] } } },
    }),
  });
  const running = await waitFor(`${replicas} pods running`, async () => {
    const list = (await c.cp.client.list<Pod>(pods, 'default', { labelSelector: `app=${app}` })).items;
    return list.length === replicas && list.every((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) ? list : undefined;
  }, 60_000);
  for (const p of running) assert.ok(inRange(p.status!.podIP!, cidrOf.get(p.spec.nodeName!)!), `${p.status!.podIP!} in ${p.spec.nodeName!}'s ${cidrOf.get(p.spec.nodeName!)!}`);
  assert.equal(new Set(running.map((p) => p.spec.nodeName)).size, 2, 'spread over both nodes');
  for (const p of running) assert.equal((await httpGetOnce(`http://${p.status!.podIP!}:8080/`)).body, `hello from ${p.metadata.name!}\n`);

  await c.kubectl.ok(['expose', 'rc', app, '--port', '80', '--target-port', '8080', '--type', 'NodePort']);
  const svc = await c.cp.client.get<Service>(services, 'default', app);
  const clusterIP = svc.spec!.clusterIP!;
  const nodePort = svc.spec!.ports![0]!.nodePort!;
  assert.doesNotMatch(clusterIP, /^127\./);
  const names = new Set(running.map((p) => p.metadata.name!));
  const seen = new Map<string, number>();
  await waitFor('the ClusterIP answers', async () => (await httpGetOnce(`http://${clusterIP}/`, 1000).catch(() => undefined))?.status === 200 || undefined, 10_000);
  for (let i = 0; i < 40; i++) {
    const who = (await httpGetOnce(`http://${clusterIP}/`)).body.trim().replace('hello from ', '');
    assert.ok(names.has(who), who);
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  assert.ok(seen.size >= 2, `ClusterIP spreads: ${JSON.stringify([...seen])}`);
  // A node port answers on the node's non-loopback addresses (kube-proxy's rule): its bridge.
  const gateway = cidrOf.get(c.nodeNames[0]!)!.replace(/\.0\/\d+$/, '.1');
  assert.match((await httpGetOnce(`http://${gateway}:${nodePort}/`)).body, /^hello from /);

  // S9: a pod reaches pods on the other node by pod IP, and the service by its cluster IP.
  const probe = `probe-${suffix()}`;
  const other = running.find((p) => p.spec.nodeName !== c.nodeNames[0])!;
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: probe },
      spec: { nodeName: c.nodeNames[0], restartPolicy: 'Never', containers: [{ name: 'probe', image, command: ['sh', '-c', `wget -qO- http://${other.status!.podIP!}:8080/ && wget -qO- http://${clusterIP}/`] }] },
    }),
  });
  const done = await waitFor('the probe pod finished', async () => {
    const p = await c.cp.client.get<Pod>(pods, 'default', probe);
    return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
  }, 30_000);
  const log = await c.kubectl.ok(['logs', probe]);
  assert.equal(done.status?.phase, 'Succeeded', log);
  assert.match(log, new RegExp(`^hello from ${other.metadata.name!}\nhello from ${app}-`));

  // Scaled to one, the service reaches only the pod left.
  await c.kubectl.ok(['scale', 'rc', app, '--replicas=1']);
  const left = await waitFor('one pod left', async () => {
    const list = (await c.cp.client.list<Pod>(pods, 'default', { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp);
    return list.length === 1 ? list[0] : undefined;
  }, 30_000);
  await waitFor('only the pod left answers', async () => {
    for (let i = 0; i < 10; i++) if ((await httpGetOnce(`http://${clusterIP}/`, 1000).catch(() => undefined))?.body !== `hello from ${left.metadata.name!}\n`) return undefined;
    return true;
  }, 20_000);
  await c.kubectl.ok(['delete', 'rc', app]);
  await c.kubectl.ok(['delete', 'pod', probe]);
});

test('an image that cannot be pulled: ErrImagePull, then ImagePullBackOff, with kubelet\'s events', async () => {
  const name = `nopull-${suffix()}`;
  const missing = `skiff.test/missing-${suffix()}:1`;
  await c.kubectl.ok(['run', name, `--image=${missing}`, '--restart=Never']);
  const reasons = new Set<string>();
  await waitFor('ImagePullBackOff after ErrImagePull', async () => {
    const p = await c.cp.client.get<Pod>(pods, 'default', name);
    const w = p.status?.containerStatuses?.[0]?.state?.waiting;
    if (w?.reason) reasons.add(w.reason);
    if (w?.reason === 'ErrImagePull') assert.match(w.message ?? '', new RegExp(missing.replace(/[.]/g, '\\.')));
    if (w?.reason === 'ImagePullBackOff') assert.equal(w.message, `Back-off pulling image "${missing}"`);
    return reasons.has('ErrImagePull') && reasons.has('ImagePullBackOff') || undefined;
  }, 20_000, 10);
  const events = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
  assert.match(events, new RegExp(`^Failed:Failed to pull image "${missing.replace(/[.]/g, '\\.')}"`, 'm'));
  assert.match(events, /^BackOff:Back-off pulling image/m);
  const table = await c.kubectl.ok(['get', 'pod', name]);
  assert.match(table, /ErrImagePull|ImagePullBackOff/);
  await c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);
});
