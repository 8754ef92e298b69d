/**
 * Kubernetes protobuf request bodies: the decoder on bodies built here with protobufjs' Writer (so
 * each wire-level case is explicit), the HTTP answers to bad bodies, and the real kubectl's
 * generator commands (which send protobuf) against a real server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import protobuf from 'protobufjs/minimal.js';
import { decodeProtobuf, ProtobufError, UnsupportedProtobufKindError } from '../../src/apiserver/protobuf/index.js';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';

type W = protobuf.Writer;
const str = (w: W, n: number, s: string): W => w.uint32((n << 3) | 2).string(s);
const num = (w: W, n: number, v: number): W => w.uint32(n << 3).int64(v);
const bytes = (w: W, n: number, b: Uint8Array): W => w.uint32((n << 3) | 2).bytes(b);
function sub(w: W, n: number, build: (w: W) => void): W {
  w.uint32((n << 3) | 2).fork();
  build(w);
  return w.ldelim();
}
/** A map<string, string|bytes> entry. */
const entry = (w: W, n: number, k: string, v: string | Uint8Array): W =>
  sub(w, n, (e) => (typeof v === 'string' ? str(str(e, 1, k), 2, v) : bytes(str(e, 1, k), 2, v)));
function message(build: (w: W) => void): Uint8Array {
  const w = protobuf.Writer.create();
  build(w);
  return w.finish();
}
/** `k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding, contentType} as kubectl writes it. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = message((w) => {
    sub(w, 1, (t) => str(str(t, 1, apiVersion), 2, kind));
    bytes(w, 2, raw);
    str(str(w, 3, ''), 4, '');
  });
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}
/** ObjectMeta the way gogo writes it: every non-pointer scalar present, zero or not. */
function meta(w: W, name: string, extra: (m: W) => void = () => {}): W {
  return sub(w, 1, (m) => {
    str(m, 1, name);
    for (const n of [2, 3, 4, 5, 6]) str(m, n, '');
    num(m, 7, 0);
    sub(m, 8, () => {});
    extra(m);
  });
}

describe('protobuf decoder', () => {
  test('scalars: zero values of plain fields are dropped, pointer fields keep them', () => {
    const obj = decodeProtobuf(envelope('v1', 'ConfigMap', message((w) => {
      meta(w, 'cm');
      num(w, 4, 0); // immutable=false is a *bool: kept
    })));
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, immutable: false });
  });

  test('maps: labels and data, an empty value kept', () => {
    const obj = decodeProtobuf(envelope('v1', 'ConfigMap', message((w) => {
      meta(w, 'cm', (m) => entry(entry(m, 11, 'app', 'web'), 11, 'tier', ''));
      entry(entry(w, 2, 'a', 'b'), 2, 'empty', '');
    })));
    assert.deepEqual(obj['metadata'], { name: 'cm', labels: { app: 'web', tier: '' } });
    assert.deepEqual(obj['data'], { a: 'b', empty: '' });
  });

  test('bytes: Secret.data becomes base64 as in JSON', () => {
    const obj = decodeProtobuf(envelope('v1', 'Secret', message((w) => {
      meta(w, 's');
      entry(w, 2, 'bin', Uint8Array.of(0, 255, 1));
      str(w, 3, 'Opaque');
    })));
    assert.deepEqual(obj['data'], { bin: 'AP8B' });
    assert.equal(obj['type'], 'Opaque');
  });

  test('Time and MicroTime: RFC 3339; the empty (zero) time is left out', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;
    const ns = decodeProtobuf(envelope('v1', 'Namespace', message((w) => {
      meta(w, 'n', (m) => sub(m, 9, (d) => num(d, 1, t)));
    })));
    assert.deepEqual(ns['metadata'], { name: 'n', deletionTimestamp: '2026-01-02T03:04:05Z' });
    const lease = decodeProtobuf(envelope('coordination.k8s.io/v1', 'Lease', message((w) => {
      meta(w, 'l');
      sub(w, 2, (s) => {
        str(s, 1, 'me');
        sub(s, 4, (d) => num(num(d, 1, t), 2, 123_456_789));
      });
    })));
    assert.deepEqual(lease['spec'], { holderIdentity: 'me', renewTime: '2026-01-02T03:04:05.123456Z' });
  });

  test('nested and repeated: a Deployment with replicas 0, containers, command, IntOrString and Quantity', () => {
    const obj = decodeProtobuf(envelope('apps/v1', 'Deployment', message((w) => {
      meta(w, 'd');
      sub(w, 2, (spec) => {
        num(spec, 1, 0); // *int32 replicas: 0 on purpose
        sub(spec, 2, (sel) => entry(sel, 1, 'app', 'd'));
        sub(spec, 3, (tpl) => {
          meta(tpl, '', (m) => entry(m, 11, 'app', 'd'));
          sub(tpl, 2, (pod) => {
            sub(pod, 2, (c) => {
              str(str(str(str(c, 1, 'web'), 2, 'nginx'), 3, 'sh'), 3, '-c');
              sub(c, 6, (p) => num(num(p, 2, 0), 3, 80));
              sub(c, 8, (r) => sub(r, 1, (e) => str(e, 1, 'cpu').uint32((2 << 3) | 2).fork().uint32(10).string('100m').ldelim()));
            });
            str(pod, 3, '');
          });
        });
        sub(spec, 4, (st) => {
          str(st, 1, 'RollingUpdate');
          sub(st, 2, (ru) => {
            sub(ru, 1, (u) => num(u, 1, 0)); // *IntOrString maxUnavailable: int 0, kept
            sub(ru, 2, (u) => str(num(u, 1, 1), 3, '50%'));
          });
        });
      });
      sub(w, 3, () => {});
    })));
    assert.deepEqual(obj['spec'], {
      replicas: 0,
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: { containers: [{ name: 'web', image: 'nginx', command: ['sh', '-c'], ports: [{ containerPort: 80 }], resources: { limits: { cpu: '100m' } } }] },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '50%' } },
    });
    assert.deepEqual(obj['status'], {});
  });

  test('IntOrString on a plain field: a string port, and an unset (zero) one dropped', () => {
    const obj = decodeProtobuf(envelope('v1', 'Service', message((w) => {
      meta(w, 'svc');
      sub(w, 2, (spec) => {
        sub(spec, 1, (p) => sub(num(str(str(p, 1, 'web'), 2, 'TCP'), 3, 80), 4, (t) => str(num(num(t, 1, 1), 2, 0), 3, 'http')));
        sub(spec, 1, (p) => sub(num(p, 3, 81), 4, (t) => str(num(num(t, 1, 0), 2, 0), 3, '')));
      });
    })));
    assert.deepEqual(obj['spec'], { ports: [{ name: 'web', protocol: 'TCP', port: 80, targetPort: 'http' }, { port: 81 }] });
  });

  test('inline structs and packed repeated ints', () => {
    const obj = decodeProtobuf(envelope('v1', 'Pod', message((w) => {
      meta(w, 'p');
      sub(w, 2, (spec) => {
        sub(spec, 1, (v) => sub(str(v, 1, 'cfg'), 2, (src) => sub(src, 19, (cm) => sub(cm, 1, (ref) => str(ref, 1, 'my-cm')))));
        sub(spec, 2, (c) => {
          str(c, 1, 'c');
          sub(c, 25, (rule) => sub(str(rule, 1, 'Restart'), 2, (codes) => {
            str(codes, 1, 'In');
            codes.uint32((2 << 3) | 2).fork().int32(1).int32(42).ldelim();
          }));
        });
      });
    })));
    const spec = obj['spec'] as Record<string, unknown[]>;
    assert.deepEqual(spec['volumes'], [{ name: 'cfg', configMap: { name: 'my-cm' } }]);
    assert.deepEqual(spec['containers'], [{ name: 'c', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [1, 42] } }] }]);
  });

  test('DeleteOptions is accepted whatever version it travels with', () => {
    const obj = decodeProtobuf(envelope('apps/v1', 'DeleteOptions', message((w) => str(num(w, 1, 0), 4, 'Background'))));
    assert.deepEqual(obj, { apiVersion: 'apps/v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Background' });
  });

  test('an unknown field is an error naming the field number and message', () => {
    const body = envelope('v1', 'ConfigMap', message((w) => meta(w, 'cm', (m) => str(m, 99, 'x'))));
    assert.throws(() => decodeProtobuf(body), (e: Error) => e instanceof ProtobufError && /ConfigMap\.metadata: unknown field number 99 .*ObjectMeta/.test(e.message));
  });

  test('an unknown kind is named', () => {
    const body = envelope('apps/v1', 'StatefulSet', message((w) => meta(w, 'x')));
    assert.throws(() => decodeProtobuf(body), (e: Error) => e instanceof UnsupportedProtobufKindError && /StatefulSet \(apps\/v1\)/.test(e.message));
  });

  test('malformed input: no prefix, truncation, wrong wire type, lengths past the end', () => {
    const good = envelope('v1', 'ConfigMap', message((w) => meta(w, 'cm')));
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['no magic', Buffer.from('{"kind":"ConfigMap"}'), /k8s/],
      ['truncated envelope', good.subarray(0, good.length - 3), /truncated|past the end/],
      ['truncated object', envelope('v1', 'ConfigMap', message((w) => meta(w, 'cm')).subarray(0, 5)), /ConfigMap/],
      ['wire type', envelope('v1', 'ConfigMap', message((w) => w.uint32((1 << 3) | 0).uint32(5))), /ConfigMap\.metadata: wire type 0, expected 2/],
      ['no kind', envelope('v1', '', new Uint8Array()), /names no kind/],
    ];
    for (const [name, body, re] of cases) {
      assert.throws(() => decodeProtobuf(body), (e: Error) => e instanceof ProtobufError && re.test(e.message), name);
    }
  });
});

function postRaw(s: TestServer, p: string, body: Buffer): Promise<{ status: number; json: { message?: string; metadata?: { name?: string } } }> {
  return new Promise((resolve, reject) => {
    const headers = { Authorization: `Bearer ${s.server.adminToken}`, 'Content-Type': 'application/vnd.kubernetes.protobuf', 'Content-Length': String(body.length) };
    const req = https.request(new URL(p, s.url), { method: 'POST', headers, ca: s.server.caCert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('protobuf bodies over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.stop();
  });

  test('created from protobuf; malformed is 400, an unknown kind 415', async () => {
    const created = await postRaw(s, '/api/v1/namespaces/default/configmaps', envelope('v1', 'ConfigMap', message((w) => entry(meta(w, 'raw-cm'), 2, 'k', 'v'))));
    assert.equal(created.status, 201);
    assert.equal(created.json.metadata?.name, 'raw-cm');
    const bad = await postRaw(s, '/api/v1/namespaces/default/configmaps', Buffer.from('k8s\0\x0a\x7f', 'latin1'));
    assert.equal(bad.status, 400);
    assert.match(bad.json.message ?? '', /error decoding protobuf request body/);
    const kind = await postRaw(s, '/apis/apps/v1/namespaces/default/deployments', envelope('apps/v1', 'StatefulSet', message((w) => meta(w, 'x'))));
    assert.equal(kind.status, 415);
    assert.match(kind.json.message ?? '', /StatefulSet/);
  });
});

for (const minor of [undefined, 27, 33] as const) {
  describe(`kubectl ${minor ? `1.${minor}` : '(PATH)'} generator commands send protobuf`, () => {
    let s: TestServer;
    let k: Kubectl;
    const ns = `pb-${minor ?? 'cur'}`;
    const get = async (p: string): Promise<any> => {
      const r = await s.request('GET', p);
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    before(async () => {
      s = await startTestServer();
      k = new Kubectl(s.kubeconfig, kubectlBinary(minor));
    });
    after(async () => {
      await s.stop();
    });

    test('create namespace, configmap, secret, serviceaccount, service, deployment, job', async () => {
      await k.ok(['create', 'namespace', ns]);
      assert.equal((await get(`/api/v1/namespaces/${ns}`)).status.phase, 'Active');

      await k.ok(['-n', ns, 'create', 'configmap', `cfg-${ns}`, '--from-literal=colour=blue', '--from-literal=size=']);
      assert.deepEqual((await get(`/api/v1/namespaces/${ns}/configmaps/cfg-${ns}`)).data, { colour: 'blue', size: '' });

      await k.ok(['-n', ns, 'create', 'secret', 'generic', `creds-${ns}`, '--from-literal=password=s3cr3t']);
      const secret = await get(`/api/v1/namespaces/${ns}/secrets/creds-${ns}`);
      assert.deepEqual(secret.data, { password: Buffer.from('s3cr3t').toString('base64') });
      assert.equal(secret.type, 'Opaque');

      await k.ok(['-n', ns, 'create', 'serviceaccount', `robot-${ns}`]);
      assert.equal((await get(`/api/v1/namespaces/${ns}/serviceaccounts/robot-${ns}`)).metadata.name, `robot-${ns}`);

      await k.ok(['-n', ns, 'create', 'service', 'clusterip', `front-${ns}`, '--tcp=80:8080']);
      const svc = await get(`/api/v1/namespaces/${ns}/services/front-${ns}`);
      assert.equal(svc.spec.type, 'ClusterIP');
      assert.deepEqual(svc.spec.selector, { app: `front-${ns}` });
      assert.deepEqual(svc.spec.ports, [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);

      await k.ok(['-n', ns, 'create', 'deployment', `web-${ns}`, '--image=nginx:1.25', '--replicas=2']);
      const deploy = await get(`/apis/apps/v1/namespaces/${ns}/deployments/web-${ns}`);
      assert.equal(deploy.spec.replicas, 2);
      assert.deepEqual(deploy.spec.selector, { matchLabels: { app: `web-${ns}` } });
      assert.deepEqual(deploy.spec.template.metadata.labels, { app: `web-${ns}` });
      assert.equal(deploy.spec.template.spec.containers[0].image, 'nginx:1.25');

      await k.ok(['-n', ns, 'create', 'job', `once-${ns}`, '--image=busybox', '--', 'echo', 'hi']);
      const job = await get(`/apis/batch/v1/namespaces/${ns}/jobs/once-${ns}`);
      const c = job.spec.template.spec.containers[0];
      assert.equal(c.image, 'busybox');
      assert.deepEqual(c.command, ['echo', 'hi']);
      assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    });
  });
}
