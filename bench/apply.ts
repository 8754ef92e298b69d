/**
 * `npm run bench -- apply`: what server-side apply costs. A Deployment with 100 container fields
 * (10 containers of 10 fields each) is written over HTTPS to `skiff server`, once per request with
 * one value changed, alternately by server-side apply (`application/apply-patch+yaml`, JSON body)
 * and by a plain PUT of the same object; rounds alternate which goes first. The ratio apply/PUT is
 * the figure issue 16 asks for (≥ 0.5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, load, percentile, result, row, startServerProcess } from './lib.js';

const perRound = Number(process.env['SKIFF_BENCH_WRITES'] ?? 1000);
const rounds = Number(process.env['SKIFF_BENCH_ROUNDS'] ?? 3);
const concurrency = Number(process.env['SKIFF_BENCH_CONCURRENCY'] ?? 8);
const objects = concurrency;

/** Ten fields per container: name, image, imagePullPolicy, workingDir, command, args, one port,
 * two env vars and resources. */
function deployment(name: string, value: number) {
  const containers = Array.from({ length: 10 }, (_, c) => ({
    name: `c${c}`,
    image: `registry.local/app-${c}:1.${c}`,
    imagePullPolicy: 'IfNotPresent',
    workingDir: `/srv/${c}`,
    command: ['/bin/app'],
    args: ['--port', String(8000 + c)],
    ports: [{ containerPort: 8000 + c, name: `p${c}` }],
    env: [{ name: 'ROUND', value: String(value) }, { name: 'INDEX', value: String(c) }],
    resources: { requests: { cpu: '10m', memory: '16Mi' } },
  }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}

const base = '/apis/apps/v1/namespaces/default/deployments';

async function round(client: Client, how: 'apply' | 'put', offset: number): Promise<{ perSecond: number; p99: number }> {
  const r = await load(perRound, concurrency, async (i) => {
    const name = `${how}-${i % objects}`;
    const body = deployment(name, offset + i);
    const res = how === 'apply'
      ? await client.request('PATCH', `${base}/${name}?fieldManager=bench`, body, 'application/apply-patch+yaml')
      : await client.request('PUT', `${base}/${name}?fieldManager=bench-put`, body);
    if (res.status !== 200) throw new Error(`${how} failed ${res.status}: ${res.text}`);
  });
  return { perSecond: r.perSecond, p99: percentile(r.latencies, 99) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-apply-'));
  const server = await startServerProcess(dir, ['--no-controllers']);
  const client = new Client(server, 64);
  console.log(row(['measurement', 'writes/s', 'p99 ms']));
  const sum = { apply: 0, put: 0 };
  try {
    // Each way writes its own objects, so neither takes fields from the other (no conflicts).
    for (let o = 0; o < objects; o++) {
      const res = await client.request('PATCH', `${base}/apply-${o}?fieldManager=bench`, deployment(`apply-${o}`, 0), 'application/apply-patch+yaml');
      if (res.status !== 201) throw new Error(`create by apply failed ${res.status}: ${res.text}`);
      const put = await client.request('POST', `${base}?fieldManager=bench-put`, deployment(`put-${o}`, 0));
      if (put.status !== 201) throw new Error(`create failed ${put.status}: ${put.text}`);
    }
    await round(client, 'apply', 1_000_000);
    await round(client, 'put', 2_000_000);
    for (let i = 0; i < rounds; i++) {
      const pair = i % 2 === 0 ? (['apply', 'put'] as const) : (['put', 'apply'] as const);
      for (const how of pair) {
        const r = await round(client, how, (i + 1) * 10_000_000 + (how === 'put' ? 5_000_000 : 0));
        sum[how] += r.perSecond;
        console.log(row([`${how === 'apply' ? 'server-side apply' : 'PUT'}, round ${i + 1}`, r.perSecond, r.p99]));
      }
    }
  } finally {
    client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const apply = sum.apply / rounds;
  const put = sum.put / rounds;
  result({ apply_per_s: Math.round(apply), put_per_s: Math.round(put), apply_to_put_ratio: Number((apply / put).toFixed(3)) });
}

await main();
