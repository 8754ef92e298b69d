/**
 * The apply type of an OpenAPI v3 (structural) schema, as a CustomResourceDefinition declares it:
 * `x-kubernetes-list-type` (atomic by default, set, map with `x-kubernetes-list-map-keys`),
 * `x-kubernetes-map-type` (granular by default, atomic), `additionalProperties` maps, and
 * `x-kubernetes-preserve-unknown-fields` / `x-kubernetes-int-or-string` / `x-kubernetes-embedded-resource`.
 */
import { isRecord } from '../../api/types.js';
import type { TypeNode } from './typed.js';

const deduced: TypeNode = { t: 'deduced' };
const scalar: TypeNode = { t: 'scalar' };

export function openApiType(schema: unknown): TypeNode {
  if (!isRecord(schema)) return deduced;
  if (schema['x-kubernetes-int-or-string'] === true) return scalar;
  const type = schema['type'];
  if (type === 'array') {
    const lt = schema['x-kubernetes-list-type'];
    const listType = lt === 'set' || lt === 'map' ? lt : 'atomic';
    const keys = Array.isArray(schema['x-kubernetes-list-map-keys']) ? schema['x-kubernetes-list-map-keys'].map(String) : [];
    let items: TypeNode | undefined;
    return { t: 'list', listType, keys, get items() { return (items ??= openApiType(schema['items'])); } } as TypeNode;
  }
  if (type === 'object' || isRecord(schema['properties'])) {
    const atomic = schema['x-kubernetes-map-type'] === 'atomic';
    const props = isRecord(schema['properties']) ? schema['properties'] : undefined;
    const additional = schema['additionalProperties'];
    if (!props && isRecord(additional)) {
      let values: TypeNode | undefined;
      return { t: 'map', atomic, get values() { return (values ??= openApiType(additional)); } } as TypeNode;
    }
    if (!props) return schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-embedded-resource'] === true ? deduced : { t: 'map', atomic, values: deduced };
    const fields = new Map<string, TypeNode>();
    const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
    return {
      t: 'struct',
      atomic,
      field(name) {
        const hit = fields.get(name);
        if (hit) return hit;
        const p = Object.prototype.hasOwnProperty.call(props, name) ? props[name] : isRecord(additional) ? additional : open ? {} : undefined;
        if (p === undefined) return undefined;
        const t = openApiType(p);
        fields.set(name, t);
        return t;
      },
    };
  }
  return type === undefined ? deduced : scalar;
}
