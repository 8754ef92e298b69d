/** Turns catalog schemas into OpenAPI 3.0 schema objects, in the shape Kubernetes publishes:
 * refs as `#/components/schemas/<name>`, wrapped in `allOf` when the field has its own
 * description, patch and list extensions on lists, GVK extensions on kinds. */
import { kindsOfDefinition, metaKindGroupVersions } from './catalog.js';
import type { Schema } from './dsl.js';

type Json = Record<string, unknown>;

export const refPrefix = '#/components/schemas/';

function withDescription(o: Json, description: string | undefined): Json {
  return description ? { description, ...o } : o;
}

/** An OpenAPI schema for a field (or list item, or map value). */
export function emitSchema(s: Schema): Json {
  switch (s.t) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return withDescription({ type: s.t, ...(s.format ? { format: s.format } : {}), ...(s.enum ? { enum: [...s.enum] } : {}) }, s.description);
    case 'ref':
      if (!s.description && !s.strategy) return { $ref: refPrefix + s.name };
      return {
        allOf: [{ $ref: refPrefix + s.name }],
        ...(s.description ? { description: s.description } : {}),
        ...(s.strategy ? { 'x-kubernetes-patch-strategy': s.strategy } : {}),
      };
    case 'map':
      return withDescription({ type: 'object', additionalProperties: emitSchema(s.values) }, s.description);
    case 'array': {
      const o: Json = { type: 'array', items: emitSchema(s.items) };
      if (s.mergeKey) o['x-kubernetes-patch-merge-key'] = s.mergeKey;
      if (s.strategy) o['x-kubernetes-patch-strategy'] = s.strategy;
      if (s.listType) o['x-kubernetes-list-type'] = s.listType;
      if (s.mapKeys) o['x-kubernetes-list-map-keys'] = [...s.mapKeys];
      return withDescription(o, s.description);
    }
    case 'object': {
      const properties: Json = {};
      for (const [k, v] of Object.entries(s.properties)) properties[k] = emitSchema(v);
      const o: Json = { type: 'object', properties };
      if (s.required && s.required.length > 0) o['required'] = [...s.required];
      if (s.additional) o['additionalProperties'] = emitSchema(s.additional);
      return withDescription(o, s.description);
    }
    case 'any':
      return withDescription({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, s.description);
    case 'intOrString':
      return withDescription({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], ...(s.format ? { format: s.format } : {}) }, s.description);
  }
}

/** A named definition for `components.schemas`, with the GVK extension when it is a kind. */
export function emitDefinition(name: string, s: Schema): Json {
  const out = emitSchema(s);
  const kinds = kindsOfDefinition(name);
  if (kinds.length > 0) {
    out['x-kubernetes-group-version-kind'] = kinds.map((k) => ({ group: k.group, kind: k.kind, version: k.version }));
  } else if (name.endsWith('meta.v1.DeleteOptions') || name.endsWith('meta.v1.WatchEvent')) {
    const kind = name.endsWith('DeleteOptions') ? 'DeleteOptions' : 'WatchEvent';
    out['x-kubernetes-group-version-kind'] = metaKindGroupVersions.map((gv) => ({ group: gv.group, kind, version: gv.version }));
  }
  return out;
}
