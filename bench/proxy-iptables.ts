/**
 * `npm run bench -- proxy --proxy-mode iptables`: the same four paths as the userspace bench, but
 * across network namespaces (test/proxy/iptables-netns.ts builds them: a node with a bridge, a
 * backend behind it, a client on its own link) with skiff's IptablesProxy programming the node's
 * kernel. wrk runs in the client namespace; "direct" is routed through the node without DNAT, so
 * the ClusterIP/direct ratio is what the DNAT costs. HAProxy (tcp mode) runs in the node.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Endpoints, Service } from '../src/api/kinds.js';
import { endpoints as endpointsResource, services as servicesResource } from '../src/api/resources.js';
import { result, row } from './lib.js';
import { backendScript, child, haproxyConfig, median, wrk, type WrkFigures } from './proxy-lib.js';

export interface IptablesBenchOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
}

export async function iptablesBench(o: IptablesBenchOptions): Promise<void> {
  process.env['SKIFF_LOG_LEVEL'] ??= 'warn';
  const { startTestCluster } = await import('../test/helpers/cluster.js');
  const { repoRoot } = await import('../test/helpers/paths.js');
  const { NetnsLab, backendAddress, nodeAddress, podCidr } = await import('../test/proxy/iptables-netns.js');
  const { IptablesProxy } = await import('../src/proxy/index.js');
  const { logger } = await import('../src/util/log.js');
  execFileSync(path.join(repoRoot, 'scripts', 'debian-install'), ['iptables:iptables', 'ip:iproute2'], { stdio: 'inherit' });

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-proxy-ipt-'));
  // Names of its own, so a test run of the iptables suite at the same time does not collide.
  const lab = new NetnsLab({ prefix: 'sk78', backends: 1 });
  const stops: (() => Promise<void>)[] = [async () => lab.destroy()];
  const inNs = (ns: string): string[] => ['ip', 'netns', 'exec', ns];
  const inside = (ns: string, argv: string[]) => child('ip', [...inNs(ns).slice(1), ...argv]);
  try {
    await lab.create();
    const backendIP = backendAddress(0);
    const backend = inside(lab.backendNs[0]!, [process.execPath, '-e', backendScript, backendIP]);
    stops.push(backend.stop);
    const port = Number(await backend.firstLine);

    const hport = 18080;
    const cfg = haproxyConfig(tmp, `${nodeAddress}:${hport}`, `${backendIP}:${port}`);
    const haproxy = inside(lab.node, ['haproxy', '-db', '-f', cfg]);
    stops.push(haproxy.stop);

    const cluster = await startTestCluster({ serviceClusterIpRange: '10.77.200.0/24' });
    stops.push(() => cluster.stop());
    const svc = await cluster.client.create<Service>(servicesResource, {
      metadata: { name: 'bench', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 8080, targetPort: port }] },
    });
    await cluster.client.create<Endpoints>(endpointsResource, {
      metadata: { name: 'bench', namespace: 'default' }, subsets: [{ addresses: [{ ip: backendIP }], ports: [{ port }] }],
    });
    const ctx = cluster.context('bench-proxy');
    const proxy = new IptablesProxy({ informers: ctx.informers, nodeAddresses: [nodeAddress], log: logger('proxy'), commandPrefix: inNs(lab.node), clusterCidr: podCidr });
    await ctx.informers.start();
    await proxy.start();
    stops.push(() => proxy.stop());

    const clusterIP = svc.spec.clusterIP!;
    const nodePort = svc.spec.ports![0]!.nodePort!;
    const paths = [['direct', backendIP, port], ['haproxy', nodeAddress, hport], ['nodeport', nodeAddress, nodePort], ['clusterip', clusterIP, 8080]] as const;
    // Every path answers before anything is measured.
    for (const [name, ip, p] of paths) {
      const out = await lab.ask(ip, p, 1);
      if (!out[0] || out[0].startsWith('ERR:')) throw new Error(`${name} (${ip}:${p}) does not answer: ${out[0]}`);
    }
    const w = { connections: o.connections, seconds: o.seconds, prefix: inNs(lab.client) };
    console.log(`iptables mode, network namespaces; wrk -t1 -c${o.connections} -d${o.seconds}s from the client namespace, keep-alive HTTP GETs`);
    console.log(row(['path', 'req/s', 'p50 ms', 'p99 ms']));
    for (const [, ip, p] of paths) wrk(ip, p, w); // warm-up runs, discarded
    const runs = new Map<string, WrkFigures[]>();
    for (let r = 0; r < o.rounds; r++) {
      for (const [name, ip, p] of paths) {
        const f = wrk(ip, p, w);
        runs.set(name, [...(runs.get(name) ?? []), f]);
        console.log(row([`${name} (round ${r + 1})`, f.rps, f.p50, f.p99]));
      }
    }
    const fig: Record<string, WrkFigures> = {};
    for (const [name, fs] of runs) {
      fig[name] = { rps: median(fs.map((f) => f.rps)), p50: median(fs.map((f) => f.p50)), p99: median(fs.map((f) => f.p99)) };
      console.log(row([`${name} (median)`, fig[name].rps, fig[name].p50, fig[name].p99]));
    }
    const skiffP99 = Math.max(fig['nodeport']!.p99, fig['clusterip']!.p99);
    result({
      proxy_mode: 'iptables',
      direct_rps: Math.round(fig['direct']!.rps),
      haproxy_rps: Math.round(fig['haproxy']!.rps),
      nodeport_rps: Math.round(fig['nodeport']!.rps),
      clusterip_rps: Math.round(fig['clusterip']!.rps),
      added_p99_ms: Number((skiffP99 - fig['direct']!.p99).toFixed(2)),
      haproxy_added_p99_ms: Number((fig['haproxy']!.p99 - fig['direct']!.p99).toFixed(2)),
      iptables_clusterip_rps: Math.round(fig['clusterip']!.rps),
      iptables_clusterip_ratio: Number((fig['clusterip']!.rps / fig['direct']!.rps).toFixed(3)),
    });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}
