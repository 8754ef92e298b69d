/** Strict field validation: unknown fields by path, duplicate keys in raw JSON, and the seeds'
 * manifests accepted as printed. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { findDuplicateFields, unknownFields } from '../../src/api/schema/index.js';
import { parseApiVersion, type KubeObject } from '../../src/api/types.js';
import { fixture } from '../helpers/paths.js';

function unknownIn(o: Record<string, unknown>): string[] {
  const { group, version } = parseApiVersion(String(o['apiVersion']));
  return unknownFields(group, version, String(o['kind']), o as KubeObject);
}

const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }) => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });

void describe('unknownFields', () => {
  const cases: { name: string; obj: Record<string, unknown>; want: string[] }[] = [
    { name: 'a clean pod', obj: pod({ containers: [{ name: 'web', image: 'nginx:1.25' }] }), want: [] },
    { name: 'top level', obj: { ...pod({ containers: [] }), spce: {} }, want: ['spce'] },
    { name: 'in metadata', obj: pod({ containers: [] }, { name: 'q', lables: { a: 'b' } }), want: ['metadata.lables'] },
    { name: 'case matters', obj: pod({ Containers: [], restartPolicy: 'Never' }), want: ['spec.Containers'] },
    {
      name: 'inside list items, by index',
      obj: pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y', imagee: 'z', ports: [{ containerPort: 8080, hostport: 1 }] }] }),
      want: ['spec.containers[1].imagee', 'spec.containers[1].ports[0].hostport'],
    },
    {
      name: 'free keys in maps are fine; nested objects under maps are not free',
      obj: pod({ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '500m', 'example.com/gpu': 1 } } }], nodeSelector: { disk: 'ssd', 'kubernetes.io/os': 'linux' } },
        { name: 'm', labels: { 'app.kubernetes.io/name': 'x' }, annotations: { note: 'free text' } }),
      want: [],
    },
    {
      name: 'int-or-string leaves accept both and are not descended',
      obj: {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 's' },
        spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081, targetport: 1 }] },
      },
      want: ['spec.ports[1].targetport'],
    },
    {
      name: 'deep in affinity and probes',
      obj: pod({
        containers: [{ name: 'c', image: 'i', livenessProbe: { httpGet: { path: '/', port: 'http', headers: [] }, periodSeconds: 5 } }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'], weight: 1 }] }] } } },
      }),
      want: ['spec.containers[0].livenessProbe.httpGet.headers', 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].weight'],
    },
    {
      name: 'a wrong type is not an unknown field',
      obj: pod({ containers: 'not-a-list', hostNetwork: 'yes' }),
      want: [],
    },
    {
      name: 'a null value still names an unknown field',
      obj: pod({ containers: [], nodename: null }),
      want: ['spec.nodename'],
    },
    {
      name: 'legacy daemon set selector: a plain label map or a LabelSelector',
      obj: {
        apiVersion: 'extensions/v1beta1', kind: 'DaemonSet', metadata: { name: 'd' },
        spec: { selector: { tier: 'agent', matchLabels: { app: 'x' } }, template: { spec: { containers: [] } }, templateGeneration: 2 },
      },
      want: [],
    },
    {
      name: 'apps/v1 daemon set selector is a strict LabelSelector',
      obj: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { selector: { tier: 'agent' }, template: {} } },
      want: ['spec.selector.tier'],
    },
    {
      name: 'extensions job knows autoSelector, batch job does not',
      obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { autoSelector: true, template: { spec: { containers: [] } } } },
      want: ['spec.autoSelector'],
    },
    { name: 'scale subresource body', obj: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'r' }, spec: { replicas: 3, replica: 1 } }, want: ['spec.replica'] },
    { name: 'lease', obj: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' }, spec: { holderIdentity: 'n1', renewTime: '2024-01-01T00:00:00.000000Z', holder: 'x' } }, want: ['spec.holder'] },
    { name: 'a kind without a schema reports nothing', obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: {}, anything: 1 }, want: [] },
  ];
  for (const c of cases) {
    void test(c.name, () => assert.deepEqual(unknownIn(c.obj), c.want));
  }

  void test('stops at 100 paths, as Kubernetes does', () => {
    const metadata: Record<string, unknown> = { name: 'many' };
    for (let i = 0; i < 150; i++) metadata[`extra${i}`] = i;
    assert.equal(unknownIn(pod({ containers: [] }, metadata)).length, 100);
  });
});

void describe('findDuplicateFields', () => {
  const cases: { name: string; json: string; want: string[] }[] = [
    { name: 'none', json: '{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}', want: [] },
    { name: 'top level', json: '{"kind":"Pod","kind":"Pod"}', want: ['kind'] },
    { name: 'nested, with whitespace', json: '{ "metadata" : { "name" : "x" ,\n "name":"y" } }', want: ['metadata.name'] },
    { name: 'in a map', json: '{"metadata":{"labels":{"app":"a","tier":"b","app":"c"}}}', want: ['metadata.labels.app'] },
    { name: 'in list items', json: '{"spec":{"containers":[{"name":"a"},{"name":"b","image":"i","image":"j"}]}}', want: ['spec.containers[1].image'] },
    { name: 'reported once however often repeated', json: '{"a":1,"a":2,"a":3}', want: ['a'] },
    { name: 'escaped keys compare by value', json: '{"\\u0061b":1,"ab":2,"s":"\\"{\\"a\\":1,\\"a\\":2}"}', want: ['ab'] },
    { name: 'strings and literals are not keys', json: '{"x":["a","a"],"y":true,"z":null,"w":-1.5e3}', want: [] },
    { name: 'invalid JSON gives none', json: '{"a":1,"a":', want: [] },
  ];
  for (const c of cases) {
    void test(c.name, () => assert.deepEqual(findDuplicateFields(c.json), c.want));
  }
});

void describe('the seeds\' manifests have no unknown fields under the versions they name', () => {
  // The seeds' manifests as printed, byte for byte (test/fixtures/seeds/README.md).
  const dir = fixture('seeds');
  const files: [string, string][] = readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort().map((f) => [`fixtures/seeds/${f}`, readFileSync(`${dir}/${f}`, 'utf8')]);
  void test('every seed manifest is here', () => assert.ok(files.length >= 11, `${files.length} seed manifests`));
  for (const [name, text] of files) {
    void test(name, () => {
      const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown).filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null);
      assert.ok(docs.length > 0);
      for (const d of docs) assert.deepEqual(unknownIn(d), [], `${String(d['kind'])} ${name}`);
    });
  }
});
