/**
 * `npm run bench -- dns`: queries per second and p99 latency of skiff's cluster DNS for a service
 * name, against dnsmasq (Debian) answering the same name from a hosts file in the same run, both
 * loaded by dnsperf (Debian) over UDP on loopback; then the time from an EndpointSlice change to
 * the new answer of a headless service. skiff's DNS runs inside `skiff server` (its own process),
 * as it does for users.
 *
 * `SKIFF_BENCH_SECONDS` (default 5 per run) and `SKIFF_BENCH_ROUNDS` (default 3; the figure is
 * the median round) tune it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dnsPacket from 'dns-packet';
import { Client, freePort, percentile, result, row, startServerProcess } from './lib.js';
import { ask } from '../test/dns/client.js';

const seconds = Number(process.env['SKIFF_BENCH_SECONDS'] ?? 5);
const rounds = Number(process.env['SKIFF_BENCH_ROUNDS'] ?? 3);
const name = 'bench-svc.default.svc.cluster.local';

interface Figures {
  qps: number;
  p99ms: number;
  lost: number;
}

/** dnsperf for `seconds`; p99 from its per-query latencies (`-v`). */
function dnsperf(port: number, dataFile: string): Figures {
  const r = spawnSync('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', dataFile, '-l', String(seconds), '-c', '4', '-q', '64', '-v'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const out = r.stdout;
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const lost = Number(/Queries lost:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const lat = [...out.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
  if (!Number.isFinite(qps)) throw new Error(`dnsperf said: ${out.slice(-2000)} ${r.stderr}`);
  return { qps, p99ms: percentile(lat, 99), lost };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function waitAnswer(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await ask(port, name, 'A', { timeoutMs: 200 }).catch(() => undefined);
    if (r?.answers?.length) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no answer for ${name} on ${port}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-bench-dns-'));
  const dnsPort = await freePort();
  const server = await startServerProcess(path.join(dir, 'server'), ['--datastore', 'memory://', '--cluster-dns-port', String(dnsPort)]);
  const client = new Client(server, 4);
  let dnsmasq: ChildProcess | undefined;
  try {
    const svc = await client.request('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench-svc' }, spec: { ports: [{ port: 80 }] } });
    if (svc.status !== 201) throw new Error(`service: ${svc.status} ${svc.text}`);
    const clusterIP = (JSON.parse(svc.text) as { spec: { clusterIP: string } }).spec.clusterIP;
    await waitAnswer(dnsPort);
    const hosts = path.join(dir, 'hosts');
    writeFileSync(hosts, `${clusterIP} ${name}\n`);
    const dmPort = await freePort();
    dnsmasq = spawn('dnsmasq', ['--keep-in-foreground', '--no-resolv', '--no-hosts', `--addn-hosts=${hosts}`, `--port=${dmPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--cache-size=10000', '--user=root', '--pid-file='], { stdio: 'ignore' });
    await waitAnswer(dmPort);
    const data = path.join(dir, 'queries');
    writeFileSync(data, `${name} A\n`);
    const skiff: Figures[] = [];
    const dm: Figures[] = [];
    for (let i = 0; i < rounds; i++) {
      skiff.push(dnsperf(dnsPort, data));
      dm.push(dnsperf(dmPort, data));
    }
    const s = { qps: median(skiff.map((f) => f.qps)), p99ms: median(skiff.map((f) => f.p99ms)), lost: median(skiff.map((f) => f.lost)) };
    const d = { qps: median(dm.map((f) => f.qps)), p99ms: median(dm.map((f) => f.p99ms)), lost: median(dm.map((f) => f.lost)) };

    // Endpoint change → new answer: a headless service whose one slice changes address.
    await client.request('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench-hl' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
    const sliceUrl = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
    const body = (ip: string, rv?: string) => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: 'bench-hl-x', labels: { 'kubernetes.io/service-name': 'bench-hl' }, ...(rv ? { resourceVersion: rv } : {}) },
      addressType: 'IPv4', endpoints: [{ addresses: [ip], conditions: { ready: true } }], ports: [{ name: '', port: 80, protocol: 'TCP' }],
    });
    let rv = (JSON.parse((await client.request('POST', sliceUrl, body('10.99.0.1'))).text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const changes: number[] = [];
    for (let i = 2; i < 2 + 30; i++) {
      const ip = `10.99.0.${i}`;
      const t0 = process.hrtime.bigint();
      const r = await client.request('PUT', `${sliceUrl}/bench-hl-x`, body(ip, rv));
      rv = (JSON.parse(r.text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      for (;;) {
        const a = await ask(dnsPort, 'bench-hl.default.svc.cluster.local', 'A');
        if ((a.answers ?? []).some((x) => (x as dnsPacket.StringAnswer).data === ip)) break;
      }
      changes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    changes.sort((a, b) => a - b);

    console.log(row(['server', 'queries/s', 'p99 ms', 'lost']));
    console.log(row(['skiff (in skiff server)', s.qps.toFixed(0), s.p99ms.toFixed(2), s.lost]));
    console.log(row(['dnsmasq (hosts file)', d.qps.toFixed(0), d.p99ms.toFixed(2), d.lost]));
    console.log(`ratio skiff/dnsmasq: ${(s.qps / d.qps).toFixed(2)}×`);
    console.log(`slice change → new answer (30 changes, write included): p50 ${percentile(changes, 50).toFixed(1)} ms, p99 ${percentile(changes, 99).toFixed(1)} ms`);
    result({
      skiffQps: Math.round(s.qps), dnsmasqQps: Math.round(d.qps), ratio: Number((s.qps / d.qps).toFixed(2)),
      skiffP99Ms: Number(s.p99ms.toFixed(2)), dnsmasqP99Ms: Number(d.p99ms.toFixed(2)),
      changeP50Ms: Number(percentile(changes, 50).toFixed(1)), changeP99Ms: Number(percentile(changes, 99).toFixed(1)),
    });
  } finally {
    dnsmasq?.kill();
    client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
