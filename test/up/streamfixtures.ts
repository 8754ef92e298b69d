/** What the stream tests (exec, cp, skiff's own stream verbs) share: a two-container pod with a
 * shared volume, a terminal whose size is checked, and the node's processes and files as seen
 * from the test. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as pty from 'node-pty';
import { stringify } from 'yaml';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import type { UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';

/** Processes whose command line contains `needle` (the node's processes are ours here). */
export function processesWith(needle: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(needle)) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** Every file below `dir`, relative, with its bytes. */
export function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** A running pod of two sleeping busybox containers, `main` and `side`, sharing an emptyDir at `mount`. */
export async function twoContainerPod(c: UpCluster, name: string, mount: string): Promise<void> {
  const sleeper = (container: string): Record<string, unknown> =>
    ({ name: container, image: 'busybox', command: ['sh', '-c', 'sleep 100000'], volumeMounts: [{ name: 'data', mountPath: mount }] });
  await c.kubectl.ok(['create', '-f', '-'], {
    input: stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [sleeper('main'), sleeper('side')], volumes: [{ name: 'data', emptyDir: {} }] },
    }),
  });
  await waitFor('pod running', async () => (await c.cp.client.get<Pod>(pods, 'default', name)).status?.phase === 'Running', 30_000);
}

/**
 * Runs `sh` in a terminal of a random size through `file args` (an `exec -it … -- sh`), checks
 * that the shell sees that size, resizes the terminal by `grow` when given and checks the new
 * size, then exits with `exitCode` and checks that the client exits with it.
 */
export async function checkTerminal(file: string, args: readonly string[], env: NodeJS.ProcessEnv, exitCode: number, grow?: { cols: number; rows: number }): Promise<void> {
  const rows = 20 + Math.floor(Math.random() * 20), cols = 70 + Math.floor(Math.random() * 40);
  const term = pty.spawn(file, [...args], { cols, rows, env: env as Record<string, string> });
  let seen = '';
  term.onData((d) => (seen += d));
  const exited = new Promise<number>((r) => term.onExit(({ exitCode: code }) => r(code)));
  await waitFor('prompt', async () => /[#$] $/.test(seen), 15_000);
  let want = { rows, cols };
  if (grow) {
    term.write('stty size\r');
    await waitFor('first size', async () => seen.includes(`${rows} ${cols}`), 10_000);
    want = { rows: rows + grow.rows, cols: cols + grow.cols };
    term.resize(want.cols, want.rows);
    await new Promise((r) => setTimeout(r, 300));
  }
  term.write(`stty size; exit ${exitCode}\r`);
  assert.equal(await exited, exitCode, seen);
  assert.ok(seen.includes(`${want.rows} ${want.cols}`), `terminal size ${want.rows} ${want.cols} in:\n${seen}`);
}
