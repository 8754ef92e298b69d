/**
 * `Warning:` headers for pod specs that some node of the cluster would run degraded: for each
 * runtime the nodes report (nodeInfo.containerRuntimeVersion, `<runtime>://<version>`), what of
 * the spec that runtime does not honour (src/api/support). kubectl prints each as `Warning: …`.
 * A pod bound to a node (spec.nodeName) is judged by that node's runtime alone.
 */
import type { ServerResponse } from 'node:http';
import { degradedFeatures, describeDegraded, mayDegrade } from '../../api/support/index.js';
import { nodes } from '../../api/resources.js';
import { isRecord, type KubeObject } from '../../api/types.js';
import type { ApiContext } from './context.js';

type Obj = Record<string, unknown>;

/** The pod spec an object carries and its path: a pod's own, or a workload's template. */
function podSpecOf(obj: KubeObject): { spec: Obj; path: string } | undefined {
  const o = obj as Obj;
  const spec = isRecord(o['spec']) ? o['spec'] : undefined;
  if (!spec) return undefined;
  if (obj.kind === 'Pod') return { spec, path: 'spec' };
  const tpl = isRecord(spec['template']) && isRecord(spec['template']['spec']) ? spec['template']['spec'] : undefined;
  return tpl ? { spec: tpl, path: 'spec.template.spec' } : undefined;
}

/** `oci://0.1.0` → `oci`. */
export function runtimeOf(node: KubeObject): string {
  const status = (node as Obj)['status'];
  const info = isRecord(status) && isRecord(status['nodeInfo']) ? status['nodeInfo'] : {};
  const v = typeof info['containerRuntimeVersion'] === 'string' ? info['containerRuntimeVersion'] : '';
  return v.includes('://') ? v.slice(0, v.indexOf('://')) : v;
}

function nodeList(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/** The warnings for `obj` given the nodes `ctx` knows. */
export function supportWarnings(ctx: ApiContext, obj: KubeObject): string[] {
  const found = podSpecOf(obj);
  if (!found) return [];
  // Cheap first: most specs are honoured by every runtime, and then no node is looked at.
  if (!mayDegrade(found.spec)) return [];
  const byRuntime = new Map<string, string[]>();
  const boundTo = typeof found.spec['nodeName'] === 'string' && found.spec['nodeName'] ? found.spec['nodeName'] : undefined;
  for (const node of ctx.registry(nodes).cache.objects.values()) {
    const name = node.metadata.name ?? '';
    if (boundTo !== undefined && name !== boundTo) continue;
    const r = runtimeOf(node);
    byRuntime.set(r, [...(byRuntime.get(r) ?? []), name]);
  }
  const out: string[] = [];
  for (const [runtime, names] of [...byRuntime].sort(([a], [b]) => a.localeCompare(b))) {
    for (const d of degradedFeatures(found.spec, runtime, found.path)) {
      out.push(`${describeDegraded(d, runtime)} (nodes: ${nodeList(names.sort())})`);
    }
  }
  return out;
}

/** Adds the warnings to the response, after any already set (unknown fields, …). */
export function addSupportWarnings(ctx: ApiContext, obj: KubeObject, res: ServerResponse): void {
  const warnings = supportWarnings(ctx, obj);
  if (warnings.length === 0 || res.headersSent) return;
  const prior = res.getHeader('Warning');
  const before = prior === undefined ? [] : Array.isArray(prior) ? prior.map(String) : [String(prior)];
  // Warning values are quoted strings (RFC 7234); kubectl unquotes them.
  res.setHeader('Warning', [...before, ...warnings.map((w) => `299 - ${JSON.stringify(w)}`)]);
}
