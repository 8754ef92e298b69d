/**
 * RBAC with the real kubectl: who may do what (identity × verb × resource × namespace → allowed or
 * Kubernetes' 403), `kubectl auth can-i [--list] [--as]`, `kubectl auth whoami`, escalation refused,
 * bindings limited to roles one holds, and aggregation of a labelled ClusterRole into `view`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';
import { kubeconfigYaml } from '../../src/apiserver/index.js';

const suffix = randomBytes(3).toString('hex');
const nsA = `team-a-${suffix}`;
const nsB = `team-b-${suffix}`;
const jane = `jane-${suffix}`;
const token = (): string => randomBytes(24).toString('base64url');

describe('RBAC with kubectl', () => {
  let s: TestServer;
  let admin: Kubectl;
  const as: Record<string, Kubectl> = {};

  before(async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-rbac-'));
    const tokens = {
      admin: token(), node: token(), viewer: token(), jane: token(),
    };
    writeFileSync(path.join(dataDir, 'tokens.json'), JSON.stringify([
      { token: tokens.admin, user: 'admin', role: 'admin' },
      { token: tokens.node, user: 'system:node-joiner', role: 'node' },
      { token: tokens.viewer, user: 'viewer', role: 'view' },
      { token: tokens.jane, user: jane },
    ]));
    s = await startTestServer({ dataDir });
    admin = new Kubectl(s.kubeconfig);
    for (const who of ['node', 'viewer', 'jane'] as const) {
      const file = path.join(dataDir, `${who}.kubeconfig`);
      writeFileSync(file, kubeconfigYaml(s.url, s.server.caCert, tokens[who]));
      as[who] = new Kubectl(file);
    }
    for (const ns of [nsA, nsB]) await admin.ok(['create', 'namespace', ns]);
    await admin.ok(['create', 'rolebinding', 'jane-admin', '--clusterrole=admin', `--user=${jane}`, '-n', nsA]);
    await admin.ok(['create', 'configmap', 'cm', '--from-literal=k=v', '-n', nsA]);
    await admin.ok(['create', 'configmap', 'cm', '--from-literal=k=v', '-n', nsB]);
    await admin.ok(['create', 'secret', 'generic', 'sec', '--from-literal=k=v', '-n', nsB]);
  });
  after(async () => {
    await s?.stop();
    if (s) rmSync(s.dataDir, { recursive: true, force: true });
  });

  const forbiddenIn = (user: string, verb: string, resource: string, group: string, ns?: string): string =>
    `User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${ns ? `in the namespace "${ns}"` : 'at the cluster scope'}`;

  // kubectl's `create <generator>` commands print the server's message behind their own prefix.
  const cases: { name: string; who: 'admin' | 'node' | 'viewer' | 'jane'; args: () => string[]; denied?: () => string; printed?: string }[] = [
    { name: 'admin lists secrets everywhere', who: 'admin', args: () => ['get', 'secrets', '-A'] },
    { name: 'jane (admin in A) lists pods in A', who: 'jane', args: () => ['get', 'pods', '-n', nsA] },
    { name: 'jane creates a config map in A', who: 'jane', args: () => ['create', 'configmap', `c-${suffix}`, '--from-literal=a=b', '-n', nsA] },
    { name: 'jane reads secrets in A', who: 'jane', args: () => ['get', 'secrets', '-n', nsA] },
    {
      name: 'jane cannot list pods in B', who: 'jane', args: () => ['get', 'pods', '-n', nsB],
      denied: () => `pods is forbidden: ${forbiddenIn(jane, 'list', 'pods', '', nsB)}`,
    },
    {
      name: 'jane cannot read a config map in B', who: 'jane', args: () => ['get', 'configmap', 'cm', '-n', nsB],
      denied: () => `configmaps "cm" is forbidden: ${forbiddenIn(jane, 'get', 'configmaps', '', nsB)}`,
    },
    {
      name: 'jane cannot list nodes (cluster scope)', who: 'jane', args: () => ['get', 'nodes'],
      denied: () => `nodes is forbidden: ${forbiddenIn(jane, 'list', 'nodes', '')}`,
    },
    {
      name: 'jane cannot delete namespace A', who: 'jane', args: () => ['delete', 'namespace', nsA],
      denied: () => `namespaces "${nsA}" is forbidden: ${forbiddenIn(jane, 'delete', 'namespaces', '')}`,
    },
    { name: 'viewer lists pods in every namespace', who: 'viewer', args: () => ['get', 'pods', '-A'] },
    { name: 'viewer reads deployments in B', who: 'viewer', args: () => ['get', 'deployments.apps', '-n', nsB] },
    {
      name: 'viewer cannot read secrets', who: 'viewer', args: () => ['get', 'secret', 'sec', '-n', nsB],
      denied: () => `secrets "sec" is forbidden: ${forbiddenIn('viewer', 'get', 'secrets', '', nsB)}`,
    },
    {
      name: 'viewer cannot create config maps', who: 'viewer', args: () => ['create', 'configmap', `v-${suffix}`, '--from-literal=a=b', '-n', nsA],
      denied: () => `configmaps is forbidden: ${forbiddenIn('viewer', 'create', 'configmaps', '', nsA)}`, printed: 'error: failed to create configmap: ',
    },
    // The join token only bootstraps a node's certificate (TLS bootstrapping).
    {
      name: 'node token cannot read secrets', who: 'node', args: () => ['get', 'secrets', '-n', nsB],
      denied: () => `secrets is forbidden: ${forbiddenIn('system:node-joiner', 'list', 'secrets', '', nsB)}`,
    },
    {
      name: 'node token cannot write endpoints', who: 'node', args: () => ['create', '-f', '-'], printed: 'Error from server (Forbidden): error when creating "STDIN": ',
      denied: () => `endpoints is forbidden: ${forbiddenIn('system:node-joiner', 'create', 'endpoints', '', nsA)}`,
    },
    { name: 'node token may ask for certificates', who: 'node', args: () => ['get', 'csr'] },
    {
      name: 'node token cannot write config maps', who: 'node', args: () => ['create', 'configmap', `n-${suffix}`, '--from-literal=a=b', '-n', nsA],
      denied: () => `configmaps is forbidden: ${forbiddenIn('system:node-joiner', 'create', 'configmaps', '', nsA)}`, printed: 'error: failed to create configmap: ',
    },
    {
      name: 'node token cannot bind cluster-admin', who: 'node', printed: 'error: failed to create clusterrolebinding: ',
      args: () => ['create', 'clusterrolebinding', `n-${suffix}`, '--clusterrole=cluster-admin', '--user=x'],
      denied: () => `clusterrolebindings.rbac.authorization.k8s.io is forbidden: ${forbiddenIn('system:node-joiner', 'create', 'clusterrolebindings', 'rbac.authorization.k8s.io')}`,
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const k = c.who === 'admin' ? admin : as[c.who]!;
      const args = c.args();
      const input = args.includes('-') ? JSON.stringify({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: `ep-${suffix}`, namespace: nsA } }) : undefined;
      const r = await k.run(args, input !== undefined ? { input } : {});
      if (c.denied) {
        assert.equal(r.code, 1, r.stdout);
        assert.equal(r.stderr.trim(), `${c.printed ?? 'Error from server (Forbidden): '}${c.denied()}`);
      } else {
        assert.equal(r.code, 0, r.stderr);
      }
    });
  }

  test('no token is 401, not 403', async () => {
    const r = await s.request('GET', `/api/v1/namespaces/${nsA}/pods`, { token: '' });
    assert.equal(r.status, 401);
  });

  test('auth can-i answers per identity and namespace, with --as', async () => {
    const table: { args: string[]; k: () => Kubectl; want: 'yes' | 'no' }[] = [
      { args: ['auth', 'can-i', 'create', 'pods', '-n', nsA], k: () => as['jane']!, want: 'yes' },
      { args: ['auth', 'can-i', 'create', 'pods', '-n', nsB], k: () => as['jane']!, want: 'no' },
      { args: ['auth', 'can-i', 'get', 'pods/log', '-n', nsA], k: () => as['jane']!, want: 'yes' },
      { args: ['auth', 'can-i', 'list', 'secrets', '-n', nsB], k: () => as['viewer']!, want: 'no' },
      { args: ['auth', 'can-i', 'get', '/healthz'], k: () => as['viewer']!, want: 'yes' },
      { args: ['auth', 'can-i', '*', '*'], k: () => admin, want: 'yes' },
      { args: [`--as=${jane}`, 'auth', 'can-i', 'delete', 'deployments.apps', '-n', nsA], k: () => admin, want: 'yes' },
      { args: [`--as=${jane}`, 'auth', 'can-i', 'delete', 'deployments.apps', '-n', nsB], k: () => admin, want: 'no' },
      { args: ['--as=nobody', '--as-group=system:masters', 'auth', 'can-i', 'delete', 'nodes'], k: () => admin, want: 'yes' },
    ];
    for (const t of table) {
      const r = await t.k().run(t.args);
      assert.equal(r.stdout.trim(), t.want, `${t.args.join(' ')}: ${r.stderr}`);
      assert.equal(r.code, t.want === 'yes' ? 0 : 1);
    }
  });

  test('auth can-i --list shows the rules held in the namespace', async () => {
    const out = await as['jane']!.ok(['auth', 'can-i', '--list', '-n', nsA]);
    assert.match(out, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    assert.match(out, /\nroles\.rbac\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[get list watch create update patch delete deletecollection\]/);
    assert.match(out, /\nselfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
    const inB = await as['jane']!.ok(['auth', 'can-i', '--list', '-n', nsB]);
    assert.doesNotMatch(inB, /\nroles\.rbac/);
  });

  test('auth whoami names the user and groups', async () => {
    const out = await as['jane']!.ok(['auth', 'whoami']);
    assert.match(out, new RegExp(`^ATTRIBUTE\\s+VALUE\\nUsername\\s+${jane}\\nGroups\\s+\\[system:authenticated\\]\\n$`));
    const imp = await admin.ok(['--as=bob', '--as-group=devs', 'auth', 'whoami']);
    assert.match(imp, /Username\s+bob\nGroups\s+\[devs system:authenticated\]/);
  });

  test('impersonation needs the impersonate verb', async () => {
    const r = await as['jane']!.run(['--as=bob', 'get', 'pods', '-n', nsA]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `Error from server (Forbidden): users "bob" is forbidden: User "${jane}" cannot impersonate resource "users" in API group "" at the cluster scope`);
  });

  test('a role with rules one does not hold is refused; one with held rules is created', async () => {
    await as['jane']!.ok(['create', 'role', `held-${suffix}`, '--verb=get,list', '--resource=pods', '-n', nsA]);
    const r = await as['jane']!.run(['create', 'role', `esc-${suffix}`, '--verb=get', '--resource=nodes', '--verb=list', '-n', nsA]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      `Error from server (Forbidden): roles.rbac.authorization.k8s.io "esc-${suffix}" is forbidden: user "${jane}" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n` +
        '{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}',
    );
    const get = await admin.run(['get', 'role', `esc-${suffix}`, '-n', nsA]);
    assert.equal(get.code, 1);
  });

  test('binding a role one does not hold is refused unless one may bind it', async () => {
    await as['jane']!.ok(['create', 'rolebinding', `view-${suffix}`, '--clusterrole=view', '--user=bob', '-n', nsA]);
    const r = await as['jane']!.run(['create', 'rolebinding', `ca-${suffix}`, '--clusterrole=cluster-admin', '--user=bob', '-n', nsA]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: failed to create rolebinding: rolebindings\\.rbac\\.authorization\\.k8s\\.io "ca-${suffix}" is forbidden: user "${jane}" \\(groups=\\["system:authenticated"\\]\\) is attempting to grant RBAC permissions not currently held:\\n`));
    // Given `bind` on cluster-admin, the same binding is allowed.
    await admin.ok(['create', 'role', `binder-${suffix}`, '--verb=bind', '--resource=clusterroles.rbac.authorization.k8s.io', '--resource-name=cluster-admin', '-n', nsA]);
    await admin.ok(['create', 'rolebinding', `binder-${suffix}`, `--role=binder-${suffix}`, `--user=${jane}`, '-n', nsA]);
    await as['jane']!.ok(['create', 'rolebinding', `ca-${suffix}`, '--clusterrole=cluster-admin', '--user=bob', '-n', nsA]);
  });

  test('a labelled ClusterRole is aggregated into view (and out again)', async () => {
    const name = `widgets-view-${suffix}`;
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ apiGroups: ['example.com'], resources: [`widgets${suffix}`], verbs: ['get', 'list'] }],
    };
    await admin.ok(['create', '-f', '-'], { input: JSON.stringify(role) });
    const has = async (): Promise<boolean> => {
      const view = JSON.parse(await admin.ok(['get', 'clusterrole', 'view', '-o', 'json'])) as { rules: { resources?: string[] }[] };
      return view.rules.some((r) => r.resources?.includes(`widgets${suffix}`));
    };
    await waitFor(has, true);
    // view is aggregated into edit and admin in turn.
    const adminRole = JSON.parse(await admin.ok(['get', 'clusterrole', 'admin', '-o', 'json'])) as { rules: { resources?: string[] }[] };
    await waitFor(async () => {
      const a = JSON.parse(await admin.ok(['get', 'clusterrole', 'admin', '-o', 'json'])) as { rules: { resources?: string[] }[] };
      return a.rules.some((r) => r.resources?.includes(`widgets${suffix}`));
    }, true);
    void adminRole;
    await admin.ok(['label', 'clusterrole', name, 'rbac.authorization.k8s.io/aggregate-to-view-']);
    await waitFor(has, false);
  });

  test('RBAC objects are validated', async () => {
    const r = await admin.run(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `bad-${suffix}`, namespace: nsA },
        rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      }),
    });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `The Role "bad-${suffix}" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs`);
  });
});

async function waitFor(check: () => Promise<boolean>, want: boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if ((await check()) === want) return;
    if (Date.now() > end) assert.fail(`condition did not become ${want}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
