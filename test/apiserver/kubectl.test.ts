/**
 * The real kubectl against a real skiff server: every verb the foundation promises, with the
 * output users see. Also run with the oldest supported client (kubectl 1.27).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { fixture } from '../helpers/paths.js';

function rcYaml(name: string, replicas: number, app: string, image = 'nginx'): string {
  return `apiVersion: v1
kind: ReplicationController
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
      - name: ${app}-c
        image: ${image}
        ports:
        - containerPort: 80
`;
}

function svcYaml(name: string, app: string, nodePort: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: NodePort
  ports:
  - port: 80
    nodePort: ${nodePort}
  selector:
    app: ${app}
`;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-kubectl-'));
function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

for (const minor of [undefined, 27] as const) {
  const label = minor ? `kubectl 1.${minor}` : 'kubectl (PATH)';
  describe(`${label} against skiff`, () => {
    let s: TestServer;
    let k: Kubectl;
    const ns = minor ? `old-${minor}` : 'cur';
    before(async () => {
      s = await startTestServer();
      k = new Kubectl(s.kubeconfig, kubectlBinary(minor));
      await k.ok(['create', '-f', file(`${ns}-namespace.json`, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }))]);
    });
    after(async () => {
      await s.stop();
    });

    test('create -f a multi-document file prints each object', async () => {
      const f = file(`${ns}/rc-svc.yaml`, `${rcYaml('hello-a', 4, 'hello-a')}---\n${svcYaml('svc-a', 'hello-a', 30088)}`);
      const out = await k.ok(['-n', ns, 'create', '-f', f]);
      assert.match(out, /replicationcontroller\/hello-a created/);
      assert.match(out, /service\/svc-a created/);
    });

    test('create -f a directory with YAML and JSON', async () => {
      const dir = path.join(tmp, ns, 'dir');
      file(`${ns}/dir/one.yaml`, rcYaml('dir-one', 1, 'dir-one'));
      file(`${ns}/dir/two.json`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dir-two' }, data: { k: 'v' } }));
      const out = await k.ok(['-n', ns, 'create', '-f', dir]);
      assert.match(out, /replicationcontroller\/dir-one created/);
      assert.match(out, /configmap\/dir-two created/);
    });

    test('get rc -o wide -l shows the real columns', async () => {
      const out = await k.ok(['-n', ns, 'get', 'rc', '-o', 'wide', '-l', 'app=hello-a']);
      const [header, row, extra] = out.trim().split('\n');
      assert.deepEqual(header!.split(/\s+/), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
      const cells = row!.split(/\s+/);
      assert.equal(cells[0], 'hello-a');
      assert.equal(cells[1], '4');
      assert.deepEqual(cells.slice(5), ['hello-a-c', 'nginx', 'app=hello-a']);
      assert.equal(extra, undefined);
    });

    test('output formats: yaml, json, name, jsonpath, custom-columns, --show-labels, -A', async () => {
      const y = await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'yaml']);
      assert.match(y, /^apiVersion: v1\nkind: ReplicationController\n/);
      const j = JSON.parse(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'json'])) as { spec: { replicas: number } };
      assert.equal(j.spec.replicas, 4);
      assert.equal((await k.ok(['-n', ns, 'get', 'rc', '-o', 'name'])).trim().split('\n').sort().join(','), 'replicationcontroller/dir-one,replicationcontroller/hello-a');
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx');
      const cc = await k.ok(['-n', ns, 'get', 'rc', '-o', 'custom-columns=N:.metadata.name,R:.spec.replicas']);
      assert.match(cc, /hello-a\s+4/);
      const sl = await k.ok(['-n', ns, 'get', 'rc', 'dir-one', '--show-labels']);
      assert.match(sl.split('\n')[0]!, /LABELS$/);
      assert.match(sl, /app=dir-one/);
      const all = await k.ok(['get', 'rc', '-A']);
      assert.match(all.split('\n')[0]!, /^NAMESPACE\s+NAME/);
      assert.match(all, new RegExp(`${ns}\\s+hello-a`));
      const svc = await k.ok(['-n', ns, 'get', 'svc', 'svc-a']);
      assert.match(svc, /80:30088\/TCP/);
    });

    test('label and annotate, with --overwrite and key-', async () => {
      await k.ok(['-n', ns, 'label', 'rc', 'hello-a', 'tier=front']);
      const clash = await k.run(['-n', ns, 'label', 'rc', 'hello-a', 'tier=back']);
      assert.notEqual(clash.code, 0);
      assert.match(clash.stderr, /already has a value \(front\), and --overwrite is false/);
      await k.ok(['-n', ns, 'label', '--overwrite', 'rc', 'hello-a', 'tier=back']);
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.metadata.labels.tier}']), 'back');
      await k.ok(['-n', ns, 'label', 'rc', 'hello-a', 'tier-']);
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.metadata.labels.tier}']), '');
      await k.ok(['-n', ns, 'annotate', 'rc', 'hello-a', 'owner=amy']);
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.metadata.annotations.owner}']), 'amy');
    });

    test('scale, with --current-replicas refusing a wrong expectation', async () => {
      await k.ok(['-n', ns, 'scale', '--replicas=2', 'rc', 'hello-a']);
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.spec.replicas}']), '2');
      const refused = await k.run(['-n', ns, 'scale', '--current-replicas=3', '--replicas=4', 'rc', 'hello-a']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Expected replicas to be 3, was 2/);
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.spec.replicas}']), '2');
      await k.ok(['-n', ns, 'scale', '--current-replicas=2', '--replicas=5', 'rc', 'hello-a']);
      await k.ok(['-n', ns, 'scale', '--current-replicas=-1', '--replicas=3', 'rc', 'hello-a']);
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.spec.replicas}']), '3');
    });

    test('describe rc shows its fields', async () => {
      const out = await k.ok(['-n', ns, 'describe', 'rc', 'hello-a']);
      assert.match(out, /Name:\s+hello-a/);
      assert.match(out, new RegExp(`Namespace:\\s+${ns}`));
      assert.match(out, /Selector:\s+app=hello-a/);
      assert.match(out, /Replicas:\s+0 current \/ 3 desired/);
      assert.match(out, /Image:\s+nginx/);
    });

    test('edit applies a saved change; a broken edit is refused and changes nothing', async () => {
      const good = file(`${ns}/editor-good.sh`, `#!/bin/sh\nsed -i 's/image: nginx$/image: httpd/' "$1"\n`);
      chmodSync(good, 0o755);
      await k.ok(['-n', ns, 'edit', 'rc', 'hello-a'], { env: { EDITOR: good, KUBE_EDITOR: good } });
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'httpd');
      // Breaking the selector/template match is invalid; kubectl reopens the editor, which fails.
      const bad = file(`${ns}/editor-bad.sh`, `#!/bin/sh\nif grep -q "^# Please edit" "$1" && grep -q "Invalid value" "$1"; then exit 1; fi\nsed -i 's/replicas: 3/replicas: -4/' "$1"\n`);
      chmodSync(bad, 0o755);
      const r = await k.run(['-n', ns, 'edit', 'rc', 'hello-a'], { env: { EDITOR: bad, KUBE_EDITOR: bad } });
      assert.notEqual(r.code, 0);
      assert.equal(await k.ok(['-n', ns, 'get', 'rc', 'hello-a', '-o', 'jsonpath={.spec.replicas}']), '3');
    });

    test('apply creates, then updates from the changed file', async () => {
      const f = file(`${ns}/applied.yaml`, rcYaml('applied-x', 2, 'applied-x'));
      assert.match(await k.ok(['-n', ns, 'apply', '-f', f]), /replicationcontroller\/applied-x created/);
      writeFileSync(f, rcYaml('applied-x', 6, 'applied-x', 'httpd'));
      assert.match(await k.ok(['-n', ns, 'apply', '-f', f]), /replicationcontroller\/applied-x configured/);
      const j = JSON.parse(await k.ok(['-n', ns, 'get', 'rc', 'applied-x', '-o', 'json'])) as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
      assert.equal(j.spec.replicas, 6);
      assert.equal(j.spec.template.spec.containers[0]!.image, 'httpd');
      assert.match(await k.ok(['-n', ns, 'apply', '-f', f]), /replicationcontroller\/applied-x unchanged/);
    });

    test('unknown fields are refused under default validation', async () => {
      const f = file(`${ns}/typo.yaml`, rcYaml('typo-1', 1, 'typo-1').replace('  replicas: 1', '  replicas: 1\n  replicaz: 2'));
      const r = await k.run(['-n', ns, 'create', '-f', f]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /unknown field "spec.replicaz"/);
      assert.equal((await k.run(['-n', ns, 'get', 'rc', 'typo-1'])).code, 1);
    });

    test('invalid objects get every field error', async () => {
      const f = file(`${ns}/invalid.yaml`, rcYaml('Bad_Name', 1, 'inv').replace('replicas: 1', 'replicas: -1'));
      const r = await k.run(['-n', ns, 'create', '-f', f]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /is invalid/);
      assert.match(r.stderr, /metadata.name: Invalid value: "Bad_Name"/);
      assert.match(r.stderr, /spec.replicas: Invalid value: -1/);
    });

    test('get -w streams a change', async () => {
      const child = spawn(kubectlBinary(minor), [`--kubeconfig=${s.kubeconfig}`, `--cache-dir=${mkdtempSync(path.join(os.tmpdir(), 'kc-'))}`, '-n', ns, 'get', 'cm', '-w'], { env: { ...process.env, HOME: os.tmpdir() } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const seen = (re: RegExp) => new Promise<void>((resolve, reject) => {
        const t = setInterval(() => { if (re.test(out)) { clearInterval(t); clearTimeout(to); resolve(); } }, 50);
        const to = setTimeout(() => { clearInterval(t); reject(new Error(`not seen ${re}: ${out}`)); }, 10000);
      });
      try {
        await seen(/dir-two/);
        // The generator sends the ConfigMap as protobuf (decoded by src/apiserver/protobuf).
        await k.ok(['-n', ns, 'create', 'configmap', 'watched-cm', '--from-literal=a=b']);
        await seen(/watched-cm\s+1\s+/);
      } finally {
        child.kill();
      }
    });

    test('delete removes and waits', async () => {
      assert.match(await k.ok(['-n', ns, 'delete', 'rc', 'dir-one']), /replicationcontroller "dir-one" deleted/);
      const r = await k.run(['-n', ns, 'get', 'rc', 'dir-one']);
      assert.match(r.stderr, /NotFound/);
    });

    test('explain reads the served schemas', async () => {
      const out = await k.ok(['explain', 'pods.spec.containers']);
      assert.match(out, /KIND:\s+Pod/);
      assert.match(out, /FIELD:\s+containers/);
    });
  });
}

describe('the seeds\' daemon set and --runtime-config', () => {
  test('refused by default, served once switched on', async () => {
    const f = fixture('seeds', 'daemonset-free.yaml');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-rc-'));
    const off = await startTestServer({ dataDir: dir, datastore: `sqlite://${dir}/state.db` });
    try {
      const r = await new Kubectl(off.kubeconfig).run(['create', '-f', f]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /the server could not find the requested resource|couldn't find type|no matches for kind "DaemonSet" in version "extensions\/v1beta1"/);
    } finally {
      await off.stop();
    }
    const on = await startTestServer({ dataDir: dir, datastore: `sqlite://${dir}/state.db`, runtimeConfig: 'extensions/v1beta1/daemonsets=true' });
    try {
      const k = new Kubectl(on.kubeconfig);
      assert.match(await k.ok(['create', '-f', f]), /daemonset.* created/);
      const j = JSON.parse(await k.ok(['get', 'ds', 'ram-check', '-o', 'json'])) as { apiVersion: string; spec: { selector: unknown } };
      assert.equal(j.apiVersion, 'apps/v1');
      assert.deepEqual(j.spec.selector, { matchLabels: { app: 'checkRam', version: 'v1' } });
      const res = await on.request('GET', '/apis/extensions/v1beta1');
      const names = res.json.resources.map((x: { name: string }) => x.name);
      assert.ok(names.includes('daemonsets') && names.includes('daemonsets/status'));
    } finally {
      await on.stop();
    }
  });
});
