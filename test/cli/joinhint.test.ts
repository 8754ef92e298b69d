/** `skiff up`'s join hint and the oci runtime's root check: table of cases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { joinHint, ociNeedsRoot, skiffProgram } from '../../src/cli/joinhint.js';

const base = { token: 'tok', caCert: '/d/pki/ca.crt', runtime: 'process' };

for (const c of [
  { name: 'listening everywhere: the machine\'s own address', listen: '0.0.0.0:6443', url: 'https://127.0.0.1:6443', external: '10.1.2.3', server: 'https://10.1.2.3:6443', note: false },
  { name: 'listening on loopback: says how to choose a reachable one', listen: '127.0.0.1:7443', url: 'https://127.0.0.1:7443', external: '10.1.2.3', server: 'https://127.0.0.1:7443', note: true },
  { name: 'listening on an address: that address', listen: '10.9.9.9:6443', url: 'https://10.9.9.9:6443', external: '10.1.2.3', server: 'https://10.9.9.9:6443', note: false },
]) {
  test(c.name, () => {
    const hint = joinHint({ ...base, listen: c.listen, url: c.url, external: c.external });
    assert.match(hint, new RegExp(` agent --server ${c.server.replace(/\./g, '\\.')} --token tok --ca-cert /d/pki/ca\\.crt --data-dir DIR\\n`));
    assert.equal(/start skiff up with --listen 0\.0\.0\.0:\d+/.test(hint), c.note);
    assert.doesNotMatch(hint, /--runtime/);
  });
}

test('the oci runtime is named in the hint', () => {
  assert.match(joinHint({ ...base, runtime: 'oci', listen: '0.0.0.0:1', url: 'https://127.0.0.1:1', external: '10.0.0.1' }), / --runtime oci --data-dir DIR/);
});

test('the program is a path that exists (bin/skiff of this checkout)', () => {
  const program = skiffProgram();
  assert.ok(program.startsWith('/'));
  assert.ok(existsSync(program.split(' ')[0] ?? ''), program);
});

test('oci as non-root is refused with why; root and process are fine', () => {
  assert.match(ociNeedsRoot('oci', 1000) ?? '', /needs root: it creates network namespaces, a bridge and iptables rules/);
  assert.equal(ociNeedsRoot('oci', 0), undefined);
  assert.equal(ociNeedsRoot('process', 1000), undefined);
});
