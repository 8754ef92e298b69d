/** A fuzz run: the target, the hostile requests (workers drawing requests by index), the writes
 * whose survival is checked, idle connections held open, RSS sampled, and the checks at the end —
 * the process alive, `/readyz` ok, no write lost, a normal workload still working, RSS under the
 * bound. */
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { Prng } from './prng.js';
import { describeRequest, requestOf } from './requests.js';
import { Http2Pool, sendHttp1, tlsOptions, type Answer, type Endpoint } from './wire.js';
import { check } from './invariants.js';
import { givenTarget, rssOf, startSkiffUp, type Target } from './target.js';
import { AdminClient } from './api.js';
import { checkWorkload } from './workload.js';

export interface FuzzOptions {
  readonly requests: number;
  readonly seed: number;
  /** Requests in flight at once. Default 8. */
  readonly concurrency?: number;
  /** TLS connections opened first and left idle for the whole run. Default 200. */
  readonly idleConnections?: number;
  /** Every Nth request is a well-formed create whose object must survive. Default 20. */
  readonly keepEvery?: number;
  /** A running server instead of a fresh `skiff up`. */
  readonly address?: string;
  readonly kubeconfig?: string;
  readonly pid?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface Failure {
  readonly rule: string;
  readonly detail: string;
  /** The offending request, drawn again with the seed and its index. */
  readonly request?: string;
}

export interface FuzzResult {
  readonly seed: number;
  readonly requests: number;
  readonly durationMs: number;
  readonly requestsPerSecond: number;
  /** Answers by status code, or `closed`, `timeout`, `unsendable`. */
  readonly answers: Record<string, number>;
  readonly idleConnections: number;
  readonly rss: { readonly idleMB?: number; readonly peakMB?: number; readonly endMB?: number; readonly boundMB?: number; readonly writtenMB?: number };
  readonly kept: { readonly created: number; readonly missing: number };
  readonly failures: Failure[];
  /** The slowest requests (over 1 s), slowest first. */
  readonly slowest: readonly { readonly ms: number; readonly outcome: string; readonly request: string }[];
}

/** Per idle connection, what a Node TLS server holds natively (measured: see tlsbaseline.ts). */
export const RSS_PER_IDLE_CONNECTION = 40 * 1024;
export const RSS_HEADROOM = 100 * 1024 * 1024;
/** Per byte of object data the run wrote and the server keeps (store, watch cache): measured 3.6
 * (100 ConfigMaps of 1 MiB took `skiff up` from 101 to 463 MB), rounded up. What the server
 * rightly keeps is state, not a leak. */
export const RSS_PER_STORED_BYTE = 4;

const MB = 1024 * 1024;
const round = (b: number | undefined) => (b === undefined ? undefined : Math.round(b / MB));

function openIdle(ep: Endpoint, n: number): Promise<tls.TLSSocket[]> {
  const one = () =>
    new Promise<tls.TLSSocket | undefined>((resolve) => {
      const s = tls.connect(tlsOptions(ep, ['http/1.1']), () => resolve(s));
      s.on('error', () => resolve(undefined));
    });
  return (async () => {
    const out: tls.TLSSocket[] = [];
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, one));
      for (const s of batch) if (s) out.push(s);
    }
    return out;
  })();
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const log = o.log ?? (() => undefined);
  const target: Target = o.address ? givenTarget(o.address, o.kubeconfig, o.pid) : await startSkiffUp();
  const failures: Failure[] = [];
  const answers: Record<string, number> = {};
  const admin = new AdminClient(target.endpoint, target.token);
  const pool = new Http2Pool(target.endpoint, 4);
  let idle: tls.TLSSocket[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    // Idle: after start-up settles.
    await new Promise((r) => setTimeout(r, 1500));
    const rssIdle = rssOf(target.pid);
    const keepNs = `fuzz-keep-${randomBytes(4).toString('hex')}`;
    const ns = await admin.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: keepNs } });
    const canKeep = ns.status === 201;
    if (!canKeep) log(`keep namespace not created (${ns.status}); lost writes are not checked`);
    idle = await openIdle(target.endpoint, o.idleConnections ?? 200);
    let rssPeak = rssOf(target.pid);
    sampler = setInterval(() => {
      const now = rssOf(target.pid);
      if (now !== undefined && (rssPeak === undefined || now > rssPeak)) rssPeak = now;
    }, 100);
    sampler.unref();
    log(`seed ${o.seed}: ${o.requests} requests against ${target.endpoint.url} (${idle.length} idle connections, RSS idle ${round(rssIdle) ?? '?'} MB)`);

    const kept: string[] = [];
    const slowest: { ms: number; outcome: string; request: string }[] = [];
    let storedBytes = 0;
    const keepEvery = o.keepEvery ?? 20;
    const creds = { admin: target.token };
    let next = 0;
    const started = Date.now();
    let stopped = false;
    const worker = async () => {
      while (!stopped) {
        const i = next++;
        if (i >= o.requests) return;
        if (i % keepEvery === keepEvery - 1 && canKeep) {
          const name = `keep-${i}`;
          const r = await admin.request('POST', `/api/v1/namespaces/${keepNs}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } }).catch((err: Error) => ({ status: 0, text: err.message, json: undefined }));
          if (r.status === 201) kept.push(name);
          else if (r.status !== 429) failures.push({ rule: 'a well-formed create succeeds', detail: `${r.status} ${r.text.slice(0, 200)}`, request: `#${i} POST ConfigMap ${keepNs}/${name}` });
          answers[String(r.status)] = (answers[String(r.status)] ?? 0) + 1;
          continue;
        }
        const req = requestOf(o.seed, i, creds);
        // The delivery's own randomness (pauses, cut points) comes from a stream of its own.
        const r = new Prng(o.seed ^ 0x5bd1e995, i);
        const t0 = Date.now();
        const answer: Answer = req.transport === 'h2' ? await pool.send(req, r) : await sendHttp1(target.endpoint, req, r);
        const ms = Date.now() - t0;
        if (ms > 1000) slowest.push({ ms, outcome: answer.kind === 'answered' ? String(answer.status) : answer.kind, request: describeRequest(req).slice(0, 400) });
        const key = answer.kind === 'answered' ? String(answer.status) : answer.kind;
        answers[key] = (answers[key] ?? 0) + 1;
        if (answer.kind === 'answered' && req.body && (answer.status === 201 || (answer.status === 200 && (req.method === 'PUT' || req.method === 'PATCH')))) storedBytes += req.body.length;
        for (const v of check(req, answer)) failures.push({ ...v, request: describeRequest(req) });
        const exit = target.exited();
        if (exit) {
          failures.push({ rule: 'the server process never exits', detail: `${exit}\n${target.stderrTail().slice(-3000)}`, request: describeRequest(req) });
          stopped = true;
        }
        if ((i + 1) % 1000 === 0) log(`  ${i + 1} requests, ${Math.round(((i + 1) * 1000) / (Date.now() - started))}/s, RSS ${round(rssOf(target.pid)) ?? '?'} MB`);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
    const durationMs = Date.now() - started;
    clearInterval(sampler);

    if (!target.exited()) {
      const ready = await admin.request('GET', '/readyz').catch((err: Error) => ({ status: 0, text: err.message, json: undefined }));
      if (ready.status !== 200 || ready.text !== 'ok') failures.push({ rule: '/readyz is ok at the end', detail: `${ready.status} ${ready.text.slice(0, 300)}` });
    }
    let missing = 0;
    if (canKeep && !target.exited()) {
      const list = await admin.request('GET', `/api/v1/namespaces/${keepNs}/configmaps`);
      if (list.status !== 200) failures.push({ rule: 'no lost write', detail: `the created ConfigMaps cannot be listed: ${list.status} ${list.text.slice(0, 200)}` });
      const present = new Set(((list.json?.items ?? []) as { metadata: { name: string } }[]).map((x) => x.metadata.name));
      const lost = list.status === 200 ? kept.filter((n) => !present.has(n)) : [];
      missing = lost.length;
      if (lost.length) failures.push({ rule: 'no lost write', detail: `${lost.length} of ${kept.length} created ConfigMaps are gone: ${lost.slice(0, 10).join(', ')}` });
      const bad = await checkWorkload(admin, keepNs).catch((err: Error) => err.message);
      if (bad) failures.push({ rule: 'a normal workload works afterwards', detail: bad });
    }
    const rssEnd = rssOf(target.pid);
    const bound = rssIdle === undefined ? undefined : rssIdle + RSS_HEADROOM + RSS_PER_IDLE_CONNECTION * idle.length + RSS_PER_STORED_BYTE * storedBytes;
    if (bound !== undefined && rssPeak !== undefined && rssPeak > bound) {
      failures.push({ rule: 'RSS stays under idle + 100 MB + 40 KB per idle connection + 4 × the object bytes written', detail: `peak ${round(rssPeak)} MB > bound ${round(bound)} MB (${round(storedBytes)} MB written)` });
    }
    return {
      seed: o.seed,
      requests: o.requests,
      durationMs,
      requestsPerSecond: Math.round((o.requests * 1000) / durationMs),
      answers,
      idleConnections: idle.length,
      rss: { idleMB: round(rssIdle), peakMB: round(rssPeak), endMB: round(rssEnd), boundMB: round(bound), writtenMB: round(storedBytes) },
      kept: { created: kept.length, missing },
      failures,
      slowest: slowest.sort((a, b) => b.ms - a.ms).slice(0, 10),
    };
  } finally {
    if (sampler) clearInterval(sampler);
    for (const s of idle) s.destroy();
    pool.close();
    admin.close();
    await target.stop();
  }
}
