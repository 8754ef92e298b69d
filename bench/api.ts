/**
 * `npm run bench -- api`: pod creates over HTTPS at several concurrencies against skiff on SQLite
 * and on etcd, a 10k-pod list, and 100 watchers; beside them, in the same run, the raw store
 * rates (better-sqlite3 with the same durability settings; etcd puts through the same client).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../test/helpers/etcd.js';
import { Client, load, percentile, result, row, startServerProcess, type ServerProcess } from './lib.js';

const concurrencies = [1, 8, 32, 64];
const perLevel = Number(process.env['SKIFF_BENCH_CREATES'] ?? 2000);

function pod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', shard: name.slice(-1) } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

interface StoreFigures {
  createsPerS: Record<number, number>;
  p99: Record<number, number>;
  best: number;
  bestP99: number;
}

async function createsAgainst(server: ServerProcess, tag: string): Promise<StoreFigures> {
  const client = new Client(server, 128);
  const createsPerS: Record<number, number> = {};
  const p99: Record<number, number> = {};
  for (const c of concurrencies) {
    const r = await load(perLevel, c, async (i) => {
      const res = await client.request('POST', '/api/v1/namespaces/default/pods', pod(`${tag}-c${c}-${i}`));
      if (res.status !== 201) throw new Error(`create failed ${res.status}: ${res.text}`);
    });
    createsPerS[c] = r.perSecond;
    p99[c] = percentile(r.latencies, 99);
    console.log(row([`${tag} creates, concurrency ${c}`, r.perSecond, percentile(r.latencies, 50), p99[c]!]));
  }
  client.close();
  const bestLevel = concurrencies.reduce((a, b) => (createsPerS[b]! > createsPerS[a]! ? b : a));
  return { createsPerS, p99, best: createsPerS[bestLevel]!, bestP99: p99[bestLevel]! };
}

function rawSqliteWritesPerS(seconds = 3): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-raw-sqlite-'));
  try {
    const db = new Database(path.join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, created INTEGER, deleted INTEGER, create_revision INTEGER, prev_revision INTEGER, value TEXT, old_value TEXT)');
    db.exec('CREATE INDEX log_name_id ON log (name, id)');
    const insert = db.prepare('INSERT INTO log (name, created, deleted, create_revision, prev_revision, value) VALUES (?, 1, 0, 0, 0, ?)');
    const value = JSON.stringify(pod('raw-0'));
    const end = Date.now() + seconds * 1000;
    let n = 0;
    while (Date.now() < end) {
      insert.run(`/registry/pods/default/raw-${n}`, value);
      n++;
    }
    db.close();
    return n / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawEtcdPutsPerS(endpoint: string): Promise<number> {
  const client = new Etcd3({ hosts: endpoint });
  const value = JSON.stringify(pod('raw-0'));
  let best = 0;
  for (const c of concurrencies) {
    const r = await load(perLevel, c, async (i) => {
      await client.put(`/raw/pods/c${c}-${i}`).value(value).exec();
    });
    console.log(row([`raw etcd puts, concurrency ${c}`, r.perSecond, percentile(r.latencies, 50), percentile(r.latencies, 99)]));
    best = Math.max(best, r.perSecond);
  }
  client.close();
  return best;
}

async function listAndWatch(server: ServerProcess): Promise<{ list10kMs: number; watchFanoutMs: number }> {
  const client = new Client(server, 128);
  const have = JSON.parse((await client.request('GET', '/api/v1/namespaces/default/pods?limit=1')).text) as { metadata: { remainingItemCount?: number } };
  void have;
  // Top up to 10,000 pods in one namespace.
  const countNow = (JSON.parse((await client.request('GET', '/api/v1/namespaces/default/pods')).text) as { items: unknown[] }).items.length;
  await load(Math.max(0, 10_000 - countNow), 64, async (i) => {
    const r = await client.request('POST', '/api/v1/namespaces/default/pods', pod(`fill-${i}`));
    if (r.status !== 201) throw new Error(r.text);
  });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = Date.now();
    const r = await client.request('GET', '/api/v1/namespaces/default/pods');
    const items = (JSON.parse(r.text) as { items: unknown[] }).items.length;
    times.push(Date.now() - t);
    if (items < 10_000) throw new Error(`list returned ${items}`);
  }
  times.sort((a, b) => a - b);
  const list10kMs = percentile(times, 50);
  console.log(row(['list 10k pods (median of 5), ms', list10kMs]));

  // 100 watchers, 200 creates: time until every watcher saw every event.
  const rv = (JSON.parse((await client.request('GET', '/api/v1/namespaces/default/pods?limit=1')).text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const watchers = 100;
  const events = 200;
  const https = await import('node:https');
  const counts = new Array<number>(watchers).fill(0);
  let doneResolve: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (doneResolve = r));
  let finished = 0;
  const reqs = Array.from({ length: watchers }, (_, w) => {
    const req = https.request(new URL(`/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}`, server.url), { agent: false, ca: server.ca, headers: { Authorization: `Bearer ${server.token}` } }, (res) => {
      let buf = '';
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          buf = buf.slice(nl + 1);
          if (++counts[w]! === events && ++finished === watchers) doneResolve();
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
    return req;
  });
  await new Promise((r) => setTimeout(r, 500));
  const t = Date.now();
  await load(events, 16, async (i) => {
    const r = await client.request('POST', '/api/v1/namespaces/default/pods', pod(`watched-${i}`));
    if (r.status !== 201) throw new Error(r.text);
  });
  await allDone;
  const watchFanoutMs = Date.now() - t;
  for (const r of reqs) r.destroy();
  console.log(row([`${watchers} watchers x ${events} events, ms`, watchFanoutMs]));
  client.close();
  return { list10kMs, watchFanoutMs };
}

async function main(): Promise<void> {
  console.log(row(['measurement', 'ops/s', 'p50 ms', 'p99 ms']));
  const rawSqlite = rawSqliteWritesPerS();
  console.log(row(['raw sqlite writes (WAL, sync FULL)', rawSqlite]));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-api-sqlite-'));
  const sqliteServer = await startServerProcess(dir, ['--no-controllers']);
  let sqlite: StoreFigures;
  let lw: { list10kMs: number; watchFanoutMs: number };
  try {
    sqlite = await createsAgainst(sqliteServer, 'sqlite');
    lw = await listAndWatch(sqliteServer);
  } finally {
    await sqliteServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const etcd = await startEtcd();
  const edir = mkdtempSync(path.join(os.tmpdir(), 'bench-api-etcd-'));
  let etcdFigures: StoreFigures;
  let rawEtcd: number;
  try {
    rawEtcd = await rawEtcdPutsPerS(etcd.endpoint);
    const etcdServer = await startServerProcess(edir, ['--no-controllers', '--datastore', etcd.url]);
    try {
      etcdFigures = await createsAgainst(etcdServer, 'etcd');
    } finally {
      await etcdServer.stop();
    }
  } finally {
    await etcd.stop();
    rmSync(edir, { recursive: true, force: true });
  }

  result({
    creates_per_s_sqlite: Math.round(sqlite.best),
    raw_sqlite_writes_per_s: Math.round(rawSqlite),
    sqlite_ratio: Number((sqlite.best / rawSqlite).toFixed(3)),
    create_p99_ms_sqlite: Number(sqlite.bestP99.toFixed(1)),
    creates_per_s_etcd: Math.round(etcdFigures.best),
    raw_etcd_puts_per_s: Math.round(rawEtcd),
    etcd_ratio: Number((etcdFigures.best / rawEtcd).toFixed(3)),
    create_p99_ms_etcd: Number(etcdFigures.bestP99.toFixed(1)),
    list_10k_ms: lw.list10kMs,
    watch_100x200_ms: lw.watchFanoutMs,
  });
}

await main();
