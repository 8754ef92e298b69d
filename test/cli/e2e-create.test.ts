/**
 * The built CLI against a simulated cluster, step by step beside the real kubectl: S1 (create -f
 * YAML, JSON, a directory), S4 (scale and its --current-replicas refusal), apply, label, annotate,
 * expose and delete. Each step runs with both clients on twin objects and the two must agree.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ReplicationController } from '../../src/api/kinds.js';
import { nodes, replicationControllers, services } from '../../src/api/resources.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { seed, suffix, randomInt } from '../controlplane/fixtures.js';
import { skiff, skiffOk } from './run.js';

describe('skiff create/apply/scale/label/annotate/expose/delete beside kubectl', () => {
  let c: SimCluster;
  let kc: string;
  let dir: string;
  const ns = 'default';
  before(async () => {
    c = await startSimCluster({ nodes: 3 });
    kc = c.server.kubeconfig;
    dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-cli-e2e-'));
  });
  after(async () => {
    await c.stop();
  });

  /** The seed's RC + NodePort service with fresh names, replicas and node port. */
  const rcSvc = (name: string, replicas: number, nodePort: number) =>
    seed('nginx-rc-svc.yaml', { 'hello-nginx': name, 'nginx-service': `${name}-svc`, 'hello: world': `hello: ${name}`, 'replicas: 4': `replicas: ${replicas}`, '30088': String(nodePort) });
  const rc = (name: string) => c.client.get<ReplicationController>(replicationControllers, ns, name);

  test('S1: create -f a multi-document YAML file prints one modern line per object, as kubectl does', async () => {
    const [mine, theirs] = [`s1-${suffix()}`, `s1k-${suffix()}`];
    const replicas = randomInt(2, 5);
    writeFileSync(path.join(dir, `${mine}.yaml`), rcSvc(mine, replicas, 30100 + randomInt(0, 400)));
    writeFileSync(path.join(dir, `${theirs}.yaml`), rcSvc(theirs, replicas, 30600 + randomInt(0, 400)));
    const out = await skiffOk(kc, ['create', '-f', path.join(dir, `${mine}.yaml`)]);
    const kout = await c.kubectl.ok(['create', '-f', path.join(dir, `${theirs}.yaml`)]);
    assert.equal(out, `replicationcontroller/${mine} created\nservice/${mine}-svc created\n`);
    assert.equal(out.split(mine).join('N'), kout.split(theirs).join('N'));
    const [a, b] = [await rc(mine), await rc(theirs)];
    assert.equal(a.spec?.replicas, replicas);
    assert.deepEqual(a.spec?.selector, { hello: mine });
    assert.equal(b.spec?.replicas, a.spec?.replicas);
    const svc = await c.client.get(services, ns, `${mine}-svc`);
    assert.equal(svc.spec?.['type'], 'NodePort');

    // Again: AlreadyExists for both documents, named by file, exit 1 — kubectl's wording.
    const again = await skiff(kc, ['create', '-f', path.join(dir, `${mine}.yaml`)]);
    const kagain = await c.kubectl.run(['create', '-f', path.join(dir, `${theirs}.yaml`)]);
    assert.equal(again.code, 1);
    assert.notEqual(kagain.code, 0);
    const line = `Error from server (AlreadyExists): error when creating "${path.join(dir, `${mine}.yaml`)}": replicationcontrollers "${mine}" already exists`;
    assert.ok(again.stderr.includes(line), again.stderr);
    assert.ok(kagain.stderr.includes(line.split(mine).join(theirs)), kagain.stderr);
  });

  test('S1: JSON files, stdin and a directory work too', async () => {
    const name = `s1j-${suffix()}`;
    const docs = parseAllDocuments(rcSvc(name, 1, 30000 + randomInt(0, 99))).map((d) => d.toJS() as object);
    const sub = path.join(dir, name);
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'a-rc.json'), JSON.stringify(docs[0], null, 2));
    writeFileSync(path.join(sub, 'b-svc.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [docs[1]] }));
    writeFileSync(path.join(sub, 'README.md'), 'not a manifest');
    assert.equal(await skiffOk(kc, ['create', '-f', sub]), `replicationcontroller/${name} created\nservice/${name}-svc created\n`);
    const other = `s1s-${suffix()}`;
    const json = JSON.stringify({ ...(docs[0] as { metadata: object }), metadata: { name: other } });
    assert.equal(await skiffOk(kc, ['create', '-f', '-', '-o', 'name']), '', 'empty stdin creates nothing');
    assert.equal(await skiffOk(kc, ['create', '-f', '-'], { input: json }), `replicationcontroller/${other} created\n`);
  });

  test('S23: a missing file and an unknown type fail as kubectl does', async () => {
    const missing = await skiff(kc, ['create', '-f', 'no-such.yaml']);
    const kmissing = await c.kubectl.run(['create', '-f', 'no-such.yaml']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), kmissing.stderr.trim());
    const unknown = await skiff(kc, ['delete', 'foos', 'x']);
    const kunknown = await c.kubectl.run(['delete', 'foos', 'x']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), kunknown.stderr.trim());
    const gone = await skiff(kc, ['delete', 'rc', `nope-${suffix()}`]);
    assert.match(gone.stderr, /^Error from server \(NotFound\): replicationcontrollers "nope-\w+" not found\n$/);
  });

  test('S4: scale up and down; --current-replicas refuses with kubectl\'s words and changes nothing', async () => {
    const [mine, theirs] = [`s4-${suffix()}`, `s4k-${suffix()}`];
    for (const n of [mine, theirs]) await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': n, 'app: nginx': `app: ${n}` }) });
    const up = randomInt(5, 8);
    assert.equal(await skiffOk(kc, ['scale', `--replicas=${up}`, 'rc', mine]), `replicationcontroller/${mine} scaled\n`);
    assert.equal((await rc(mine)).spec?.replicas, up);
    await skiffOk(kc, ['scale', '--replicas=2', `rc/${mine}`]);
    await c.kubectl.ok(['scale', '--replicas=2', 'rc', theirs]);
    const refused = await skiff(kc, ['scale', '--current-replicas=3', '--replicas=4', 'rc', mine]);
    const krefused = await c.kubectl.run(['scale', '--current-replicas=3', '--replicas=4', 'rc', theirs]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'error: Expected replicas to be 3, was 2\n');
    assert.equal(refused.stderr, krefused.stderr);
    assert.equal((await rc(mine)).spec?.replicas, 2);
    assert.equal(await skiffOk(kc, ['scale', '--current-replicas=2', '--replicas=3', 'rc', mine]), `replicationcontroller/${mine} scaled\n`);
    await skiffOk(kc, ['scale', '--current-replicas=-1', '--replicas=1', 'replicationcontrollers', mine]);
    assert.equal((await rc(mine)).spec?.replicas, 1);
  });

  test('apply: created, unchanged, configured; kubectl sees skiff\'s last-applied and agrees', async () => {
    const name = `ap-${suffix()}`;
    const file = path.join(dir, `${name}.yaml`);
    const manifest = (replicas: number, image: string) => seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${name}`, 'replicas: 3': `replicas: ${replicas}`, 'image: nginx': `image: ${image}` });
    writeFileSync(file, manifest(2, 'nginx'));
    assert.equal(await skiffOk(kc, ['apply', '-f', file]), `replicationcontroller/${name} created\n`);
    assert.equal(await skiffOk(kc, ['apply', '-f', file]), `replicationcontroller/${name} unchanged\n`);
    assert.equal(await c.kubectl.ok(['apply', '-f', file]), `replicationcontroller/${name} unchanged\n`);
    writeFileSync(file, manifest(4, 'httpd'));
    assert.equal(await skiffOk(kc, ['apply', '-f', file]), `replicationcontroller/${name} configured\n`);
    const after = await rc(name);
    assert.equal(after.spec?.replicas, 4);
    assert.equal(after.spec?.template?.spec?.containers[0]?.image, 'httpd');
    assert.equal(await c.kubectl.ok(['apply', '-f', file]), `replicationcontroller/${name} unchanged\n`);
    writeFileSync(file, manifest(3, 'httpd'));
    assert.equal(await c.kubectl.ok(['apply', '-f', file]), `replicationcontroller/${name} configured\n`);
    assert.equal(await skiffOk(kc, ['apply', '-f', file]), `replicationcontroller/${name} unchanged\n`);
  });

  test('label and annotate: set, refuse without --overwrite, overwrite, remove — as kubectl', async () => {
    const node = (await c.client.list(nodes)).items[randomInt(0, 2)]!.metadata.name!;
    const key = `run${suffix()}`;
    assert.equal(await skiffOk(kc, ['label', 'nodes', node, `${key}=ok`]), `node/${node} labeled\n`);
    assert.equal((await c.client.get(nodes, undefined, node)).metadata.labels?.[key], 'ok');
    const refused = await skiff(kc, ['label', 'no', node, `${key}=no`]);
    const krefused = await c.kubectl.run(['label', 'no', node, `${key}=no`]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `error: '${key}' already has a value (ok), and --overwrite is false\n`);
    assert.equal(refused.stderr, krefused.stderr);
    assert.equal(await skiffOk(kc, ['label', `node/${node}`, `${key}=no`, '--overwrite']), `node/${node} labeled\n`);
    assert.equal(await skiffOk(kc, ['label', 'node', node, `${key}-`]), `node/${node} unlabeled\n`.replace('unlabeled', 'labeled'));
    assert.equal((await c.client.get(nodes, undefined, node)).metadata.labels?.[key], undefined);

    const name = `an-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${name}`, 'replicas: 3': 'replicas: 0' }) });
    assert.equal(await skiffOk(kc, ['annotate', 'rc', name, 'note=first one', 'owner=amy']), `replicationcontroller/${name} annotated\n`);
    assert.equal(await c.kubectl.ok(['annotate', 'rc', name, 'owner=bob', '--overwrite']), `replicationcontroller/${name} annotated\n`);
    const ann = (await rc(name)).metadata.annotations ?? {};
    assert.equal(ann['note'], 'first one');
    assert.equal(ann['owner'], 'bob');
    // -l labels every match.
    assert.equal(await skiffOk(kc, ['label', 'rc', '-l', `app=${name}`, 'tier=web']), `replicationcontroller/${name} labeled\n`);
  });

  test('S5: expose rc gives a service with the rc\'s selector, as kubectl\'s', async () => {
    const name = `ex-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc.yaml', { 'nginx-rc-pod': name, 'app: nginx': `app: ${name}`, 'replicas: 3': 'replicas: 1' }) });
    const port = String(randomInt(30000, 31000));
    const out = await skiffOk(kc, ['expose', 'rc', name, `--port=${port}`, '--target-port=80', `--name=${name}-s`, '--type=NodePort']);
    const kout = await c.kubectl.ok(['expose', 'rc', name, `--port=${port}`, '--target-port=80', `--name=${name}-k`, '--type=NodePort']);
    assert.equal(out, `service/${name}-s exposed\n`);
    assert.equal(kout, `service/${name}-k exposed\n`);
    const [a, b] = [await c.client.get(services, ns, `${name}-s`), await c.client.get(services, ns, `${name}-k`)];
    assert.deepEqual(a.spec?.['selector'], b.spec?.['selector']);
    assert.deepEqual(a.metadata.labels, b.metadata.labels);
    assert.equal(a.spec?.['type'], 'NodePort');
    const strip = (ports: unknown) => (ports as { port: number; targetPort: unknown; protocol: string }[]).map((p) => [p.port, p.targetPort, p.protocol]);
    assert.deepEqual(strip(a.spec?.['ports']), strip(b.spec?.['ports']));
    // Without --port the container's port is used; a ClusterIP service.
    assert.equal(await skiffOk(kc, ['expose', 'rc', name, `--name=${name}-c`]), `service/${name}-c exposed\n`);
    const plain = await c.client.get(services, ns, `${name}-c`);
    assert.equal(plain.spec?.['type'], 'ClusterIP');
    assert.equal((plain.spec?.['ports'] as { port: number }[])[0]?.port, 80);

    // delete by TYPE NAME NAME: kubectl's lines; then gone.
    assert.equal(await skiffOk(kc, ['delete', 'svc', `${name}-s`, `${name}-c`]), `service "${name}-s" deleted\nservice "${name}-c" deleted\n`);
    assert.equal(await c.kubectl.ok(['delete', 'svc', `${name}-k`]), `service "${name}-k" deleted\n`);
    assert.equal((await c.client.list(services, ns)).items.filter((s) => s.metadata.name?.startsWith(name)).length, 0);
  });
});
