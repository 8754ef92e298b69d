/**
 * The data dir holds every Secret (state.db and its WAL), the CA's key and the join tokens: no
 * other local user may read any of it. A `skiff up`-like cluster on the sqlite store, with a
 * Secret, a pod reading it and its logs, is started on a fresh dir and on a dir an older skiff
 * left with 0755/0644 modes; then every entry of the data dir is walked. Allowed to keep other
 * modes, each with its reason (`allowed` below): symlinks (their own mode means nothing), and
 * volume contents (their modes are the pod's API — defaultMode, emptyDir — and the container
 * reads them as its own user; they are reached only through the owner-only node dir).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { waitFor } from '../helpers/cluster.js';
import { killLeftoverContainers, startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { suffix } from '../controlplane/fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'skiff-modes-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Why an entry may keep group/other bits; undefined: it may not. */
function allowed(rel: string, isLink: boolean): string | undefined {
  if (isLink) return 'a symlink: its own mode means nothing';
  if (/^nodes\/[^/]+\/pods\/[^/]+\/volumes\/./.test(rel)) return "a volume's contents: modes are the pod's API, behind the owner-only node dir";
  if (/^nodes\/[^/]+\/pods\/[^/]+\/containers\/[^/]+\/[0-9a-f]{8}$/.test(rel)) return "a run's termination-message file: 0666 as kubelet makes it, so a container of any user can write it; behind the owner-only pod dir";
  if (/^nodes\/[^/]+\/containers\/[^/]+\/[^/]+\/resolv\.conf$/.test(rel)) return "a container's resolv.conf: bound over /etc/resolv.conf, which a container of any user reads; it holds no secret";
  return undefined;
}

interface Entry { rel: string; mode: number; kind: string }

function walk(dir: string, base = dir): Entry[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    const st = lstatSync(p);
    const rel = path.relative(base, p);
    const kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFIFO() ? 'fifo' : 'file';
    const here = { rel, mode: st.mode & 0o7777, kind };
    return e.isDirectory() ? [here, ...walk(p, base)] : [here];
  });
}

/** Everything under `dir` that another user could read, write or enter, but for what `allowed` says. */
function loose(dir: string): string[] {
  const top = lstatSync(dir).mode & 0o777;
  const found = walk(dir).filter((e) => (e.mode & 0o077) !== 0 && !allowed(e.rel, e.kind === 'link')).map((e) => `${e.kind} ${e.rel} ${e.mode.toString(8)}`);
  return top === 0o700 ? found : [`data dir itself ${top.toString(8)}`, ...found];
}

/** Runs a cluster with state: a Secret, a pod with it as env and volume, its log written. */
async function withState(dataDir: string, check: (c: UpCluster) => void): Promise<void> {
  const c = await startUpCluster({ nodes: 1, dataDir, datastore: `sqlite://${path.join(dataDir, 'state.db')}` });
  try {
    const name = `modes-${suffix()}`;
    await c.kubectl.ok(['create', 'secret', 'generic', name, `--from-literal=password=${suffix()}`]);
    await c.kubectl.ok(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name },
        spec: {
          containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo started; sleep 1000'], envFrom: [{ secretRef: { name } }], volumeMounts: [{ name: 's', mountPath: '/etc/s' }] }],
          volumes: [{ name: 's', secret: { secretName: name } }],
        },
      }),
    });
    await waitFor(`${name} running`, async () => (await c.cp.client.get<Pod>(pods, 'default', name)).status?.phase === 'Running', 20_000);
    await waitFor(`${name} logged`, async () => (await c.kubectl.ok(['logs', name])).includes('started'), 10_000);
    check(c);
  } finally {
    killLeftoverContainers(dataDir);
    await c.stop();
  }
}

function mustHold(dataDir: string): void {
  const entries = new Map(walk(dataDir).map((e) => [e.rel, e]));
  // The files that hold the secrets are owner-only themselves, not only through their dir.
  for (const f of ['state.db', 'state.db-wal', 'state.db-shm', 'tokens.json', 'kubeconfig', 'pki/ca.key', 'pki/apiserver.key']) {
    assert.equal(entries.get(f)?.mode.toString(8), '600', `${f}: ${entries.get(f)?.mode.toString(8) ?? 'missing'}`);
  }
  assert.ok([...entries.keys()].some((k) => /^nodes\/[^/]+\/pods\/[^/]+\/logs\/.+\.log$/.test(k)), 'a container log was written');
  assert.deepEqual(loose(dataDir), []);
}

void test('a fresh data dir: everything that holds state is 0700/0600', async () => {
  const dataDir = path.join(root, 'fresh', 'data');
  await withState(dataDir, () => mustHold(dataDir));
});

void test('a data dir an older skiff left 0755/0644 is tightened at start', async () => {
  const dataDir = path.join(root, 'older', 'data');
  await withState(dataDir, () => undefined);
  // What an older skiff (umask 022, no explicit modes) left behind.
  for (const e of walk(dataDir)) if (e.kind !== 'link') chmodSync(path.join(dataDir, e.rel), e.kind === 'dir' ? 0o755 : 0o644);
  chmodSync(dataDir, 0o755);
  assert.notDeepEqual(loose(dataDir), [], 'the loosening took');
  await withState(dataDir, () => mustHold(dataDir));
});
