/**
 * A small language for writing schemas as data. Each schema file builds named definitions with
 * these helpers; `openapi.ts` turns them into OpenAPI 3 and `strict.ts` walks them to find unknown
 * fields. Names are Kubernetes' own (`io.k8s.api.core.v1.PodSpec`), written short in refs:
 * `ref('core.PodSpec')`.
 */

export interface ListOptions {
  /** Strategic merge patch: the key that identifies an element (`name`, `containerPort`). */
  readonly mergeKey?: string;
  /** Strategic merge patch: `merge` or `merge,retainKeys`. */
  readonly strategy?: string;
  /** Server-side apply list type: `atomic`, `set` or `map`. */
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly mapKeys?: readonly string[];
}

export type Schema =
  | { readonly t: 'string' | 'integer' | 'number' | 'boolean'; readonly format?: string; readonly enum?: readonly string[]; readonly description?: string }
  | {
      readonly t: 'object';
      readonly properties: Readonly<Record<string, Schema>>;
      readonly required?: readonly string[];
      /** Keys not in `properties` are allowed and checked against this (the permissive selector). */
      readonly additional?: Schema;
      readonly description?: string;
    }
  | { readonly t: 'map'; readonly values: Schema; readonly description?: string }
  | ({ readonly t: 'array'; readonly items: Schema; readonly description?: string } & ListOptions)
  /** `strategy`: the strategic merge patch strategy of the field (`retainKeys`: a patch that sets
   * the object clears its keys the patch does not list, as for a deployment's `strategy`). */
  | { readonly t: 'ref'; readonly name: string; readonly description?: string; readonly strategy?: string }
  /** Anything goes below this point (`RawExtension`, `FieldsV1`). */
  | { readonly t: 'any'; readonly description?: string }
  /** A leaf that takes an integer or a string (`IntOrString`, `Quantity`). */
  | { readonly t: 'intOrString'; readonly format?: string; readonly description?: string };

export type Definitions = Readonly<Record<string, Schema>>;

const prefixes: Readonly<Record<string, string>> = {
  core: 'io.k8s.api.core.v1.',
  meta: 'io.k8s.apimachinery.pkg.apis.meta.v1.',
  apps: 'io.k8s.api.apps.v1.',
  batch: 'io.k8s.api.batch.v1.',
  ext: 'io.k8s.api.extensions.v1beta1.',
  coord: 'io.k8s.api.coordination.v1.',
  discovery: 'io.k8s.api.discovery.v1.',
  autoscaling: 'io.k8s.api.autoscaling.v1.',
  autoscalingv2: 'io.k8s.api.autoscaling.v2.',
  rbac: 'io.k8s.api.rbac.v1.',
  authz: 'io.k8s.api.authorization.v1.',
  authn: 'io.k8s.api.authentication.v1.',
  certs: 'io.k8s.api.certificates.v1.',
  policy: 'io.k8s.api.policy.v1.',
  networking: 'io.k8s.api.networking.v1.',
  storage: 'io.k8s.api.storage.v1.',
  metrics: 'io.k8s.metrics.pkg.apis.metrics.v1beta1.',
  resource: 'io.k8s.apimachinery.pkg.api.resource.',
  intstr: 'io.k8s.apimachinery.pkg.util.intstr.',
  runtime: 'io.k8s.apimachinery.pkg.runtime.',
  apiext: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.',
};

/** `core.PodSpec` → `io.k8s.api.core.v1.PodSpec`; full names pass through. */
export function fullName(short: string): string {
  const dot = short.indexOf('.');
  const p = dot > 0 ? prefixes[short.slice(0, dot)] : undefined;
  return p ? p + short.slice(dot + 1) : short;
}

/** Prefixes every key of a group of definitions: `defs('core', { PodSpec: … })`. */
export function defs(prefix: keyof typeof prefixes & string, d: Readonly<Record<string, Schema>>): Definitions {
  const out: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(d)) out[fullName(`${prefix}.${k}`)] = v;
  return out;
}

export const str = (description?: string, more: { enum?: readonly string[]; format?: string } = {}): Schema => ({ t: 'string', description, ...more });
export const int = (description?: string): Schema => ({ t: 'integer', format: 'int32', description });
export const int64 = (description?: string): Schema => ({ t: 'integer', format: 'int64', description });
export const num = (description?: string): Schema => ({ t: 'number', format: 'double', description });
export const bool = (description?: string): Schema => ({ t: 'boolean', description });
export const bytes = (description?: string): Schema => ({ t: 'string', format: 'byte', description });
export const ref = (name: string, description?: string): Schema => ({ t: 'ref', name: fullName(name), description });
/** A ref patched with `retainKeys`: kubectl's strategic merge patch then lists the keys it keeps, so
 * keys the server defaulted (a deployment's `rollingUpdate`) go when the manifest drops them. */
export const retainKeysRef = (name: string, description?: string): Schema => ({ t: 'ref', name: fullName(name), description, strategy: 'retainKeys' });
export const time = (description?: string): Schema => ref('meta.Time', description);
export const quantity = (description?: string): Schema => ref('resource.Quantity', description);
export const intOrString = (description?: string): Schema => ref('intstr.IntOrString', description);
export const any = (description?: string): Schema => ({ t: 'any', description });
export const mapOf = (values: Schema, description?: string): Schema => ({ t: 'map', values, description });
export const strMap = (description?: string): Schema => mapOf(str(), description);
export const quantityMap = (description?: string): Schema => mapOf(quantity(), description);
export const list = (items: Schema, description?: string, opts: ListOptions = {}): Schema => ({ t: 'array', items, description, ...opts });
export const strList = (description?: string, opts: ListOptions = { listType: 'atomic' }): Schema => list(str(), description, opts);
/** A list merged by `key` under strategic merge patch and a map list under server-side apply. */
export const keyedList = (items: Schema, key: string, description?: string): Schema =>
  list(items, description, { mergeKey: key, strategy: 'merge', listType: 'map', mapKeys: [key] });
export const obj = (properties: Readonly<Record<string, Schema>>, description?: string, required?: readonly string[]): Schema => ({
  t: 'object',
  properties,
  description,
  ...(required ? { required } : {}),
});

/** The top of every kind: apiVersion, kind, metadata, then its own fields. */
export function kindObject(description: string, fields: Readonly<Record<string, Schema>>, listMeta = false): Schema {
  return obj(
    {
      apiVersion: str('The versioned schema of this object, as group/version (e.g. `v1`, `apps/v1`). Servers convert between the versions they serve.'),
      kind: str('The REST resource this object represents, in CamelCase. Servers infer it from the endpoint the client sent the request to.'),
      metadata: listMeta ? ref('meta.ListMeta', 'Standard list metadata.') : ref('meta.ObjectMeta', "Standard object metadata: name, namespace, labels, annotations and the server's bookkeeping."),
      ...fields,
    },
    description,
  );
}

/** The `…List` wrapper of a kind. */
export function listOf(itemName: string, what: string): Schema {
  return kindObject(`A list of ${what}.`, { items: list(ref(itemName), `The ${what}.`) }, true);
}
