/**
 * kubectl 1.20 (Debian's), 1.27, 1.32 and 1.33 against a real skiff server, for what rests on the
 * OpenAPI documents: `explain`, `diff` (a server dry-run that kubectl 1.20 only makes when
 * `/openapi/v2` lists `dryRun` for the kind) and `apply` (a strategic merge patch built from the
 * schema's patch strategies and merge keys).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { kubectl120Binary } from '../helpers/kubectl-debian.js';
import { containerBuilder, deploymentBuilder } from '../helpers/builders.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-openapi-v2-'));
function manifest(name: string, obj: unknown): string {
  const p = path.join(tmp, `${name}.json`);
  writeFileSync(p, JSON.stringify(obj));
  return p;
}

/** kubectl ≤ 1.26 print `VERSION: apps/v1`; 1.27+ print `GROUP: apps` and `VERSION: v1`. */
function assertGroupVersion(out: string, minor: number, apiVersion: string): void {
  const esc = (t: string): string => t.replace(/[.]/g, '\\.');
  const slash = apiVersion.indexOf('/');
  if (minor <= 26 || slash < 0) {
    assert.match(out, new RegExp(`^VERSION:\\s+${esc(apiVersion)}$`, 'm'));
    return;
  }
  assert.match(out, new RegExp(`^GROUP:\\s+${esc(apiVersion.slice(0, slash))}$`, 'm'));
  assert.match(out, new RegExp(`^VERSION:\\s+${esc(apiVersion.slice(slash + 1))}$`, 'm'));
}

const suffix = (): string => randomBytes(3).toString('hex');

const clients = [
  { minor: 20, binary: () => kubectl120Binary() },
  { minor: 27, binary: () => kubectlBinary(27) },
  { minor: 32, binary: () => kubectlBinary(32) },
  { minor: 33, binary: () => kubectlBinary(33) },
];

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
});

for (const client of clients) {
  void describe(`kubectl 1.${client.minor}`, () => {
    let k: Kubectl;
    before(() => {
      k = new Kubectl(server.kubeconfig, client.binary());
    });

    void test('explain pods.spec.containers lists the container fields with their descriptions', async () => {
      const out = await k.ok(['explain', 'pods.spec.containers']);
      assert.match(out, /^KIND:\s+Pod$/m);
      assert.match(out, /^VERSION:\s+v1$/m);
      assert.match(out, /^(RESOURCE|FIELD):\s+containers <\[\](Object|Container)>$/m);
      assert.match(out, /^\s+image\t<string>$/m);
      assert.match(out, /The container image to run/);
      assert.match(out, /^\s+name\t<string>( -required-)?$/m);
    });

    const kinds = [
      { what: 'deployment', kind: 'Deployment', version: 'apps/v1', field: 'spec', type: /<(Object|DeploymentSpec)>/ },
      { what: 'rc', kind: 'ReplicationController', version: 'v1', field: 'spec', type: /<(Object|ReplicationControllerSpec)>/ },
      { what: 'leases.spec', kind: 'Lease', version: 'coordination.k8s.io/v1', field: 'holderIdentity', type: /<string>/ },
    ];
    for (const c of kinds) {
      void test(`explain ${c.what} shows ${c.kind} ${c.version}`, async () => {
        const out = await k.ok(['explain', c.what]);
        assert.match(out, new RegExp(`^KIND:\\s+${c.kind}$`, 'm'));
        assertGroupVersion(out, client.minor, c.version);
        const line = out.split('\n').find((l) => l.trim().startsWith(`${c.field}\t`));
        assert.ok(line, `no ${c.field} field in:\n${out}`);
        assert.match(line, c.type);
      });
    }

    void test('diff shows the changed line and exits 1, changing nothing; unchanged exits 0', async () => {
      const name = `web-${client.minor}-${suffix()}`;
      const before = deploymentBuilder(name).noContainers().container(containerBuilder('app').image('busybox:1.35')).build();
      await k.ok(['apply', '-f', manifest(`${name}-v1`, before)]);
      const same = await k.run(['diff', '-f', manifest(`${name}-same`, before)]);
      assert.equal(same.code, 0, `diff of an unchanged manifest: ${same.stderr}${same.stdout}`);
      assert.equal(same.stdout, '');

      const changed = deploymentBuilder(name).noContainers().container(containerBuilder('app').image('busybox:1.36')).build();
      const r = await k.run(['diff', '-f', manifest(`${name}-v2`, changed)]);
      assert.equal(r.code, 1, `diff: ${r.stderr}`);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^-\s+- image: busybox:1\.35$/m);
      assert.match(r.stdout, /^\+\s+- image: busybox:1\.36$/m);
      const live = await server.request('GET', `/apis/apps/v1/namespaces/default/deployments/${name}`);
      assert.equal(live.json.spec.template.spec.containers[0].image, 'busybox:1.35', 'diff changed the object');
    });

    void test('apply twice merges containers by name: changes one, removes one, adds one, keeps fields set by others', async () => {
      const name = `merge-${client.minor}-${suffix()}`;
      const first = deploymentBuilder(name).noContainers()
        .container(containerBuilder('a').image('busybox:1.35'))
        .container(containerBuilder('b').image('nginx:1.25'))
        .build();
      assert.match(await k.ok(['apply', '-f', manifest(`${name}-1`, first)]), new RegExp(`deployment\\.apps/${name} created`));
      // Another actor sets a field on container `a`; a merge by name keeps it, a list replace would not.
      await k.ok(['patch', 'deployment', name, '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'a', workingDir: '/srv' }] } } } })]);

      const second = deploymentBuilder(name).noContainers()
        .container(containerBuilder('a').image('busybox:1.36'))
        .container(containerBuilder('c').image('httpd:2.4'))
        .build();
      assert.match(await k.ok(['apply', '-f', manifest(`${name}-2`, second)]), new RegExp(`deployment\\.apps/${name} configured`));
      const live = await server.request('GET', `/apis/apps/v1/namespaces/default/deployments/${name}`);
      const containers = live.json.spec.template.spec.containers as { name: string; image: string; workingDir?: string }[];
      assert.deepEqual(containers.map((c) => [c.name, c.image, c.workingDir]), [
        ['a', 'busybox:1.36', '/srv'],
        ['c', 'httpd:2.4', undefined],
      ]);
    });

    void test('apply switching to the Recreate strategy drops the defaulted rollingUpdate (retainKeys)', async () => {
      const name = `recreate-${client.minor}-${suffix()}`;
      await k.ok(['apply', '-f', manifest(`${name}-1`, deploymentBuilder(name).build())]);
      const defaulted = await server.request('GET', `/apis/apps/v1/namespaces/default/deployments/${name}`);
      assert.deepEqual(defaulted.json.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
      const out = await k.ok(['apply', '-f', manifest(`${name}-2`, deploymentBuilder(name).set('spec.strategy', { type: 'Recreate' }).build())]);
      assert.match(out, new RegExp(`deployment\\.apps/${name} configured`));
      const live = await server.request('GET', `/apis/apps/v1/namespaces/default/deployments/${name}`);
      assert.deepEqual(live.json.spec.strategy, { type: 'Recreate' });
    });

    void test('client-side validation names an unknown field (1.20) or the server rejects it (strict)', async () => {
      const name = `bad-${client.minor}-${suffix()}`;
      const bad = deploymentBuilder(name).noContainers().container(containerBuilder('app').set('imagee', 'busybox')).build();
      const r = await k.run(['apply', '-f', manifest(name, bad)]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /unknown field "(spec\.template\.spec\.containers\[0\]\.)?imagee"/);
      const live = await server.request('GET', `/apis/apps/v1/namespaces/default/deployments/${name}`);
      assert.equal(live.status, 404);
    });
  });
}
