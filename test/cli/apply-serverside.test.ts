/** skiff's own `apply --server-side`, `--force-conflicts`, `--field-manager`, `--dry-run=server`
 * and `diff`, against a real skiff API server; kubectl reads the results back. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';
import { skiff, skiffOk } from './run.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-cli-ssa-'));
let s: TestServer;
let k: Kubectl;
before(async () => {
  s = await startTestServer();
  k = new Kubectl(s.kubeconfig);
});
after(async () => {
  await s.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function cm(name: string, data: Record<string, string>): string {
  const p = path.join(tmp, `${name}-${Math.random().toString(36).slice(2, 7)}.yaml`);
  writeFileSync(p, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(data).map(([a, b]) => `  ${a}: "${b}"`).join('\n')}\n`);
  return p;
}

test('apply --server-side creates, conflicts across managers, and forces', async () => {
  const name = `ssa-${Math.random().toString(36).slice(2, 7)}`;
  assert.equal((await skiffOk(s.kubeconfig, ['apply', '--server-side', '-f', cm(name, { a: '1', b: '2' })])).trim(), `configmap/${name} serverside-applied`);
  const mf = JSON.parse(await k.ok(['get', 'cm', name, '-o', 'json', '--show-managed-fields'])).metadata.managedFields;
  assert.deepEqual(mf.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`), ['kubectl/Apply']);
  assert.doesNotMatch(await skiffOk(s.kubeconfig, ['get', 'cm', name, '-o', 'yaml']), /managedFields/);
  assert.match(await skiffOk(s.kubeconfig, ['get', 'cm', name, '-o', 'yaml', '--show-managed-fields']), /managedFields:\n {2}- apiVersion: v1\n {4}fieldsType: FieldsV1/);
  const refused = await skiff(s.kubeconfig, ['apply', '--server-side', '--field-manager=ops', '-f', cm(name, { a: '9' })]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl": \.data\.a\nPlease review the fields above/m);
  await skiffOk(s.kubeconfig, ['apply', '--server-side', '--field-manager=ops', '--force-conflicts', '-f', cm(name, { a: '9' })]);
  assert.equal((await k.ok(['get', 'cm', name, '-o', 'jsonpath={.data.a}'])).trim(), '9');
});

test('apply --server-side --dry-run=server stores nothing', async () => {
  const name = `dry-${Math.random().toString(36).slice(2, 7)}`;
  const out = await skiffOk(s.kubeconfig, ['apply', '--server-side', '--dry-run=server', '-f', cm(name, { a: '1' })]);
  assert.equal(out.trim(), `configmap/${name} serverside-applied (server dry run)`);
  assert.equal((await k.run(['get', 'cm', name])).code, 1);
});

test('diff shows what apply would change and exits 1, 0 when nothing would', async () => {
  const name = `diff-${Math.random().toString(36).slice(2, 7)}`;
  await skiffOk(s.kubeconfig, ['apply', '-f', cm(name, { a: '1' })]);
  for (const extra of [[], ['--server-side']]) {
    const same = await skiff(s.kubeconfig, ['diff', ...extra, '-f', cm(name, { a: '1' })]);
    if (extra.length === 0) assert.equal(same.code, 0, same.stderr + same.stdout);
    const r = await skiff(s.kubeconfig, ['diff', ...extra, '-f', cm(name, { a: '2', c: '3' })]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^-  a: "1"$/m);
    assert.match(r.stdout, /^\+  a: "2"$/m);
    assert.match(r.stdout, /^\+  c: "3"$/m);
  }
  assert.equal((await k.ok(['get', 'cm', name, '-o', 'jsonpath={.data.a}'])).trim(), '1');
});
