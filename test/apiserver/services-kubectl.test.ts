/**
 * The seed's service as a user meets it with the real kubectl: `create -f` gets its node port,
 * `get svc -o wide` prints `80:30088/TCP`, a second claim on the port is refused with kubectl's
 * wording, `expose --type=NodePort` gets a port in range.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';
import { fixture } from '../helpers/paths.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-svc-kubectl-'));

describe('services with kubectl', () => {
  let s: TestServer;
  let k: Kubectl;
  before(async () => {
    s = await startTestServer();
    k = new Kubectl(s.kubeconfig);
  });
  after(() => s.stop());

  test('the seed file gets 80:30088/TCP and a cluster IP in range', async () => {
    const out = await k.ok(['create', '-f', fixture('seeds', 'nginx-rc-svc.yaml')]);
    assert.match(out, /service\/nginx-service created/);
    const wide = await k.ok(['get', 'svc', '-o', 'wide']);
    const line = wide.split('\n').find((l) => l.startsWith('nginx-service'));
    assert.ok(line, wide);
    assert.match(line, /^nginx-service\s+NodePort\s+127\.10\.\d+\.\d+\s+<none>\s+80:30088\/TCP\s+\S+\s+hello=world$/);
  });

  test('a second service asking for the same node port is refused with the reason', async () => {
    const file = path.join(tmp, 'dup.yaml');
    writeFileSync(file, `apiVersion: v1
kind: Service
metadata:
  name: nginx-service-dup
spec:
  type: NodePort
  ports:
  - port: 8080
    nodePort: 30088
  selector:
    hello: again
`);
    const r = await k.run(['create', '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Service "nginx-service-dup" is invalid: spec\.ports\[0\]\.nodePort: Invalid value: 30088: provided port is already allocated/);
    assert.equal((await k.run(['get', 'svc', 'nginx-service-dup'])).code, 1);
  });

  for (const [name, port, type] of [['web-np', 80, 'NodePort'], ['web-lb', 8080, 'LoadBalancer'], ['web-cip', 9090, undefined]] as const) {
    test(`expose rc --port=${port}${type ? ` --type=${type}` : ''}`, async () => {
      await k.ok(['expose', 'rc', 'hello-nginx', `--port=${port}`, `--name=${name}`, ...(type ? [`--type=${type}`] : [])]);
      const svc = JSON.parse(await k.ok(['get', 'svc', name, '-o', 'json'])) as { spec: { type: string; clusterIP: string; selector: Record<string, string>; ports: { port: number; nodePort?: number }[] } };
      assert.equal(svc.spec.type, type ?? 'ClusterIP');
      assert.deepEqual(svc.spec.selector, { hello: 'world' });
      assert.match(svc.spec.clusterIP, /^127\.10\./);
      const np = svc.spec.ports[0]!.nodePort;
      if (type) assert.ok(np !== undefined && np >= 30000 && np <= 32767 && np !== 30088, String(np));
      else assert.equal(np, undefined);
    });
  }

  test('a headless service shows None', async () => {
    await k.ok(['create', 'service', 'clusterip', 'quiet', '--clusterip=None', '--tcp=5432:5432']);
    const out = await k.ok(['get', 'svc', 'quiet']);
    assert.match(out, /quiet\s+ClusterIP\s+None\s+<none>\s+5432\/TCP/);
  });
});
