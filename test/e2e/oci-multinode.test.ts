/**
 * S9 and S10 on separate hosts: three `skiff agent --runtime oci` processes, each in a network
 * namespace of its own (a "host" on a LAN bridge the test creates), joined by token to a control
 * plane in this process that listens on that LAN. Each node gets a pod CIDR from the server and
 * keeps host-gw routes to the others' CIDRs; a pod on one host reaches pods on the two others by
 * pod IP, and a ClusterIP service spreads its connections over endpoints on both (the iptables
 * proxy of the probe's own host). Its logs come through the API server from the node's kubelet
 * endpoint on the host's address. Images are imported into each agent's store from an OCI
 * archive built here from Debian's busybox-static.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Endpoints, Node, Pod } from '../../src/api/kinds.js';
import { endpoints, nodes, pods } from '../../src/api/resources.js';
import { startControlPlane, type ControlPlane } from '../../src/cli/controlplane.js';
import { freeTenBlock, NetnsHosts, type NetHost } from '../helpers/netns-hosts.js';
import { buildImage, tarFolder, writeLayout } from '../helpers/images.js';
import { installOciPackages } from '../helpers/rootfs-image.js';
import { Kubectl } from '../helpers/kubectl.js';
import { repoRoot, skiffMain } from '../helpers/paths.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

process.env['SKIFF_LOG_LEVEL'] ??= 'warn';
const run = promisify(execFile);

const image = 'skiff.test/busybox-net:1';

interface Agent {
  readonly host: NetHost;
  readonly name: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  stderr: string;
}

let hosts: NetnsHosts | undefined;
let cp: ControlPlane | undefined;
let kubectl: Kubectl;
let workDir: string | undefined;
let block: number;
const agents: Agent[] = [];

/** A one-layer image: the static busybox with the applets the pods use, PATH set. */
async function imageArchive(dir: string): Promise<string> {
  const busybox = await readFile('/bin/busybox');
  const applets = ['sh', 'httpd', 'wget', 'mkdir', 'hostname', 'seq', 'sleep', 'timeout', 'chmod', 'printf'];
  const built = await buildImage(
    [{
      compression: 'gzip',
      files: [
        { path: 'bin', type: 'dir' },
        { path: 'bin/busybox', content: busybox, mode: 0o755 },
        ...applets.map((a) => ({ path: `bin/${a}`, type: 'symlink' as const, target: 'busybox' })),
        ...['etc', 'proc', 'sys', 'dev'].map((d) => ({ path: d, type: 'dir' as const })),
        { path: 'tmp', type: 'dir', mode: 0o1777 },
      ],
    }],
    { config: { Cmd: ['sh'], Env: ['PATH=/bin'] } },
  );
  const layout = path.join(dir, 'layout');
  await writeLayout(layout, [{ top: built.manifest, annotations: { 'io.containerd.image.name': image } }], built.blobs);
  const file = path.join(dir, 'busybox-net.tar');
  await tarFolder(layout, file);
  return file;
}

before(async () => {
  await installOciPackages();
  // The hosts' plumbing: ip (iproute2), nsenter (util-linux).
  await run(path.join(repoRoot, 'scripts', 'debian-install'), ['ip:iproute2', 'nsenter:util-linux']);
  // One 10.B.0.0/16 nothing else on the machine uses (in-process oci clusters take B 30–249):
  // pods 10.B.0.0/17, services 10.B.128.0/18, the hosts' LAN 10.B.250.0/24.
  block = freeTenBlock([250, 251, 252, 253, 254]);
  hosts = NetnsHosts.create({ count: 3, subnet: `10.${block}.250` });
  workDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-multinode-'));
  cp = await startControlPlane({
    dataDir: path.join(workDir, 'server'),
    // On the LAN, so the agents inside the namespaces reach it (its certificate names every
    // local address, the bridge's too).
    listen: `${hosts.gateway}:0`,
    datastore: 'memory://',
    clusterCidr: `10.${block}.0.0/17`,
    serviceClusterIpRange: `10.${block}.128.0/18`,
  });
  kubectl = new Kubectl(cp.server.kubeconfigPath);
  const archive = await imageArchive(workDir);
  for (const host of hosts.hosts) {
    const dataDir = path.join(workDir, `agent${host.index}`);
    await run(process.execPath, [skiffMain, 'image', 'import', archive, '--data-dir', dataDir]);
    const name = `host${host.index}-${hosts.tag}`;
    const child = spawn(hosts.launcher(host)[0]!, [
      ...hosts.launcher(host).slice(1),
      process.execPath, '--enable-source-maps', skiffMain, 'agent', '--runtime', 'oci',
      // The test's image is imported before the agent runs and unused until its pods start: keep it
      // whatever this machine's disk usage.
      '--image-gc-high-threshold', '100',
      '--server', cp.server.url, '--token', cp.server.joinToken, '--ca-cert', path.join(workDir, 'server', 'pki', 'ca.crt'),
      '--data-dir', dataDir, '--node-name', name, '--address', host.address,
      '--bridge', `skp${hosts.tag}${host.index}`, '--cluster-cidr', `10.${block}.0.0/17`, '--proxy-mode', 'iptables',
    ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' } });
    const agent: Agent = { host, name, dataDir, child, stderr: '' };
    child.stderr!.on('data', (d: Buffer) => (agent.stderr = (agent.stderr + d.toString()).slice(-20_000)));
    agents.push(agent);
  }
});

async function stopAgent(a: Agent): Promise<void> {
  if (a.child.exitCode !== null || a.child.signalCode !== null) return;
  const gone = new Promise((r) => a.child.once('exit', r));
  a.child.kill('SIGTERM');
  const timer = setTimeout(() => a.child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

after(async () => {
  await Promise.all(agents.map(stopAgent));
  // Containers of an agent that had to be killed outlive it: runc removes them by its state.
  for (const a of agents) {
    const root = path.join(a.dataDir, 'nodes', a.name, 'runc');
    const ids = spawnSync('runc', ['--root', root, 'list', '-q'], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? [];
    for (const id of ids) spawnSync('runc', ['--root', root, 'delete', '--force', id]);
  }
  await cp?.stop();
  hosts?.dispose();
  if (workDir) await rm(workDir, { recursive: true, force: true });
  const left = hosts?.leftovers() ?? [];
  assert.deepEqual(left, [], `left on the host: ${left.join(', ')}`);
  // Each agent left on SIGTERM (stopping its containers, taking its routes and rules away).
  for (const a of agents) assert.equal(a.child.exitCode, 0, `${a.name} exit\n${agentLogs()}`);
  // The hosts' rules lived in their namespaces: the machine's own tables never name the block.
  if (hosts) assert.doesNotMatch(execFileSync('iptables-save', { encoding: 'utf8' }), new RegExp(`\\b10\\.${block}\\.`));
});

function agentLogs(): string {
  return agents.map((a) => `--- ${a.name}:\n${a.stderr.slice(-3000)}`).join('\n');
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const n = (a: string): number => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(net!) / size);
}

// index.html names the pod; cgi-bin/peer answers with the address the request came from.
const serve = ['sh', '-c', 'mkdir -p /tmp/www/cgi-bin && echo "hello from $(hostname)" > /tmp/www/index.html && printf \'#!/bin/sh\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\npeer %%s\\\\n" "$REMOTE_ADDR"\\n\' > /tmp/www/cgi-bin/peer && chmod +x /tmp/www/cgi-bin/peer && exec httpd -f -p 8080 -h /tmp/www'];

test('oci nodes on separate hosts: pod CIDRs, host-gw routes, pod to pod by IP and a ClusterIP across hosts', async () => {
  const h = hosts!;
  const client = cp!.client;
  const names = agents.map((a) => a.name);

  const registered = await waitFor('three Ready nodes with pod CIDRs', async () => {
    const list = (await client.list<Node>(nodes)).items.filter((n) => names.includes(n.metadata.name ?? ''));
    const ready = list.filter((n) => n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === agents.length ? ready : undefined;
  }, 30_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${agentLogs()}`);
  });
  const cidrOf = new Map(registered.map((n) => [n.metadata.name!, n.spec!.podCIDR!]));
  assert.equal(new Set(cidrOf.values()).size, agents.length, 'a pod CIDR per node');
  for (const a of agents) {
    assert.ok(inCidr(cidrOf.get(a.name)!.split('/')[0]!, `10.${block}.0.0/17`), cidrOf.get(a.name));
    const node = registered.find((n) => n.metadata.name === a.name)!;
    assert.equal(node.status?.addresses?.find((x) => x.type === 'InternalIP')?.address, a.host.address);
  }

  // host-gw: every host routes each other node's pod CIDR via that node's LAN address.
  await waitFor('host-gw routes on every host', () => agents.every((a) => {
    const routes = h.exec(a.host, ['ip', '-4', 'route', 'show']);
    return agents.filter((o) => o !== a).every((o) => routes.includes(`${cidrOf.get(o.name)!} via ${o.host.address} dev eth0`));
  }) || undefined, 15_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${agents.map((a) => `${a.host.ns}: ${h.exec(a.host, ['ip', '-4', 'route', 'show'])}`).join('\n')}`);
  });

  // Web pods on hosts 1 and 2, pinned there; the probe runs on host 0.
  const app = `web-${suffix()}`;
  const web = [agents[1]!, agents[2]!].map((a, i) => ({ agent: a, pod: `${app}-${i}` }));
  for (const w of web) {
    await kubectl.ok(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: w.pod, labels: { app } },
        spec: { nodeName: w.agent.name, containers: [{ name: 'web', image, command: serve, ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }] },
      }),
    });
  }
  const running = await waitFor('web pods ready', async () => {
    const list = (await client.list<Pod>(pods, 'default', { labelSelector: `app=${app}` })).items;
    return list.length === web.length && list.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ? list : undefined;
  }, 40_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${agentLogs()}`);
  });
  const ipOf = new Map(running.map((p) => [p.metadata.name!, p.status!.podIP!]));
  for (const p of running) {
    assert.ok(inCidr(p.status!.podIP!, cidrOf.get(p.spec.nodeName!)!), `${p.status!.podIP!} in ${p.spec.nodeName!}'s ${cidrOf.get(p.spec.nodeName!)!}`);
  }

  await kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Service', metadata: { name: app },
      spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
    }),
  });
  const clusterIP = (await kubectl.ok(['get', 'service', app, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  assert.ok(inCidr(clusterIP, `10.${block}.128.0/18`), clusterIP);
  await waitFor('both endpoints', async () => {
    const ep = await client.get<Endpoints>(endpoints, 'default', app).catch(() => undefined);
    return (ep?.subsets ?? []).flatMap((s) => s.addresses ?? []).length === web.length || undefined;
  }, 15_000);

  // The probe: each web pod by pod IP (retried while routes and rules settle), then the service
  // many times; each answer is a line naming the pod that served it.
  const rounds = 24;
  // (busybox 1.35's `wget -T` crashes: `timeout` bounds each fetch instead.)
  const fetchRetry = 'get() { for i in $(seq 150); do timeout 2 wget -q -O- "$1" && return 0; sleep 0.2; done; echo "unreachable $1"; return 1; }';
  const script = [
    fetchRetry,
    ...web.map((w) => `get http://${ipOf.get(w.pod)!}:8080/ || exit 1`),
    `get http://${clusterIP}/ || exit 1`,
    `for i in $(seq ${rounds}); do timeout 2 wget -q -O- http://${clusterIP}/ || exit 1; done`,
    // Pod to pod without NAT: the remote pod sees this pod's own address.
    `get http://${ipOf.get(web[1]!.pod)!}:8080/cgi-bin/peer || exit 1`,
  ].join('\n');
  const probe = `probe-${suffix()}`;
  await kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: probe },
      spec: { nodeName: agents[0]!.name, restartPolicy: 'Never', containers: [{ name: 'probe', image, command: ['sh', '-c', script] }] },
    }),
  });
  const done = await waitFor('the probe finished', async () => {
    const p = await client.get<Pod>(pods, 'default', probe);
    return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
  }, 45_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${agentLogs()}`);
  });
  assert.ok(inCidr(done.status!.podIP!, cidrOf.get(agents[0]!.name)!));
  // Through the API server, from the kubelet endpoint on host 0's LAN address.
  const log = await kubectl.ok(['logs', probe]);
  assert.equal(done.status?.phase, 'Succeeded', log);
  const lines = log.trimEnd().split('\n').map((l) => l.replace(/^hello from /, ''));
  assert.deepEqual(lines.slice(0, web.length), web.map((w) => w.pod), 'each remote pod by its IP');
  // busybox httpd writes IPv4 peers in their IPv6-mapped form.
  const peer = lines.pop()?.replace(/\[::ffff:([\d.]+)\]/, '$1');
  assert.equal(peer, `peer ${done.status!.podIP!}`, 'the remote pod sees the caller\'s pod address (no NAT between pods)');
  const viaService = lines.slice(web.length);
  assert.equal(viaService.length, rounds + 1);
  const seen = new Map<string, number>();
  for (const who of viaService) {
    assert.ok(web.some((w) => w.pod === who), who);
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  assert.equal(seen.size, web.length, `the ClusterIP spreads over both hosts: ${JSON.stringify([...seen])}`);
  // No deletes: the agents stop their containers as they leave (after), and the hosts go.
});
