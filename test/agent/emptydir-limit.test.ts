/** emptyDir size limits: which volumes have one, usage as allocated blocks, kubelet's message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { diskUsage, emptyDirExceededMessage, emptyDirLimits, emptyDirOverLimit } from '../../src/agent/emptydir-limit.js';

const pod = (volumes: unknown[]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], volumes } } as unknown as Pod);

test('limits: only emptyDirs with a positive sizeLimit, in bytes', () => {
  const limits = emptyDirLimits(pod([
    { name: 'a', emptyDir: { sizeLimit: '2Mi' } },
    { name: 'b', emptyDir: {} },
    { name: 'c', emptyDir: { sizeLimit: '0' } },
    { name: 'd', hostPath: { path: '/srv' } },
    { name: 'e', emptyDir: { sizeLimit: '1500k' } },
  ]));
  assert.deepEqual(limits, [{ name: 'a', text: '2Mi', bytes: 2 * 1024 * 1024 }, { name: 'e', text: '1500k', bytes: 1_500_000 }]);
});

test('usage counts files in nested directories; over the limit names the first volume over it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-du-'));
  try {
    const small = path.join(dir, 'small'), big = path.join(dir, 'big');
    mkdirSync(path.join(small, 'x'), { recursive: true });
    mkdirSync(path.join(big, 'y', 'z'), { recursive: true });
    writeFileSync(path.join(small, 'x', 'f'), Buffer.alloc(10_000, 1));
    writeFileSync(path.join(big, 'y', 'z', 'f'), Buffer.alloc(300_000, 1));
    const used = await diskUsage(big);
    assert.ok(used >= 300_000 && used < 400_000, `usage ${used}`);
    const hostPaths = new Map([['small', small], ['big', big]]);
    const limits = [{ name: 'small', text: '100k', bytes: 100_000 }, { name: 'big', text: '200k', bytes: 200_000 }];
    assert.deepEqual(await emptyDirOverLimit(limits, hostPaths), { reason: 'Evicted', message: 'Usage of EmptyDir volume "big" exceeds the limit "200k". ' });
    assert.equal(await emptyDirOverLimit([{ name: 'big', text: '1Mi', bytes: 1 << 20 }], hostPaths), undefined);
    assert.equal(await diskUsage(path.join(dir, 'gone')), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('message as kubelet words it', () => {
  assert.equal(emptyDirExceededMessage('cache', '1Gi'), 'Usage of EmptyDir volume "cache" exceeds the limit "1Gi". ');
});
