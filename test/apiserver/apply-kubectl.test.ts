/**
 * Declarative management with the real kubectl (1.32 and 1.27) against a `skiff server` process on
 * its SQLite data dir: server-side apply, conflicts and force, dropped fields, list merges,
 * client-side ↔ server-side apply migration, server dry run, diff and strict validation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startServerProcess, type ServerProcess } from '../helpers/serverprocess.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-ssa-'));
let server: ServerProcess;
before(async () => {
  server = await startServerProcess(path.join(tmp, 'data'));
});
after(async () => {
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const p = path.join(tmp, `${name}-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(p, text);
  return p;
}

function deployment(name: string, ns: string, replicas: number, containers: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
${containers}`;
}

const container = (name: string, image: string, env?: string) =>
  `      - name: ${name}\n        image: ${image}\n${env ? `        env:\n        - name: ${env}\n          value: "1"\n` : ''}`;

for (const minor of [undefined, 27] as const) {
  describe(`kubectl ${minor === undefined ? 'on PATH' : `1.${minor}`}`, () => {
    let k: Kubectl;
    const ns = `ssa-${minor ?? 'x'}-${Math.random().toString(36).slice(2, 6)}`;
    before(async () => {
      k = new Kubectl(server.kubeconfig, kubectlBinary(minor));
      await k.ok(['create', 'namespace', ns]);
    });

    test('apply creates; a second manager conflicts, and wins with --force-conflicts', async () => {
      const name = `web-${Math.random().toString(36).slice(2, 6)}`;
      const out = await k.ok(['apply', '--server-side', '-f', file('d1', deployment(name, ns, 2, container('web', 'nginx')))]);
      assert.match(out, new RegExp(`deployment.apps/${name} serverside-applied`));
      const live = parseYaml(await k.ok(['get', 'deployment', name, '-n', ns, '-o', 'yaml', '--show-managed-fields'])) as any;
      assert.equal(live.metadata.managedFields[0].manager, 'kubectl');
      assert.equal(live.metadata.managedFields[0].operation, 'Apply');
      assert.ok(live.metadata.managedFields[0].fieldsV1['f:spec']['f:replicas']);
      const other = file('d2', `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  replicas: 5\n`);
      const refused = await k.run(['apply', '--server-side', '--field-manager=autoscaler', '-f', other]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/);
      await k.ok(['apply', '--server-side', '--field-manager=autoscaler', '--force-conflicts', '-f', other]);
      assert.equal((await k.ok(['get', 'deployment', name, '-n', ns, '-o', 'jsonpath={.spec.replicas}'])).trim(), '5');
    });

    test('a dropped field is removed; containers merge by name', async () => {
      const name = `merge-${Math.random().toString(36).slice(2, 6)}`;
      await k.ok(['apply', '--server-side', '-f', file('m1', deployment(name, ns, 1, container('web', 'nginx', 'DEBUG')))]);
      const sidecar = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      containers:\n      - name: log\n        image: busybox\n`;
      await k.ok(['apply', '--server-side', '--field-manager=sidecar-injector', '-f', file('m2', sidecar)]);
      await k.ok(['apply', '--server-side', '-f', file('m3', deployment(name, ns, 1, container('web', 'nginx:2')))]);
      const d = JSON.parse(await k.ok(['get', 'deployment', name, '-n', ns, '-o', 'json'])) as any;
      const cs = d.spec.template.spec.containers as { name: string; image: string; env?: unknown }[];
      assert.deepEqual(cs.map((c) => `${c.name}=${c.image}`), ['web=nginx:2', 'log=busybox']);
      assert.equal(cs[0]!.env, undefined, 'the env var the applier dropped is gone');
    });

    test('client-side apply, then server-side apply, then client-side again', async () => {
      const name = `csa-${Math.random().toString(36).slice(2, 6)}`;
      const cm = (data: Record<string, string>) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n${Object.entries(data).map(([a, b]) => `  ${a}: "${b}"`).join('\n')}\n`;
      await k.ok(['apply', '-f', file('c1', cm({ a: '1', b: '2' }))]);
      const ssa = await k.run(['apply', '--server-side', '-f', file('c2', cm({ a: '9', b: '2' }))]);
      assert.equal(ssa.code, 0, ssa.stderr);
      const live = JSON.parse(await k.ok(['get', 'cm', name, '-n', ns, '-o', 'json', '--show-managed-fields'])) as any;
      assert.deepEqual(live.data, { a: '9', b: '2' });
      const managers = (live.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
      assert.ok(managers.includes('kubectl/Apply'), managers.join());
      assert.ok(!managers.includes('kubectl-client-side-apply/Update'), `the client-side entry was taken over: ${managers.join()}`);
      // Back to client-side apply: the server kept last-applied current, so dropping `b` removes it.
      await k.ok(['apply', '-f', file('c3', cm({ a: '9' }))]);
      assert.deepEqual(JSON.parse(await k.ok(['get', 'cm', name, '-n', ns, '-o', 'json'])).data, { a: '9' });
    });

    test('server dry run stores and allocates nothing; create --dry-run=server -o yaml shows the object', async () => {
      const name = `dry-${Math.random().toString(36).slice(2, 6)}`;
      const nodePort = 30000 + Math.floor(Math.random() * 2000) + (minor ?? 0);
      const svc = file('s', `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  type: NodePort\n  selector:\n    app: x\n  ports:\n  - port: 80\n    nodePort: ${nodePort}\n`);
      const out = await k.ok(['apply', '--server-side', '--dry-run=server', '-f', svc]);
      assert.match(out, new RegExp(`service/${name} serverside-applied \\(server dry run\\)`));
      const shown = parseYaml(await k.ok(['create', '--dry-run=server', '-o', 'yaml', '-f', svc])) as any;
      assert.equal(shown.spec.ports[0].nodePort, nodePort);
      assert.equal(shown.spec.type, 'NodePort');
      assert.equal(shown.metadata.resourceVersion, undefined);
      assert.equal((await k.run(['get', 'svc', name, '-n', ns])).code, 1);
      // The node port was not taken: another service gets it for real.
      const other = file('s2', `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}-real\n  namespace: ${ns}\nspec:\n  type: NodePort\n  selector:\n    app: x\n  ports:\n  - port: 80\n    nodePort: ${nodePort}\n`);
      await k.ok(['create', '-f', other]);
    });

    test('kubectl diff shows a real diff and exits 1; nothing changes', async () => {
      const name = `diff-${Math.random().toString(36).slice(2, 6)}`;
      await k.ok(['apply', '--server-side', '-f', file('f1', deployment(name, ns, 2, container('web', 'nginx')))]);
      const same = await k.run(['diff', '--server-side', '-f', file('f2', deployment(name, ns, 2, container('web', 'nginx')))]);
      assert.equal(same.code, 0, same.stderr + same.stdout);
      for (const extra of [[], ['--server-side']]) {
        const r = await k.run(['diff', ...extra, '-f', file('f3', deployment(name, ns, 3, container('web', 'nginx:2')))]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stdout, /^-  replicas: 2$/m);
        assert.match(r.stdout, /^\+  replicas: 3$/m);
        assert.match(r.stdout, /^\+ +(- )?image: nginx:2$/m);
      }
      assert.equal((await k.ok(['get', 'deployment', name, '-n', ns, '-o', 'jsonpath={.spec.replicas}'])).trim(), '2');
    });

    test('strict field validation rejects a typo with its path', async () => {
      const name = `typo-${Math.random().toString(36).slice(2, 6)}`;
      const bad = file('t', deployment(name, ns, 1, container('web', 'nginx')).replace('replicas:', 'replicass:'));
      const ssa = await k.run(['apply', '--server-side', '-f', bad]);
      assert.equal(ssa.code, 1);
      assert.match(ssa.stderr, /unknown field "spec.replicass"/);
      const created = await k.run(['create', '-f', bad]);
      assert.equal(created.code, 1);
      assert.match(created.stderr, /strict decoding error: unknown field "spec.replicass"/);
      const warned = await k.run(['create', '--validate=warn', '-f', bad]);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /Warning: unknown field "spec.replicass"/);
    });
  });
}
