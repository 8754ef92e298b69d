/**
 * The shape server-side apply sees in a schema: structs (granular, or atomic as Kubernetes marks
 * some with `x-kubernetes-map-type: atomic`), maps, lists by `x-kubernetes-list-type` (atomic,
 * set, map with `x-kubernetes-list-map-keys`) and scalars. Kinds without a schema are "deduced"
 * as structured-merge-diff does: objects are granular maps, lists atomic.
 */
import { isRecord } from '../../api/types.js';
import { resolve, schemaFor, type Schema } from '../../api/schema/index.js';
import { fieldPe, indexPe, keyPe, valuePe, type PathElement } from './fieldset.js';

export type TypeNode =
  | { readonly t: 'struct'; readonly atomic: boolean; field(name: string): TypeNode | undefined }
  | { readonly t: 'map'; readonly atomic: boolean; readonly values: TypeNode }
  | { readonly t: 'list'; readonly listType: 'atomic' | 'set' | 'map'; readonly keys: readonly string[]; readonly items: TypeNode }
  | { readonly t: 'scalar' }
  | { readonly t: 'deduced' };

/** Built-in types Kubernetes marks `+structType=atomic`: applied and owned as one value. */
const atomicStructs = new Set([
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  'io.k8s.api.core.v1.NodeSelector',
  'io.k8s.api.core.v1.ObjectReference',
  'io.k8s.api.core.v1.LocalObjectReference',
  'io.k8s.api.core.v1.ConfigMapKeySelector',
  'io.k8s.api.core.v1.SecretKeySelector',
  'io.k8s.api.core.v1.ObjectFieldSelector',
  'io.k8s.api.core.v1.ResourceFieldSelector',
  'io.k8s.api.core.v1.ConfigMapEnvSource',
  'io.k8s.api.core.v1.SecretEnvSource',
  'io.k8s.api.core.v1.TypedLocalObjectReference',
]);

/** Defaults of map-list keys the client may leave out (`protocol` of ports is `TCP`). */
const keyDefaults: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

const scalar: TypeNode = { t: 'scalar' };
const deduced: TypeNode = { t: 'deduced' };
const cache = new WeakMap<Schema, TypeNode>();

export function typeOf(s: Schema | undefined): TypeNode {
  if (!s) return deduced;
  const hit = cache.get(s);
  if (hit) return hit;
  const atomicRef = s.t === 'ref' && atomicStructs.has(s.name);
  const r = resolve(s);
  let out: TypeNode;
  switch (r.t) {
    case 'object': {
      const fields = new Map<string, TypeNode>();
      const props = r.properties;
      const additional = r.additional;
      out = {
        t: 'struct',
        atomic: atomicRef,
        field(name) {
          let f = fields.get(name);
          if (f) return f;
          const p = Object.prototype.hasOwnProperty.call(props, name) ? props[name] : additional;
          if (!p) return undefined;
          f = typeOf(p);
          fields.set(name, f);
          return f;
        },
      };
      break;
    }
    case 'map':
      out = { t: 'map', atomic: false, get values() { return typeOf(r.values); } } as TypeNode;
      break;
    case 'array': {
      const listType = r.listType ?? (r.strategy?.includes('merge') ? (r.mergeKey ? 'map' : 'set') : 'atomic');
      const keys = r.mapKeys ?? (r.mergeKey ? [r.mergeKey] : []);
      out = { t: 'list', listType, keys, get items() { return typeOf(r.items); } } as TypeNode;
      break;
    }
    case 'any':
      out = deduced;
      break;
    default:
      out = scalar;
  }
  cache.set(s, out);
  return out;
}

/** The type of a kind's objects (stored version), deduced when skiff has no schema for it. */
export function kindType(group: string, version: string, kind: string): TypeNode {
  return typeOf(schemaFor(group, version, kind));
}

/** The type of a member of a struct or map, or of anything below a deduced node. */
export function memberType(t: TypeNode, name: string): TypeNode {
  if (t.t === 'struct') return t.field(name) ?? deduced;
  if (t.t === 'map') return t.values;
  return deduced;
}

/** True when values of this type are set and owned whole. */
export function isAtomic(t: TypeNode, v: unknown): boolean {
  switch (t.t) {
    case 'struct':
    case 'map':
      return t.atomic;
    case 'list':
      return t.listType === 'atomic';
    case 'scalar':
      return true;
    case 'deduced':
      return !isRecord(v);
  }
}

/** The path element of item `i` of a list of type `t`. */
export function itemPe(t: Extract<TypeNode, { t: 'list' }>, item: unknown, i: number): PathElement {
  if (t.listType === 'set') return valuePe(item);
  if (t.listType === 'map' && isRecord(item) && t.keys.length > 0) {
    const keys: Record<string, unknown> = {};
    for (const k of t.keys) {
      const v = item[k] ?? keyDefaults[k];
      if (v !== undefined) keys[k] = v;
    }
    return keyPe(keys);
  }
  return indexPe(i);
}

export { fieldPe };
