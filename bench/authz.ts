/**
 * `npm run bench -- authz`: what authorization costs. Pod creates over HTTPS, as a user who is
 * NOT in `system:masters` (so RBAC evaluates every request: the user holds `edit` through a
 * RoleBinding in `default`), against `skiff server --authorization-mode RBAC` and against the same
 * server with `--authorization-mode AlwaysAllow`; rounds alternate (and which goes first) so drift
 * hits both alike. The
 * ratio RBAC/AlwaysAllow is the figure issue 12 asks for (≥ 0.95).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, load, percentile, result, row, startServerProcess, type ServerProcess } from './lib.js';

const perRound = Number(process.env['SKIFF_BENCH_CREATES'] ?? 2000);
const rounds = Number(process.env['SKIFF_BENCH_ROUNDS'] ?? 3);
const concurrency = Number(process.env['SKIFF_BENCH_CONCURRENCY'] ?? 32);

function pod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
  };
}

interface Setup {
  readonly server: ServerProcess;
  readonly editor: Client;
  readonly dir: string;
}

async function start(mode: 'RBAC' | 'AlwaysAllow'): Promise<Setup> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-authz-${mode}-`));
  const token = randomBytes(24).toString('base64url');
  writeFileSync(path.join(dir, 'tokens.json'), JSON.stringify([
    { token: randomBytes(24).toString('base64url'), user: 'admin', role: 'admin' },
    { token: randomBytes(24).toString('base64url'), user: 'system:node-joiner', role: 'node' },
    { token, user: 'bench-editor' },
  ]));
  const server = await startServerProcess(dir, ['--no-controllers', '--authorization-mode', mode]);
  const admin = new Client(server);
  const rb = await admin.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'bench-editor' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bench-editor' }],
  });
  admin.close();
  if (rb.status !== 201) throw new Error(`rolebinding: ${rb.status} ${rb.text}`);
  return { server, editor: new Client({ url: server.url, token, ca: server.ca }, 128), dir };
}

async function round(s: Setup, tag: string): Promise<{ perSecond: number; p99: number }> {
  const r = await load(perRound, concurrency, async (i) => {
    const res = await s.editor.request('POST', '/api/v1/namespaces/default/pods', pod(`${tag}-${i}`));
    if (res.status !== 201) throw new Error(`create failed ${res.status}: ${res.text}`);
  });
  return { perSecond: r.perSecond, p99: percentile(r.latencies, 99) };
}

async function main(): Promise<void> {
  console.log(row(['measurement', 'ops/s', 'p99 ms']));
  const rbac = await start('RBAC');
  const open = await start('AlwaysAllow');
  const sum = { RBAC: 0, AlwaysAllow: 0 };
  try {
    // A warm-up round each, not counted.
    await round(rbac, 'warm');
    await round(open, 'warm');
    for (let i = 0; i < rounds; i++) {
      // Which goes first alternates too: on a shared machine the first of a pair is not favoured.
      const pair = [['RBAC', rbac], ['AlwaysAllow', open]] as const;
      for (const [mode, s] of i % 2 === 0 ? pair : [pair[1], pair[0]]) {
        const r = await round(s, `r${i}`);
        sum[mode] += r.perSecond;
        console.log(row([`${mode} creates, round ${i + 1}`, r.perSecond, r.p99]));
      }
    }
  } finally {
    for (const s of [rbac, open]) {
      s.editor.close();
      await s.server.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
  const rbacRate = sum.RBAC / rounds;
  const openRate = sum.AlwaysAllow / rounds;
  result({
    creates_per_s_rbac: Math.round(rbacRate),
    creates_per_s_always_allow: Math.round(openRate),
    rbac_ratio: Number((rbacRate / openRate).toFixed(3)),
  });
}

await main();
