/** Which kubeconfig the CLI uses: --kubeconfig, $KUBECONFIG, ~/.kube/config, then a local skiff cluster's. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { locateKubeconfig, readKubeconfig, CliError, buildContext } from '../../src/cli/kube/index.js';

const config = (ns?: string) => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: t0k } }]
contexts:
- { name: main, context: { cluster: c, user: u${ns ? `, namespace: ${ns}` : ''} } }
- { name: other, context: { cluster: c, user: u, namespace: elsewhere } }
current-context: main
`;

describe('kubeconfig', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'skiff-home-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test('nothing anywhere: undefined, and the context says how to get one', () => {
    assert.equal(locateKubeconfig({ env: {}, home }), undefined);
    assert.throws(() => buildContext({}, { env: { HOME: home } }), /no kubeconfig found/);
  });

  test('a local skiff cluster\'s kubeconfig (the newest) when there is no other', () => {
    for (const [d, t] of [['server', 1000], ['up', 2000]] as const) {
      mkdirSync(path.join(home, '.skiff', d), { recursive: true });
      writeFileSync(path.join(home, '.skiff', d, 'kubeconfig'), config());
      utimesSync(path.join(home, '.skiff', d, 'kubeconfig'), t, t);
    }
    assert.equal(locateKubeconfig({ env: {}, home }), path.join(home, '.skiff', 'up', 'kubeconfig'));
  });

  test('~/.kube/config beats skiff\'s; the first existing $KUBECONFIG entry beats both; --kubeconfig beats all', () => {
    mkdirSync(path.join(home, '.kube'), { recursive: true });
    writeFileSync(path.join(home, '.kube', 'config'), config());
    assert.equal(locateKubeconfig({ env: {}, home }), path.join(home, '.kube', 'config'));
    const a = path.join(home, 'a.yaml');
    writeFileSync(a, config());
    assert.equal(locateKubeconfig({ env: { KUBECONFIG: `${path.join(home, 'missing')}:${a}` }, home }), a);
    assert.equal(locateKubeconfig({ explicit: path.join(home, '.kube', 'config'), env: { KUBECONFIG: a }, home }), path.join(home, '.kube', 'config'));
    assert.throws(() => locateKubeconfig({ explicit: path.join(home, 'nope'), home }), (e: unknown) => e instanceof CliError && /no such file/.test(e.message));
  });

  test('namespace: -n, else the context\'s, else default; --context picks another', () => {
    const f = path.join(home, 'ns.yaml');
    writeFileSync(f, config('team'));
    const ctx = (flags: object) => buildContext({ kubeconfig: f, ...flags });
    assert.equal(ctx({}).namespace, 'team');
    assert.equal(ctx({ namespace: 'x' }).namespace, 'x');
    assert.equal(ctx({ context: 'other' }).namespace, 'elsewhere');
    const g = path.join(home, 'nons.yaml');
    writeFileSync(g, config());
    assert.equal(buildContext({ kubeconfig: g }).namespace, 'default');
    assert.equal(readKubeconfig(g).token, 't0k');
    assert.throws(() => readKubeconfig(g, 'nope'), /context "nope" does not exist/);
    for (const c of [ctx({}), ctx({ namespace: 'x' }), ctx({ context: 'other' }), buildContext({ kubeconfig: g })]) c.client.close();
  });
});
