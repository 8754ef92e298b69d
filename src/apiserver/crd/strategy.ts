/**
 * The strategy of a custom resource, from its CRD's storage version: pruning and defaulting against
 * the structural schema, validation with kube-openapi's field errors, `status` kept apart when the
 * status subresource is on, `generation` moving when anything but metadata (and status) changes,
 * the version's printer columns, and `metadata.name`/`metadata.namespace` as selectable fields.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { pruneAndDefault, validateValue, type StructuralSchema } from '../../api/crd/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/index.js';
import { nameIsDNSSubdomain } from '../../api/validation/names.js';
import { openApiType } from '../apply/index.js';
import { makeStrategy, type Strategy } from '../registry/strategy.js';
import { customResourcePrinter } from './printer.js';
import type { CrdVersion } from './versions.js';

/** The schema server-side apply walks: the CRD's, with the fields every object has. */
function applySchema(schema: StructuralSchema): StructuralSchema {
  return {
    ...schema,
    type: 'object',
    properties: {
      ...(schema.properties ?? {}),
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
}

/** Everything but metadata (and status, when it has its own subresource): what `generation` counts. */
function specPart(obj: KubeObject, withStatus: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'metadata' || k === 'apiVersion' || k === 'kind' || (withStatus && k === 'status')) continue;
    out[k] = v;
  }
  return out;
}

export function customResourceStrategy(resource: ResourceType, version: CrdVersion): Strategy {
  const schema: StructuralSchema = version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const hasStatus = version.subresources?.status !== undefined && version.subresources.status !== null;
  const meta = { name: nameIsDNSSubdomain, namespaced: resource.namespaced };
  const check = (obj: KubeObject) => [...validateObjectMeta(obj.metadata, meta), ...validateValue(schema, obj)];
  return makeStrategy(resource, {
    defaults(obj) {
      pruneAndDefault(schema, obj as unknown as Record<string, unknown>);
    },
    prepareForCreate(obj) {
      if (hasStatus) delete obj.status;
      obj.metadata.generation = 1;
    },
    prepareForUpdate(obj, old) {
      if (hasStatus) {
        if (old.status === undefined) delete obj.status;
        else obj.status = old.status;
      }
      const gen = old.metadata.generation ?? 1;
      obj.metadata.generation = isDeepStrictEqual(specPart(obj, hasStatus), specPart(old, hasStatus)) ? gen : gen + 1;
    },
    prepareForStatusUpdate(obj, old) {
      for (const k of Object.keys(obj)) if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') delete obj[k];
      for (const [k, v] of Object.entries(old)) if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') obj[k] = v;
      obj.metadata.generation = old.metadata.generation;
      pruneAndDefault(schema, obj as unknown as Record<string, unknown>);
    },
    validate: check,
    validateUpdate: (obj, old) => [...check(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata)],
    validateStatusUpdate: (obj, old) => [...check(obj), ...validateObjectMetaUpdate(obj.metadata, old.metadata)],
    printer: customResourcePrinter(version.additionalPrinterColumns),
    fields: (obj) => ({
      'metadata.name': obj.metadata.name ?? '',
      ...(resource.namespaced ? { 'metadata.namespace': obj.metadata.namespace ?? '' } : {}),
    }),
    custom: { fieldType: openApiType(applySchema(schema)) },
  });
}
