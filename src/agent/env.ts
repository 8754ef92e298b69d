/**
 * A container's environment as kubelet builds it: `env` in order, each value able to refer to
 * the ones before it with `$(NAME)` (`$$(NAME)` stays literal), values from the downward API
 * (`fieldRef`, `resourceFieldRef`) and from ConfigMaps and Secrets; then `command` and `args`
 * expanded against the result. Unresolvable references stay as written, as in Kubernetes.
 */
import type { Container, Pod } from '../api/kinds.js';
import { parseQuantity } from '../api/quantity.js';

/** Looks up a key of a ConfigMap or Secret in the pod's namespace (Secret values decoded). */
export type KeyLookup = (kind: 'ConfigMap' | 'Secret', name: string, key: string) => Promise<string | undefined>;

export class EnvError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

/** `$(VAR)` expansion with kubelet's rules. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : m;
  });
}

/** The downward API's `fieldRef` paths. */
export function fieldValue(pod: Pod, path: string): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP': return pod.status?.hostIP ?? '';
    case 'status.podIP': return pod.status?.podIP ?? '';
    case 'status.hostIPs': return (pod.status?.hostIPs ?? []).map((x) => x.ip).join(',');
    case 'status.podIPs': return (pod.status?.podIPs ?? []).map((x) => x.ip).join(',');
    default: return undefined;
  }
}

function resourceValue(container: Container | undefined, resource: string, divisor: string | undefined): string {
  const [kind, name] = resource.split('.') as [string, string];
  const q = (kind === 'limits' ? container?.resources?.limits : container?.resources?.requests)?.[name];
  if (q === undefined) return '0';
  const value = parseQuantity(String(q)).toNumber();
  const div = divisor ? parseQuantity(divisor).toNumber() : 1;
  return String(Math.ceil(value / div));
}

export async function containerEnv(pod: Pod, container: Container, podIP: string, hostIP: string, lookup: KeyLookup): Promise<Map<string, string>> {
  // The pod's own addresses are known before its status says so.
  const view: Pod = { ...pod, status: { ...(pod.status ?? {}), podIP, podIPs: [{ ip: podIP }], hostIP, hostIPs: [{ ip: hostIP }] } };
  const vars = new Map<string, string>();
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      vars.set(e.name, expand(e.value ?? '', vars));
      continue;
    }
    if (from.fieldRef) {
      const v = fieldValue(view, from.fieldRef.fieldPath);
      if (v === undefined) throw new EnvError('CreateContainerConfigError', `unsupported fieldRef ${from.fieldRef.fieldPath}`);
      vars.set(e.name, v);
    } else if (from.resourceFieldRef) {
      const target = pod.spec.containers.find((c) => c.name === (from.resourceFieldRef!.containerName || container.name));
      vars.set(e.name, resourceValue(target, from.resourceFieldRef.resource, from.resourceFieldRef.divisor));
    } else {
      const ref = from.configMapKeyRef ?? from.secretKeyRef!;
      const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const v = await lookup(kind, ref.name ?? '', ref.key);
      if (v === undefined) {
        if (ref.optional) continue;
        throw new EnvError('CreateContainerConfigError', `${kind === 'ConfigMap' ? 'configmap' : 'secret'} "${ref.name ?? ''}" key "${ref.key}" not found`);
      }
      vars.set(e.name, v);
    }
  }
  return vars;
}
