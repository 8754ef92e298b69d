/**
 * Reading and addressing objects of a discovered resource: URL paths for any served
 * group/version (legacy `extensions/v1beta1` included, which the storage-version client paths
 * cannot reach), get/list helpers, and the namespace an object belongs in.
 */
import type { KubeObject } from '../../api/types.js';
import type { CliContext } from './context.js';
import type { ApiResource } from './discovery.js';
import { CliError } from './errors.js';

/** `/api/v1/namespaces/NS/pods/NAME/SUB` for `r` at its discovered group/version. */
export function resourcePath(r: ApiResource, namespace?: string, name?: string, subresource?: string, query?: Record<string, string | undefined>): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const qs = q.toString();
  return `${base}${ns}/${r.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}${qs ? `?${qs}` : ''}`;
}

export interface ListSelectors {
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
}

export async function getObject(ctx: CliContext, r: ApiResource, namespace: string | undefined, name: string): Promise<KubeObject> {
  return (await ctx.client.request('GET', resourcePath(r, namespace, name))) as KubeObject;
}

/** Every object of `r` in `namespace` (undefined: all namespaces), with `apiVersion`/`kind` set on
 * each item as the server omits them in lists. */
export async function listObjects(ctx: CliContext, r: ApiResource, namespace: string | undefined, sel: ListSelectors = {}): Promise<KubeObject[]> {
  const list = (await ctx.client.request('GET', resourcePath(r, namespace, undefined, undefined, { ...sel }))) as { items?: KubeObject[] };
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  return (list.items ?? []).map((o) => ({ ...o, apiVersion, kind: r.kind }));
}

/** The namespace verbs act in for `r`: `-A` → undefined (all), cluster-scoped → undefined. */
export function scopeNamespace(ctx: CliContext, r: ApiResource): string | undefined {
  if (!r.namespaced || ctx.allNamespaces) return undefined;
  return ctx.namespace;
}

/**
 * The namespace of an object read from a manifest: its own, else the context's. An explicit
 * `-n` that disagrees with the manifest is kubectl's error, not a silent choice.
 */
export function manifestNamespace(ctx: CliContext, r: ApiResource, obj: KubeObject): string | undefined {
  if (!r.namespaced) return undefined;
  const own = obj.metadata.namespace;
  if (own && ctx.explicitNamespace && own !== ctx.namespace) {
    throw new CliError(`the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`);
  }
  return own || ctx.namespace;
}
