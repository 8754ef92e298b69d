/** ConfigMap/Secret volumes kept in step with their sources: changed keys rewritten, removed keys
 * gone, `items` respected, a deleted source leaving the last contents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { prepareVolumes } from '../../src/agent/volumes.js';
import { hasDataVolumes, refreshDataVolumes } from '../../src/agent/data-refresh.js';

const pod = (volumes: unknown[]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: `u-${Date.now()}` }, spec: { containers: [], volumes } } as unknown as Pod);

test('sources edited, keys removed, items, deleted source', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'skiff-refresh-'));
  try {
    const store: Record<string, Record<string, string> | undefined> = {
      'ConfigMap/conf': { a: '1', b: '2' },
      'Secret/cred': { token: 't1', other: 'x' },
    };
    const lookup = async (kind: string, name: string) => store[`${kind}/${name}`];
    const p = pod([
      { name: 'conf', configMap: { name: 'conf' } },
      { name: 'cred', secret: { secretName: 'cred', items: [{ key: 'token', path: 'sub/token' }] } },
      { name: 'tmp', emptyDir: {} },
    ]);
    assert.ok(hasDataVolumes(p));
    assert.ok(!hasDataVolumes(pod([{ name: 'tmp', emptyDir: {} }])));
    const dirs = await prepareVolumes(root, p, lookup);
    const conf = dirs.get('conf')!, cred = dirs.get('cred')!;
    const written = new Map<string, Set<string>>();
    assert.equal(await refreshDataVolumes(p, dirs, lookup, written), 0, 'nothing changed yet');
    store['ConfigMap/conf'] = { a: '10', c: '3' };
    store['Secret/cred'] = { token: 't2', other: 'y' };
    assert.equal(await refreshDataVolumes(p, dirs, lookup, written), 4);
    assert.equal(readFileSync(path.join(conf, 'a'), 'utf8'), '10');
    assert.equal(readFileSync(path.join(conf, 'c'), 'utf8'), '3');
    assert.ok(!existsSync(path.join(conf, 'b')), 'removed key gone');
    assert.equal(readFileSync(path.join(cred, 'sub', 'token'), 'utf8'), 't2');
    assert.ok(!existsSync(path.join(cred, 'other')), 'only the listed items');
    store['ConfigMap/conf'] = undefined;
    assert.equal(await refreshDataVolumes(p, dirs, lookup, written), 0);
    assert.equal(readFileSync(path.join(conf, 'a'), 'utf8'), '10', 'a deleted source leaves the last contents');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
