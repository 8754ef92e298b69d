/** The OpenAPI v3 documents kubectl reads: a GVK'd PATCH listing fieldValidation for every served
 * kind (or kubectl falls back to /openapi/v2 and fails), schemas for explain, refs that resolve. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { servedVersions, groupVersions } from '../../src/api/resources.js';
import {
  definitions, kindCatalog, openApiV3Document, openApiV3Index, patchMergeKey, schemaAt, schemaFor, type OpenApiResource,
} from '../../src/api/schema/index.js';

type Doc = any;

function resourcesOf(group: string, version: string): OpenApiResource[] {
  return servedVersions.filter((s) => s.group === group && s.version === version).map((s) => ({
    plural: s.resource.plural,
    kind: s.resource.kind,
    namespaced: s.resource.namespaced,
    subresources: Object.entries(s.resource.subresources).filter(([, v]) => Boolean(v)).map(([k]) => k),
    verbs: s.resource.verbs,
  }));
}

const gvs = [...groupVersions()].flatMap(([group, versions]) => versions.map((version) => ({ group, version })));
const docs = new Map(gvs.map((gv) => [`${gv.group}/${gv.version}`, openApiV3Document(gv.group, gv.version, resourcesOf(gv.group, gv.version)) as Doc]));
const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Reviews (SelfSubjectAccessReview, …) are only created: one POST, no list kind, no PATCH. */
const createOnly = (s: (typeof servedVersions)[number]): boolean => !s.resource.verbs.includes('patch');

void describe('openApiV3Document', () => {
  for (const s of servedVersions.filter((v) => !createOnly(v))) {
    const gv = s.group === '' ? s.version : `${s.group}/${s.version}`;
    void test(`${gv} ${s.resource.kind}: every PATCH with its GVK lists fieldValidation, dryRun and fieldManager`, () => {
      const doc = docs.get(`${s.group}/${s.version}`);
      const patches = Object.values(doc.paths as Record<string, Doc>)
        .map((p) => p.patch)
        .filter((op) => op && op['x-kubernetes-group-version-kind']?.kind === s.resource.kind && op['x-kubernetes-group-version-kind']?.group === s.group);
      assert.ok(patches.length > 0, 'no PATCH operation for the kind');
      for (const op of patches) {
        assert.deepEqual(op['x-kubernetes-group-version-kind'], { group: s.group, kind: s.resource.kind, version: s.version });
        const names = (op.parameters as Doc[]).filter((q) => q.in === 'query').map((q) => q.name);
        for (const want of ['fieldValidation', 'dryRun', 'fieldManager']) assert.ok(names.includes(want), `${want} missing`);
      }
    });
  }

  void test('paths: collection and item, namespaced under {namespace}, cluster-scoped without; subresources', () => {
    const v1 = docs.get('/v1');
    const paths = Object.keys(v1.paths);
    for (const p of [
      '/api/v1/namespaces/{namespace}/pods', '/api/v1/namespaces/{namespace}/pods/{name}', '/api/v1/pods',
      '/api/v1/namespaces/{namespace}/pods/{name}/status', '/api/v1/namespaces/{namespace}/pods/{name}/binding', '/api/v1/namespaces/{namespace}/pods/{name}/log',
      '/api/v1/namespaces/{namespace}/replicationcontrollers/{name}/scale', '/api/v1/nodes', '/api/v1/nodes/{name}', '/api/v1/namespaces', '/api/v1/namespaces/{name}',
    ]) assert.ok(paths.includes(p), p);
    assert.ok(!paths.includes('/api/v1/namespaces/{namespace}/nodes'));
    const item = v1.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    for (const m of ['get', 'put', 'patch', 'delete']) assert.ok(item[m], m);
    assert.equal(item.patch['x-kubernetes-action'], 'patch');
    assert.ok(Object.keys(item.patch.requestBody.content).includes('application/strategic-merge-patch+json'));
    const coll = v1.paths['/api/v1/namespaces/{namespace}/pods'];
    assert.ok(coll.get && coll.post && coll.delete);
    assert.deepEqual(v1.paths['/api/v1/namespaces/{namespace}/replicationcontrollers/{name}/scale'].patch['x-kubernetes-group-version-kind'],
      { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  });

  void test('operation ids are unique within a document', () => {
    for (const [gv, doc] of docs) {
      const ids = Object.values(doc.paths as Record<string, Doc>).flatMap((p) => methods.map((m) => p[m]?.operationId).filter(Boolean));
      assert.equal(new Set(ids).size, ids.length, gv);
    }
  });

  void test('every $ref resolves within components.schemas', () => {
    for (const [gv, doc] of docs) {
      const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
      for (const r of refs) {
        const name = r.slice('"$ref":"#/components/schemas/'.length, -1);
        assert.ok(doc.components.schemas[name], `${gv}: ${name}`);
      }
    }
  });

  void test('kinds carry x-kubernetes-group-version-kind under Kubernetes\' names', () => {
    const cases: [string, string, string, string][] = [
      ['/v1', 'io.k8s.api.core.v1.Pod', '', 'Pod'],
      ['/v1', 'io.k8s.api.core.v1.ServiceList', '', 'ServiceList'],
      ['apps/v1', 'io.k8s.api.apps.v1.DaemonSet', 'apps', 'DaemonSet'],
      ['extensions/v1beta1', 'io.k8s.api.extensions.v1beta1.DaemonSet', 'extensions', 'DaemonSet'],
      ['extensions/v1beta1', 'io.k8s.api.extensions.v1beta1.Job', 'extensions', 'Job'],
      ['batch/v1', 'io.k8s.api.batch.v1.Job', 'batch', 'Job'],
      ['coordination.k8s.io/v1', 'io.k8s.api.coordination.v1.Lease', 'coordination.k8s.io', 'Lease'],
      ['apps/v1', 'io.k8s.api.autoscaling.v1.Scale', 'autoscaling', 'Scale'],
    ];
    for (const [gv, name, group, kind] of cases) {
      const s = docs.get(gv)?.components.schemas[name];
      assert.ok(s, name);
      assert.ok((s['x-kubernetes-group-version-kind'] as Doc[]).some((g) => g.group === group && g.kind === kind), name);
    }
    const meta = docs.get('/v1').components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'];
    assert.equal(meta['x-kubernetes-group-version-kind'], undefined);
  });

  void test('explain can walk pods.spec.containers: field descriptions, lists with merge keys', () => {
    const s = docs.get('/v1').components.schemas;
    const containers = s['io.k8s.api.core.v1.PodSpec'].properties.containers;
    assert.equal(containers.type, 'array');
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers.items.$ref, '#/components/schemas/io.k8s.api.core.v1.Container');
    assert.ok(containers.description);
    const image = s['io.k8s.api.core.v1.Container'].properties.image;
    assert.equal(image.type, 'string');
    const target = s['io.k8s.api.core.v1.ServicePort'].properties.targetPort;
    assert.equal(target.allOf[0].$ref, '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    assert.equal(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['x-kubernetes-int-or-string'], true);
    assert.deepEqual(s['io.k8s.api.core.v1.ObjectMeta'] ?? null, null);
    assert.deepEqual(s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.labels.additionalProperties, { type: 'string' });
  });

  void test('a group/version only holds the schemas its resources reach', () => {
    const lease = docs.get('coordination.k8s.io/v1').components.schemas;
    assert.ok(lease['io.k8s.api.coordination.v1.Lease']);
    assert.equal(lease['io.k8s.api.core.v1.PodSpec'], undefined);
  });
});

void describe('catalog', () => {
  void test('every served kind and its list has a schema (create-only reviews have no list)', () => {
    for (const s of servedVersions) {
      assert.ok(schemaFor(s.group, s.version, s.resource.kind), `${s.group}/${s.version} ${s.resource.kind}`);
      if (createOnly(s)) continue;
      assert.ok(schemaFor(s.group, s.version, `${s.resource.kind}List`), `${s.group}/${s.version} ${s.resource.kind}List`);
    }
    for (const e of kindCatalog) assert.ok(definitions[e.definition], e.definition);
  });

  void test('schemaAt and patchMergeKey follow fields through lists', () => {
    const cases: [string, string, string, string[], string | undefined][] = [
      ['', 'v1', 'Pod', ['spec', 'containers'], 'name'],
      ['', 'v1', 'Pod', ['spec', 'containers', 'ports'], 'containerPort'],
      ['', 'v1', 'Pod', ['spec', 'containers', 'volumeMounts'], 'mountPath'],
      ['', 'v1', 'Pod', ['spec', 'volumes'], 'name'],
      ['apps', 'v1', 'Deployment', ['spec', 'template', 'spec', 'containers', 'env'], 'name'],
      ['', 'v1', 'Service', ['spec', 'ports'], 'port'],
      ['', 'v1', 'Pod', ['spec', 'tolerations'], undefined],
    ];
    for (const [g, v, k, path, key] of cases) assert.equal(patchMergeKey(g, v, k, path), key, path.join('.'));
    assert.equal(schemaAt('', 'v1', 'Pod', ['spec', 'nope']), undefined);
  });
});

void test('openApiV3Index names every group/version', () => {
  assert.deepEqual(openApiV3Index([{ group: '', version: 'v1' }, { group: 'apps', version: 'v1' }]), {
    paths: { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1' }, 'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1' } },
  });
});

void test('documents are built once per group/version and resource set', () => {
  const a = openApiV3Document('apps', 'v1', resourcesOf('apps', 'v1'));
  assert.equal(openApiV3Document('apps', 'v1', resourcesOf('apps', 'v1')), a);
  assert.notEqual(openApiV3Document('apps', 'v1', resourcesOf('apps', 'v1').slice(1)), a);
});
