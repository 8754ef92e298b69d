/** The Swagger 2.0 document and its gnostic protobuf form: what kubectl 1.20–1.26 read for explain,
 * validation, the dry-run check of diff, and strategic merge patches. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs/minimal.js';
import { servedVersions, groupVersions } from '../../src/api/resources.js';
import { encodeSwaggerDocument, kindCatalog, openApiV2Document, openApiV3Document, type OpenApiGroupVersion } from '../../src/api/schema/index.js';

type Doc = any;

function gvsOf(filter: (s: (typeof servedVersions)[number]) => boolean = () => true): OpenApiGroupVersion[] {
  return [...groupVersions()].flatMap(([group, versions]) => versions.map((version) => ({
    group,
    version,
    resources: servedVersions.filter((s) => s.group === group && s.version === version && filter(s)).map((s) => ({
      plural: s.resource.plural,
      kind: s.resource.kind,
      namespaced: s.resource.namespaced,
      subresources: Object.entries(s.resource.subresources).filter(([, v]) => Boolean(v)).map(([k]) => k),
      verbs: s.resource.verbs,
    })),
  }))).filter((gv) => gv.resources.length > 0);
}

const all = gvsOf();
const doc = openApiV2Document(all) as Doc;

/** Every value (recursively) of a JSON tree, with the key it sits under and that key's parent key. */
function* walk(v: unknown, key = '', parent = ''): Generator<[string, unknown, string]> {
  yield [key, v, parent];
  if (Array.isArray(v)) for (const x of v) yield* walk(x, key, parent);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) yield* walk(x, k, key);
}

void describe('openApiV2Document', () => {
  void test('is Swagger 2.0 with Kubernetes\' info and bearer token security', () => {
    assert.equal(doc.swagger, '2.0');
    assert.equal(doc.info.title, 'Kubernetes');
    assert.match(doc.info.version, /^v1\.\d+\.\d+$/);
    assert.deepEqual(doc.security, [{ BearerToken: [] }]);
    assert.equal(doc.securityDefinitions.BearerToken.type, 'apiKey');
  });

  for (const e of kindCatalog) {
    void test(`${e.group || 'core'}/${e.version} ${e.kind}: definition ${e.definition} names its GVK`, () => {
      const d = doc.definitions[e.definition];
      assert.ok(d, 'definition missing');
      assert.ok((d['x-kubernetes-group-version-kind'] as Doc[]).some((g) => g.group === e.group && g.version === e.version && g.kind === e.kind));
    });
  }

  void test('no v3 constructs: refs point into definitions and resolve, no allOf/anyOf/requestBody/content', () => {
    for (const [key, v, parent] of walk(doc)) {
      // Property names are data: JSONSchemaProps (CRDs' schemas) has properties named `$ref` and
      // `x-kubernetes-preserve-unknown-fields`.
      if (parent === 'properties') continue;
      assert.ok(!['allOf', 'anyOf', 'requestBody', 'content', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string'].includes(key), key);
      if (key === '$ref') {
        assert.match(String(v), /^#\/definitions\//);
        assert.ok(doc.definitions[String(v).slice('#/definitions/'.length)], `${String(v)} does not resolve`);
      }
    }
  });

  void test('every property of every v3 schema is in v2, with the same patch strategy and merge key', () => {
    let compared = 0;
    for (const gv of all) {
      const v3 = openApiV3Document(gv.group, gv.version, gv.resources) as Doc;
      for (const [name, s] of Object.entries(v3.components.schemas as Record<string, Doc>)) {
        if (!s.properties || s.additionalProperties) continue;
        const v2 = doc.definitions[name];
        assert.deepEqual(Object.keys(v2.properties), Object.keys(s.properties), name);
        for (const [field, p] of Object.entries(s.properties as Record<string, Doc>)) {
          for (const ext of ['x-kubernetes-patch-strategy', 'x-kubernetes-patch-merge-key', 'x-kubernetes-list-type']) {
            assert.equal(v2.properties[field][ext], p[ext], `${name}.${field} ${ext}`);
          }
          compared++;
        }
      }
    }
    assert.ok(compared > 500, `only ${compared} properties compared`);
  });

  const patchCases = [
    { def: 'io.k8s.api.core.v1.PodSpec', field: 'containers', strategy: 'merge', key: 'name' },
    { def: 'io.k8s.api.core.v1.PodSpec', field: 'volumes', strategy: 'merge,retainKeys', key: 'name' },
    { def: 'io.k8s.api.core.v1.Container', field: 'ports', strategy: 'merge', key: 'containerPort' },
    { def: 'io.k8s.api.core.v1.Container', field: 'env', strategy: 'merge', key: 'name' },
    { def: 'io.k8s.api.core.v1.Container', field: 'volumeMounts', strategy: 'merge', key: 'mountPath' },
    { def: 'io.k8s.api.core.v1.ServiceSpec', field: 'ports', strategy: 'merge', key: 'port' },
    { def: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', field: 'finalizers', strategy: 'merge', key: undefined },
    { def: 'io.k8s.api.apps.v1.DeploymentSpec', field: 'strategy', strategy: 'retainKeys', key: undefined },
    { def: 'io.k8s.api.batch.v1.JobStatus', field: 'conditions', strategy: 'merge', key: 'type' },
    { def: 'io.k8s.api.core.v1.ResourceRequirements', field: 'claims', strategy: undefined, key: undefined },
  ];
  for (const c of patchCases) {
    void test(`${c.def}.${c.field}: patch strategy ${String(c.strategy)}, merge key ${String(c.key)}`, () => {
      const p = doc.definitions[c.def].properties[c.field];
      assert.equal(p['x-kubernetes-patch-strategy'], c.strategy);
      assert.equal(p['x-kubernetes-patch-merge-key'], c.key);
    });
  }

  void test('a described ref keeps its description beside $ref; int-or-string and quantity are strings', () => {
    assert.deepEqual(doc.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy, {
      $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy',
      description: 'How old pods are replaced by new ones.',
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    assert.equal(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, 'string');
    assert.equal(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
    assert.equal(doc.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
    assert.equal(doc.definitions['io.k8s.apimachinery.pkg.runtime.RawExtension'].type, 'object');
  });

  void test('every PATCH with a GVK lists dryRun as a query parameter (kubectl 1.20 checks it before diff)', () => {
    let n = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Doc>)) {
      if (!item.patch?.['x-kubernetes-group-version-kind']) continue;
      const names = (item.patch.parameters as Doc[]).filter((q) => q.in === 'query').map((q) => q.name);
      assert.ok(names.includes('dryRun'), path);
      assert.deepEqual(item.patch.consumes, ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);
      assert.equal(item.patch.parameters[0].in, 'body');
      n++;
    }
    assert.ok(n >= servedVersions.length, `${n} PATCH operations`);
  });

  void test('paths carry parameters inline and responses with schemas', () => {
    const item = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    assert.deepEqual(item.parameters.map((p: Doc) => [p.name, p.in, p.type]), [['name', 'path', 'string'], ['namespace', 'path', 'string'], ['pretty', 'query', 'string']]);
    assert.deepEqual(item.get.responses['200'].schema, { $ref: '#/definitions/io.k8s.api.core.v1.Pod' });
    assert.deepEqual(item.get['x-kubernetes-group-version-kind'], { group: '', kind: 'Pod', version: 'v1' });
    assert.equal(item.get['x-kubernetes-action'], 'get');
    assert.deepEqual(item.get.produces, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
  });

  void test('only served resources: without extensions/v1beta1 there are no extensions definitions or paths', () => {
    const d = openApiV2Document(gvsOf((s) => s.group !== 'extensions')) as Doc;
    assert.ok(!Object.keys(d.definitions).some((k) => k.startsWith('io.k8s.api.extensions.')));
    assert.ok(!Object.keys(d.paths).some((k) => k.startsWith('/apis/extensions/')));
    assert.ok(d.definitions['io.k8s.api.apps.v1.Deployment']);
  });
});

/** Field number → values of one protobuf message (LEN fields as bytes, varints as numbers). */
function fields(bytes: Uint8Array): Map<number, (Uint8Array | number)[]> {
  const r = protobuf.Reader.create(bytes);
  const out = new Map<number, (Uint8Array | number)[]>();
  while (r.pos < r.len) {
    const tag = r.uint32();
    const v = (tag & 7) === 2 ? r.bytes() : (tag & 7) === 0 ? r.uint32() : assert.fail(`wire type ${tag & 7}`);
    out.set(tag >>> 3, [...(out.get(tag >>> 3) ?? []), v]);
  }
  return out;
}
const text = (b: Uint8Array | number | undefined): string => Buffer.from(b as Uint8Array).toString('utf8');
const one = (m: Map<number, (Uint8Array | number)[]>, no: number): Uint8Array => m.get(no)?.[0] as Uint8Array;
/** `repeated Named* { name = 1; value = 2 }` as a map. */
function named(bytes: Uint8Array, no = 1): Map<string, Uint8Array> {
  return new Map((fields(bytes).get(no) ?? []).map((e) => { const f = fields(e as Uint8Array); return [text(one(f, 1)), one(f, 2)]; }));
}
/** Vendor extensions (`NamedAny { name, Any { yaml = 2 } }`) at field `no`, parsed. */
function extensionsOf(bytes: Uint8Array, no: number): Record<string, unknown> {
  return Object.fromEntries([...named(bytes, no)].map(([k, any]) => [k, JSON.parse(text(one(fields(any), 2)))]));
}

void describe('encodeSwaggerDocument (gnostic openapi.v2.Document)', () => {
  const pb = fields(encodeSwaggerDocument(doc));

  void test('swagger, info, and every definition by name, in order', () => {
    assert.equal(text(one(pb, 1)), '2.0');
    const info = fields(one(pb, 2));
    assert.equal(text(one(info, 1)), 'Kubernetes');
    assert.deepEqual([...named(one(pb, 9)).keys()], Object.keys(doc.definitions));
  });

  void test('a kind\'s schema: description, type, properties, GVK extension; a list with its patch extensions', () => {
    const pod = named(one(pb, 9)).get('io.k8s.api.core.v1.Pod')!;
    const podFields = fields(pod);
    assert.equal(text(one(podFields, 4)), doc.definitions['io.k8s.api.core.v1.Pod'].description);
    assert.deepEqual(fields(one(podFields, 22)).get(1)!.map(text), ['object']);
    assert.deepEqual(extensionsOf(pod, 31)['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
    const spec = named(one(pb, 9)).get('io.k8s.api.core.v1.PodSpec')!;
    const containers = named(one(fields(spec), 25)).get('containers')!;
    const ext = extensionsOf(containers, 31);
    assert.equal(ext['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(ext['x-kubernetes-patch-strategy'], 'merge');
    const items = fields(one(fields(one(fields(containers), 23)), 1));
    assert.equal(text(one(items, 1)), '#/definitions/io.k8s.api.core.v1.Container');
    assert.deepEqual(fields(spec).get(19)!.map(text), doc.definitions['io.k8s.api.core.v1.PodSpec'].required);
  });

  void test('a PATCH operation: GVK extension, body parameter, dryRun query parameter', () => {
    const item = named(one(pb, 8), 2).get('/apis/apps/v1/namespaces/{namespace}/deployments/{name}')!;
    const patch = one(fields(item), 8);
    assert.deepEqual(extensionsOf(patch, 13)['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
    const params = fields(patch).get(8)!.map((p) => fields(one(fields(p as Uint8Array), 1)));
    const body = fields(one(params[0]!, 1));
    assert.equal(text(one(body, 3)), 'body');
    assert.equal(text(one(fields(one(body, 5)), 1)), '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
    const queries = params.slice(1).map((p) => fields(one(fields(one(p, 2)), 3)));
    assert.ok(queries.some((q) => text(one(q, 4)) === 'dryRun' && text(one(q, 2)) === 'query' && text(one(q, 6)) === 'string'));
    const pathParams = fields(item).get(9)!.map((p) => fields(one(fields(one(fields(p as Uint8Array), 1)), 2)));
    const name = fields(one(pathParams[0]!, 4));
    assert.deepEqual([text(one(name, 4)), text(one(name, 2)), name.get(1)?.[0], text(one(name, 5))], ['name', 'path', 1, 'string']);
  });

  void test('a shape it has no encoding for throws instead of being dropped', () => {
    assert.throws(() => encodeSwaggerDocument({ swagger: '2.0', definitions: { X: { oneOf: [] } } }), /Schema has no encoding for "oneOf"/);
  });
});
