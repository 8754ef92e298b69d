/** `skiff explain-support`: the support tables as users read them, for all runtimes and for one;
 * JSON that matches the compiled tables; bad flags refused. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { features, runtimeNames, supportOf, anyRuntimeHonours } from '../../src/api/support/index.js';
import { skiff } from './run.js';

function rowOf(out: string, field: string): string[] {
  const line = out.split('\n').find((l) => l.startsWith(`${field} `));
  assert.ok(line, `no row for ${field} in:\n${out}`);
  return line.split(/\s{2,}/);
}

describe('skiff explain-support', () => {
  test('all runtimes: one row per feature with each runtime\'s level, refused where none honours it', async () => {
    const r = await skiff(undefined, ['explain-support']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n')[0]!.split(/\s{2,}/), ['FIELD', 'PROCESS', 'OCI', 'FAKE', 'WHAT']);
    for (const f of features) {
      const want = anyRuntimeHonours(f.id) ? runtimeNames.map((rt) => supportOf(rt, f.id).level) : runtimeNames.map(() => 'refused');
      assert.deepEqual(rowOf(r.stdout, f.field).slice(1, 4), want, f.field);
    }
    assert.match(r.stdout, /refused when the object is created \(422\)/);
  });

  const cases = [
    { runtime: 'process', field: 'securityContext.seccompProfile', want: ['no', 'no seccomp filter is applied (use the oci runtime)'] },
    { runtime: 'oci', field: 'securityContext.seccompProfile', want: ['yes', 'seccomp profiles'] },
    { runtime: 'process', field: 'containers[*].resources.limits', want: ['partial', 'no cgroups: limits are not enforced (requests still count for scheduling)'] },
    { runtime: 'oci', field: 'volumes[*].nfs', want: ['refused', 'NFS volumes'] },
    { runtime: 'fake', field: 'hostNetwork', want: ['yes', 'simulated'] },
  ];
  for (const c of cases) {
    test(`--runtime ${c.runtime}: ${c.field}`, async () => {
      const r = await skiff(undefined, ['explain-support', '--runtime', c.runtime]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\n')[0]!.split(/\s{2,}/), ['FIELD', 'SUPPORT', 'NOTE']);
      assert.deepEqual(rowOf(r.stdout, c.field).slice(1), c.want);
    });
  }

  test('-o json carries every feature and the tables', async () => {
    const r = await skiff(undefined, ['explain-support', '-o', 'json', '--runtime', 'oci']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { feature: string; refused: boolean; runtimes: Record<string, { level: string }> }[];
    assert.deepEqual(rows.map((x) => x.feature), features.map((f) => f.id));
    for (const row of rows) {
      assert.deepEqual(Object.keys(row.runtimes), ['oci']);
      assert.equal(row.runtimes['oci']!.level, supportOf('oci', row.feature).level);
      assert.equal(row.refused, !anyRuntimeHonours(row.feature));
    }
  });

  test('an unknown runtime or output format is an error', async () => {
    const bad = await skiff(undefined, ['explain-support', '--runtime', 'docker']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown runtime "docker": one of process, oci, fake/);
    const out = await skiff(undefined, ['explain-support', '-o', 'yaml']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /--output must be 'json'/);
  });
});
