/**
 * The support policy as kubectl users see it: what no runtime honours is a 422 with the field's
 * path (pods and every template writer), what some nodes' runtime does not honour is a
 * `Warning:` line naming those nodes — none when every node (or the pod's own node) honours it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';

const suffix = (): string => randomBytes(3).toString('hex');
type Obj = Record<string, unknown>;

function pod(name: string, spec: Obj = {}, container: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '1000'], ...container }], ...spec } };
}

function template(kind: string, apiVersion: string, name: string, spec: Obj, extra: Obj = {}): Obj {
  const labels = { app: name };
  return {
    apiVersion, kind, metadata: { name },
    // A Job's selector is generated from its uid.
    spec: { ...(kind === 'ReplicationController' ? { selector: labels } : kind === 'Job' ? {} : { selector: { matchLabels: labels } }), ...extra, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'busybox' }], ...spec } } },
  };
}

describe('support policy with kubectl', () => {
  let s: TestServer;
  let k: Kubectl;
  const processNodes = [`proc-a-${suffix()}`, `proc-b-${suffix()}`];
  const ociNode = `oci-${suffix()}`;

  before(async () => {
    s = await startTestServer();
    k = new Kubectl(s.kubeconfig);
    for (const [name, runtime] of [...processNodes.map((n) => [n, 'process']), [ociNode, 'oci']] as const) {
      const created = await s.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name } } });
      assert.equal(created.status, 201, created.text);
      const node = created.json as Obj;
      node['status'] = { nodeInfo: { containerRuntimeVersion: `${runtime}://0.1.0` } };
      const put = await s.request('PUT', `/api/v1/nodes/${name}/status`, { body: node });
      assert.equal(put.status, 200, put.text);
    }
  });
  after(async () => {
    await s?.stop();
  });

  const create = (obj: Obj) => k.run(['create', '-f', '-'], { input: stringify(obj) });

  const refusals: { name: string; obj: (n: string) => Obj; want: (n: string) => string }[] = [
    { name: 'an nfs volume', obj: (n) => pod(n, { volumes: [{ name: 'v', nfs: { server: 'files', path: '/x' } }] }), want: (n) => `The Pod "${n}" is invalid: spec.volumes[0].nfs: Forbidden: not supported by skiff: NFS volumes` },
    { name: 'a csi volume in a replication controller', obj: (n) => template('ReplicationController', 'v1', n, { volumes: [{ name: 'v', csi: { driver: 'x.example.com' } }] }), want: (n) => `The ReplicationController "${n}" is invalid: spec.template.spec.volumes[0].csi: Forbidden: not supported by skiff: CSI volumes (no CSI drivers)` },
    { name: 'an unsafe sysctl in a daemon set', obj: (n) => template('DaemonSet', 'apps/v1', n, { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] } }), want: (n) => `The DaemonSet "${n}" is invalid: spec.template.spec.securityContext.sysctls[0].name: Forbidden: not supported by skiff: unsafe sysctl "kernel.msgmax"` },
    { name: 'a Windows pod in a job', obj: (n) => template('Job', 'batch/v1', n, { restartPolicy: 'Never', os: { name: 'windows' } }), want: (n) => `The Job "${n}" is invalid: spec.template.spec.os.name: Unsupported value: "windows": supported values: "linux"` },
    { name: 'hostNetwork with another hostPort', obj: (n) => pod(n, { hostNetwork: true }, { ports: [{ containerPort: 80, hostPort: 8080 }] }), want: (n) => `The Pod "${n}" is invalid: spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match \`containerPort\` when \`hostNetwork\` is true` },
  ];
  for (const c of refusals) {
    test(`422: ${c.name}`, async () => {
      const name = `r-${suffix()}`;
      const r = await create(c.obj(name));
      assert.equal(r.code, 1, r.stdout);
      assert.ok(r.stderr.includes(c.want(name)), r.stderr);
    });
  }

  test('seccomp: a Warning naming the process nodes, and the pod is created', async () => {
    const name = `w-${suffix()}`;
    const r = await create(pod(name, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`pod/${name} created`));
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('Warning: '));
    assert.deepEqual(warnings, [`Warning: spec.securityContext.seccompProfile: seccomp profiles not honoured by the process runtime: no seccomp filter is applied (use the oci runtime) (nodes: ${[...processNodes].sort().join(', ')})`]);
  });

  test('limits in a deployment: a Warning with the template path', async () => {
    const name = `d-${suffix()}`;
    const r = await create(template('Deployment', 'apps/v1', name, { containers: [{ name: 'main', image: 'busybox', resources: { limits: { memory: '64Mi' } } }] }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Warning: spec\.template\.spec\.containers\[0\]\.resources\.limits: resource limits only partly honoured by the process runtime: no cgroups/m);
  });

  test('no Warning when the pod is bound to a node whose runtime honours it, or uses nothing degraded', async () => {
    const bound = await create(pod(`b-${suffix()}`, { nodeName: ociNode, hostAliases: [{ ip: '10.0.0.1', hostnames: ['db'] }], securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }));
    assert.equal(bound.code, 0, bound.stderr);
    assert.equal(bound.stderr, '');
    const plain = await create(pod(`p-${suffix()}`));
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr, '');
    const onProcess = await create(pod(`q-${suffix()}`, { nodeName: processNodes[0], hostname: 'web' }));
    assert.match(onProcess.stderr, new RegExp(`^Warning: spec\\.hostname: the pod hostname only partly honoured by the process runtime: as root, each container has its own UTS namespace with the pod's host name; without root, containers see the host's \\(\\$HOSTNAME is the pod's\\) \\(nodes: ${processNodes[0]}\\)$`, 'm'));
  });

  test('an update keeps warning (kubectl replace)', async () => {
    const name = `u-${suffix()}`;
    const obj = pod(name, { securityContext: { fsGroup: 1000, sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] } });
    const first = await create(obj);
    assert.match(first.stderr, /^Warning: spec\.securityContext\.sysctls: namespaced sysctls not honoured by the process runtime/m);
    const again = await k.run(['replace', '-f', '-'], { input: stringify(obj) });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^Warning: spec\.securityContext\.sysctls: /m);
  });
});
