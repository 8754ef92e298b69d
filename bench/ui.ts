/**
 * `npm run bench -- ui`: the web view's time to first render with many pods. `skiff server
 * --no-controllers` holds N pods (default 1,000, `SKIFF_BENCH_PODS`) spread over 10 nodes;
 * headless chromium signs in and opens the pods, nodes and workloads pages, each timed from
 * navigation until every pod is drawn (the pods page: a row each; nodes: the pod counts add up to
 * N; workloads: the page is drawn). Then one more pod is created and timed until its row appears
 * (a watch event through a page already holding N). Median of `SKIFF_BENCH_ROUNDS` (default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, load, percentile, result, row, startServerProcess } from './lib.js';
import { launchBrowser } from '../test/helpers/browser.js';

const pods = Number(process.env['SKIFF_BENCH_PODS'] ?? 1000);
const rounds = Number(process.env['SKIFF_BENCH_ROUNDS'] ?? 5);
const NODES = 10;

declare const document: { querySelectorAll(s: string): { length: number; forEach(f: (e: { textContent: string | null }) => void): void } };

function node(name: string) {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    status: { capacity: { cpu: '8', memory: '32Gi', pods: '250' }, allocatable: { cpu: '8', memory: '32Gi', pods: '250' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pod(i: number) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `bench-${i}`, labels: { app: `bench-${i % 20}` } },
    spec: { nodeName: `node-${i % NODES}`, containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ui-'));
  const server = await startServerProcess(dir, ['--no-controllers']);
  const client = new Client(server, 32);
  const browser = await launchBrowser();
  try {
    for (let n = 0; n < NODES; n++) await client.request('POST', '/api/v1/nodes', node(`node-${n}`));
    const made = await load(pods, 32, async (i) => {
      const r = await client.request('POST', '/api/v1/namespaces/default/pods', pod(i));
      if (r.status !== 201) throw new Error(`pod ${i}: ${r.status} ${r.text}`);
    });
    console.log(`${pods} pods created (${made.perSecond.toFixed(0)}/s); ${rounds} rounds`);
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${server.url}/ui/`);
    const status = await page.evaluate(async (token: string) => (await fetch('/ui/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) })).status, server.token);
    if (status !== 201) throw new Error(`sign-in: ${status}`);
    const timings: Record<string, number[]> = { pods: [], nodes: [], workloads: [], event: [] };
    for (let r = 0; r < rounds; r++) {
      for (const p of ['pods', 'nodes', 'workloads']) {
        await page.goto('about:blank');
        const t0 = Date.now();
        await page.goto(`${server.url}/ui/#/${p}`);
        if (p === 'pods') {
          await page.waitForFunction((n: number) => document.querySelectorAll('#pods tbody tr').length >= n, { timeout: 120_000, polling: 20 }, pods).catch(async (err: unknown) => {
            throw new Error(`${String(err)}: the page shows ${(await page.$eval('main', (m) => m.textContent ?? '')).slice(0, 500)}`);
          });
        }
        else if (p === 'nodes') {
          await page.waitForFunction((n: number) => {
            let sum = 0;
            document.querySelectorAll('#nodes .pods-count').forEach((e) => (sum += Number((e.textContent ?? '').split(' ')[0])));
            return sum === n;
          }, { timeout: 120_000, polling: 20 }, pods);
        } else await page.waitForFunction(() => document.querySelectorAll('.kind-section').length === 7, { timeout: 120_000, polling: 20 });
        timings[p]!.push(Date.now() - t0);
      }
      // A live change on a page that holds every pod.
      await page.goto(`${server.url}/ui/#/pods`);
      await page.waitForFunction((n: number) => document.querySelectorAll('#pods tbody tr').length >= n, { timeout: 120_000, polling: 20 }, pods);
      const extra = pods + 1 + r;
      // Unbound, so that deleting it afterwards removes it at once (no node to confirm).
      const { spec: { nodeName: _bound, ...unbound }, ...rest } = pod(extra);
      const before = process.env['SKIFF_BENCH_METRICS'] ? await page.metrics() : undefined;
      const t0 = Date.now();
      await client.request('POST', '/api/v1/namespaces/default/pods', { ...rest, spec: unbound });
      await page.waitForFunction((name: string) => document.querySelectorAll(`tr[data-pod="${name}"]`).length === 1, { timeout: 60_000, polling: 10 }, `bench-${extra}`);
      timings['event']!.push(Date.now() - t0);
      if (before) {
        const m = await page.metrics();
        console.log(`redraw: script ${(((m.ScriptDuration ?? 0) - (before.ScriptDuration ?? 0)) * 1000).toFixed(0)} ms, layout ${(((m.LayoutDuration ?? 0) - (before.LayoutDuration ?? 0)) * 1000).toFixed(0)} ms, style ${(((m.RecalcStyleDuration ?? 0) - (before.RecalcStyleDuration ?? 0)) * 1000).toFixed(0)} ms, task ${(((m.TaskDuration ?? 0) - (before.TaskDuration ?? 0)) * 1000).toFixed(0)} ms`);
      }
      await client.request('DELETE', `/api/v1/namespaces/default/pods/bench-${extra}`);
    }
    console.log(row(['page', 'median ms', 'min ms', 'max ms']));
    for (const [k, xs] of Object.entries(timings)) console.log(row([k === 'event' ? 'new pod drawn (watch)' : `first render: ${k}`, median(xs), Math.min(...xs), Math.max(...xs)]));
    result({ pods, rounds, podsFirstRenderMs: median(timings['pods']!), nodesFirstRenderMs: median(timings['nodes']!), workloadsFirstRenderMs: median(timings['workloads']!), liveEventMs: median(timings['event']!) });
  } finally {
    await browser.close();
    client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
