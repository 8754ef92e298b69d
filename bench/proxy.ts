/**
 * `npm run bench -- proxy`: HTTP through the service proxy against the same backend direct and
 * through HAProxy (tcp mode, one thread, as the proxy is one event loop). A tiny node HTTP server
 * is the backend; wrk is the load (both Debian: `wrk`, `haproxy`). Each of backend, HAProxy and
 * skiff's proxy runs in its own process; skiff's proxy follows a real API server through informers
 * and is measured on a node address's NodePort and on the ClusterIP. Loopback addresses only.
 *
 * `SKIFF_BENCH_SECONDS` (default 3 per run), `SKIFF_BENCH_ROUNDS` (default 3) and
 * `SKIFF_BENCH_CONNECTIONS` (default 50) tune the load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { result, row } from './lib.js';
import { backendScript, child, haproxyConfig, median, waitForPort, wrk, type WrkFigures } from './proxy-lib.js';
import { iptablesBench } from './proxy-iptables.js';

const seconds = Number(process.env['SKIFF_BENCH_SECONDS'] ?? 3);
/** Rounds over all four paths, interleaved; each figure is the median of its rounds (the machine
 * is shared, and a burst of someone else's work should not decide the comparison). */
const rounds = Number(process.env['SKIFF_BENCH_ROUNDS'] ?? 3);
const connections = Number(process.env['SKIFF_BENCH_CONNECTIONS'] ?? 50);
/** `--proxy-mode iptables`: the kernel's DNAT in network namespaces instead (proxy-iptables.ts). */
const modeAt = process.argv.indexOf('--proxy-mode');
const proxyMode = modeAt > 0 ? process.argv[modeAt + 1] : 'userspace';
const backendIP = '127.0.95.1';
const haproxyIP = '127.0.96.1';
const nodeIP = '127.0.97.1';
const self = fileURLToPath(import.meta.url);

/** Child mode: run skiff's ServiceProxy for one node address against the API in the kubeconfig. */
async function proxyChild(kubeconfig: string, node: string): Promise<void> {
  const { loadKubeconfig, RestClient } = await import('../src/client/index.js');
  const { InformerFactory } = await import('../src/client/factory.js');
  const { ServiceProxy } = await import('../src/proxy/index.js');
  const { logger } = await import('../src/util/log.js');
  const informers = new InformerFactory(new RestClient(loadKubeconfig(kubeconfig)));
  const proxy = new ServiceProxy({ informers, nodeAddresses: [node], log: logger('proxy') });
  await informers.start();
  await proxy.start();
  console.log('ready');
}

async function main(): Promise<void> {
  process.env['SKIFF_LOG_LEVEL'] ??= 'warn';
  const { startTestServer } = await import('../test/helpers/apiserver.js');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-proxy-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const backend = child(process.execPath, ['-e', backendScript, backendIP]);
    stops.push(backend.stop);
    const port = Number(await backend.firstLine);

    const hport = 18080;
    const cfg = haproxyConfig(tmp, `${haproxyIP}:${hport}`, `${backendIP}:${port}`);
    const haproxy = child('haproxy', ['-db', '-f', cfg]);
    stops.push(haproxy.stop);

    const api = await startTestServer({ dataDir: path.join(tmp, 'api') });
    stops.push(() => api.stop());
    const svc = await api.request('POST', '/api/v1/namespaces/default/services', {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench' }, spec: { type: 'NodePort', ports: [{ port: 8080, targetPort: port }] } },
    });
    if (svc.status !== 201) throw new Error(svc.text);
    const eps = await api.request('POST', '/api/v1/namespaces/default/endpoints', {
      body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'bench' }, subsets: [{ addresses: [{ ip: backendIP }], ports: [{ port }] }] },
    });
    if (eps.status !== 201) throw new Error(eps.text);
    const proxy = child(process.execPath, [self, '--proxy-child', api.kubeconfig, nodeIP]);
    stops.push(proxy.stop);
    await proxy.firstLine;
    const clusterIP = svc.json.spec.clusterIP as string;
    const nodePort = svc.json.spec.ports[0].nodePort as number;
    await Promise.all([waitForPort(backendIP, port), waitForPort(haproxyIP, hport), waitForPort(nodeIP, nodePort), waitForPort(clusterIP, 8080)]);

    console.log(`wrk -t1 -c${connections} -d${seconds}s, keep-alive HTTP GETs of a ${23}-byte body`);
    console.log(row(['path', 'req/s', 'p50 ms', 'p99 ms']));
    const paths = [['direct', backendIP, port], ['haproxy', haproxyIP, hport], ['nodeport', nodeIP, nodePort], ['clusterip', clusterIP, 8080]] as const;
    for (const [, ip, p] of paths) wrk(ip, p, { connections, seconds }); // warm-up runs, discarded
    const runs = new Map<string, WrkFigures[]>();
    for (let r = 0; r < rounds; r++) {
      for (const [name, ip, p] of paths) {
        const f = wrk(ip, p, { connections, seconds });
        runs.set(name, [...(runs.get(name) ?? []), f]);
        console.log(row([`${name} (round ${r + 1})`, f.rps, f.p50, f.p99]));
      }
    }
    const figures: Record<string, WrkFigures> = {};
    for (const [name, fs] of runs) {
      figures[name] = { rps: median(fs.map((f) => f.rps)), p50: median(fs.map((f) => f.p50)), p99: median(fs.map((f) => f.p99)) };
      console.log(row([`${name} (median)`, figures[name].rps, figures[name].p50, figures[name].p99]));
    }
    const skiffP99 = Math.max(figures['nodeport']!.p99, figures['clusterip']!.p99);
    result({
      direct_rps: Math.round(figures['direct']!.rps),
      haproxy_rps: Math.round(figures['haproxy']!.rps),
      nodeport_rps: Math.round(figures['nodeport']!.rps),
      clusterip_rps: Math.round(figures['clusterip']!.rps),
      added_p99_ms: Number((skiffP99 - figures['direct']!.p99).toFixed(2)),
      haproxy_added_p99_ms: Number((figures['haproxy']!.p99 - figures['direct']!.p99).toFixed(2)),
    });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--proxy-child') await proxyChild(process.argv[3]!, process.argv[4]!);
else if (proxyMode === 'iptables') await iptablesBench({ seconds, rounds, connections });
else if (proxyMode === 'userspace') await main();
else throw new Error(`--proxy-mode ${proxyMode}: want userspace or iptables`);
