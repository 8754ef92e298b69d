/** CustomResourceDefinitions: the CRD's own validation (structural schemas, what skiff refuses)
 * and custom resources validated, pruned and defaulted against their schema with Kubernetes'
 * messages. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneAndDefault, structuralSchemaOf, validateCustomResourceDefinition, validateValue, type StructuralSchema } from '../../src/api/crd/index.js';
import type { FieldError } from '../../src/api/errors.js';

function crd(plural: string, group: string, schema: unknown, extra: Record<string, unknown> = {}, versionExtra: Record<string, unknown> = {}) {
  return {
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: plural.replace(/s$/, ''), kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, ...versionExtra }],
      ...extra,
    },
  };
}

const good = {
  type: 'object',
  properties: {
    spec: { type: 'object', properties: { replicas: { type: 'integer', minimum: 1 }, size: { type: 'string', enum: ['s', 'm'] } }, required: ['size'] },
    status: { type: 'object' },
  },
};

function lines(errs: readonly FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

describe('validateCustomResourceDefinition', () => {
  const cases: { name: string; crd: ReturnType<typeof crd>; want: string[] }[] = [
    { name: 'a good CRD', crd: crd('widgets', 'example.com', { type: 'object', properties: { spec: { type: 'object' } } }), want: [] },
    {
      name: 'object field without a type',
      crd: crd('gadgets', 'acme.io', { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } }),
      want: ['spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields'],
    },
    {
      name: 'array items without a type',
      crd: crd('gadgets', 'acme.io', { type: 'object', properties: { list: { type: 'array', items: { description: 'x' } } } }),
      want: ['spec.versions[0].schema.openAPIV3Schema.properties[list].items.type: Required value: must not be empty for specified array items'],
    },
    {
      name: 'root not an object',
      crd: crd('gadgets', 'acme.io', { type: 'string' }),
      want: ['spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root'],
    },
    {
      name: 'CEL rules refused',
      crd: crd('gadgets', 'acme.io', { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a > 0' }] }),
      want: ['spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations: Forbidden: CEL validation rules are not supported by this server (no CEL evaluator)'],
    },
    {
      name: 'name not plural.group, group without a dot',
      crd: { ...crd('things', 'local', { type: 'object' }), metadata: { name: 'stuff.local' } },
      want: [
        'spec.group: Invalid value: "local": should be a domain with at least one dot',
        'metadata.name: Invalid value: "stuff.local": must be spec.names.plural+"."+spec.group',
      ],
    },
    {
      name: 'webhook conversion and preserveUnknownFields refused',
      crd: crd('gadgets', 'acme.io', { type: 'object' }, { conversion: { strategy: 'Webhook' }, preserveUnknownFields: true }),
      want: [
        'spec.preserveUnknownFields: Invalid value: true: must be false: this server prunes unknown fields (use x-kubernetes-preserve-unknown-fields in the schema)',
        'spec.conversion.strategy: Forbidden: webhook conversion is not supported by this server; use None',
      ],
    },
    {
      name: 'a pattern that does not compile',
      crd: crd('gadgets', 'acme.io', { type: 'object', properties: { a: { type: 'string', pattern: '([a-z' } } }),
      want: ['spec.versions[0].schema.openAPIV3Schema.properties[a].pattern: Invalid value: "([a-z": must be a valid regular expression, but isn\'t: Invalid regular expression: /([a-z/u: Unterminated character class'],
    },
    {
      name: 'list-type map without keys, bad scope',
      crd: crd('gadgets', 'acme.io', { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } } } }, { scope: 'Global' }),
      want: [
        'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
        'spec.versions[0].schema.openAPIV3Schema.properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map',
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(lines(validateCustomResourceDefinition(c.crd)), c.want));
  }

  test('exactly one storage version', () => {
    const c = crd('gadgets', 'acme.io', { type: 'object' });
    c.spec.versions.push({ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } });
    assert.deepEqual(lines(validateCustomResourceDefinition(c)), ['spec.versions: Invalid value: 2: must have exactly one version marked as storage version']);
  });
});

describe('structuralSchemaOf', () => {
  test('the served version\'s schema, none for an unserved one', () => {
    const c = crd('widgets', 'example.com', good);
    assert.equal(structuralSchemaOf(c, 'v1'), good);
    assert.equal(structuralSchemaOf(c, 'v2'), undefined);
    c.spec.versions[0]!.served = false;
    assert.equal(structuralSchemaOf(c, 'v1'), undefined);
  });
});

describe('custom resource values', () => {
  const schema: StructuralSchema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['size'],
        properties: {
          replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
          size: { type: 'string', enum: ['small', 'large'] },
          image: { type: 'string', pattern: '^[a-z]+$', maxLength: 8 },
          when: { type: 'string', format: 'date-time' },
          port: { 'x-kubernetes-int-or-string': true },
          tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set', maxItems: 3 },
          ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' }, n: { type: 'integer' } } } },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };

  test('a good object is kept, defaulted and pruned', () => {
    const obj: Record<string, unknown> = {
      apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' },
      spec: { size: 'small', bogus: 1, extra: { any: { thing: true } }, labels: { a: 'b' } }, junk: 'x',
    };
    assert.deepEqual(pruneAndDefault(schema, obj), ['spec.bogus', 'junk']);
    assert.deepEqual(obj['spec'], { size: 'small', replicas: 1, extra: { any: { thing: true } }, labels: { a: 'b' } });
    assert.deepEqual(validateValue(schema, obj), []);
  });

  test('every violation, with Kubernetes\' messages', () => {
    const obj = {
      metadata: { name: 'w' },
      spec: {
        replicas: 'three', image: 'UPPER', when: 'yesterday', port: 1.5, tags: ['a', 'a'],
        ports: [{ name: 'http', n: 1 }, { name: 'http', n: 2 }], labels: { a: 3 },
      },
    };
    assert.deepEqual(lines(validateValue(schema, obj)), [
      'spec.size: Required value',
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'spec.image: Invalid value: "UPPER": spec.image in body should match \'^[a-z]+$\'',
      'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
      'spec.port: Invalid value: "number": spec.port in body must be of type integer,string: "number"',
      'spec.tags[1]: Duplicate value: "a"',
      'spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}',
      'spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"',
    ]);
  });

  test('bounds', () => {
    const errs = lines(validateValue(schema, { spec: { size: 'medium', replicas: 0, image: 'abcdefghij', tags: ['a', 'b', 'c', 'd'] } }));
    assert.deepEqual(errs, [
      'spec.size: Unsupported value: "medium": supported values: "small", "large"',
      'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
      'spec.image: Too long: may not be more than 8 bytes',
      'spec.tags: Too many: 4: must have at most 3 items',
    ]);
  });
});
