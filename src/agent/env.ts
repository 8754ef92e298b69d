/**
 * A container's environment as kubelet builds it: first every key of the `envFrom` sources
 * (ConfigMaps, Secrets, each with its optional `prefix`), then `env` in order, overriding them;
 * each `env` value can refer to the envFrom variables and the `env` entries before it with
 * `$(NAME)` (`$$(NAME)` stays literal); values from the downward API (`fieldRef`,
 * `resourceFieldRef`) and from ConfigMap and Secret keys; then `command` and `args` expanded
 * against the result. Unresolvable references stay as written, as in Kubernetes.
 *
 * Errors carry kubelet's words: a missing object is `configmap "x" not found` (its object
 * cache's NotFound), a missing key `couldn't find key k in ConfigMap ns/x`; either makes the
 * container wait with CreateContainerConfigError unless the reference is optional.
 */
import type { Container, Pod } from '../api/kinds.js';
import { parseQuantity } from '../api/quantity.js';

/** A ConfigMap's or Secret's data in the pod's namespace (Secret values decoded), or
 * undefined when there is no such object. */
export type DataLookup = (kind: 'ConfigMap' | 'Secret', name: string) => Promise<Record<string, string> | undefined>;

/** Where kubelet's Warning events about the environment go (InvalidEnvironmentVariableNames). */
export type EnvWarning = (reason: string, message: string) => void;

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

export function resourceValue(container: Container | undefined, resource: string, divisor: string | undefined): string {
  const [kind, name] = resource.split('.') as [string, string];
  const q = (kind === 'limits' ? container?.resources?.limits : container?.resources?.requests)?.[name];
  if (q === undefined) return '0';
  const value = parseQuantity(String(q)).toNumber();
  const div = divisor ? parseQuantity(divisor).toNumber() : 1;
  return String(Math.ceil(value / div));
}

/**
 * Kubernetes 1.32 validates names with the relaxed rule (RelaxedEnvironmentVariableValidation,
 * beta and on since 1.32): any printable ASCII character but `=`. Since 1.30 its kubelet takes
 * every envFrom key as it is; the older kubelets' skip-with-an-event (keys failing the C-like
 * rule, InvalidEnvironmentVariableNames) went with that change. skiff keeps the event for what
 * the relaxed rule refuses — a prefix with `=` or a control character, which kube-apiserver
 * would have refused but nothing may hand to a process as a variable name — in the old words.
 */
export function isEnvVarName(name: string): boolean {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name);
}

/** Fetches each object once per environment built, as kubelet's per-call maps do. */
class Sources {
  private readonly cache = new Map<string, Record<string, string> | undefined>();
  constructor(private readonly namespace: string, private readonly lookup: DataLookup) {}

  async get(kind: 'ConfigMap' | 'Secret', name: string, optional: boolean): Promise<Record<string, string> | undefined> {
    const id = `${kind}/${name}`;
    if (!this.cache.has(id)) {
      try {
        this.cache.set(id, await this.lookup(kind, name));
      } catch (err) {
        throw new EnvError('CreateContainerConfigError', err instanceof Error ? err.message : String(err));
      }
    }
    const data = this.cache.get(id);
    if (data === undefined && !optional) throw new EnvError('CreateContainerConfigError', `${kind === 'ConfigMap' ? 'configmap' : 'secret'} "${name}" not found`);
    return data;
  }

  get ns(): string {
    return this.namespace;
  }
}

/** `serviceVars` (service-env.ts) are there first: `env` may refer to them, and the container's
 * own variables of the same name win, as kubelet adds them only where the container has none. */
export async function containerEnv(pod: Pod, container: Container, podIP: string, hostIP: string, lookup: DataLookup, warn: EnvWarning = () => {}, serviceVars: ReadonlyMap<string, string> = new Map()): Promise<Map<string, string>> {
  // The pod's own addresses are known before its status says so.
  const view: Pod = { ...pod, status: { ...(pod.status ?? {}), podIP, podIPs: [{ ip: podIP }], hostIP, hostIPs: [{ ip: hostIP }] } };
  const sources = new Sources(pod.metadata.namespace ?? 'default', lookup);
  const vars = new Map<string, string>(serviceVars);
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const name = ref.name ?? '';
    const data = await sources.get(kind, name, ref.optional === true);
    if (!data) continue;
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const varName = (from.prefix ?? '') + key;
      if (!isEnvVarName(varName)) invalid.push(varName);
      else vars.set(varName, value);
    }
    if (invalid.length > 0) {
      invalid.sort();
      warn('InvalidEnvironmentVariableNames', `Keys [${invalid.join(', ')}] from the EnvFrom ${kind === 'ConfigMap' ? 'configMap' : 'secret'} ${sources.ns}/${name} were skipped since they are considered invalid environment variable names.`);
    }
  }
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (e.value || !from) {
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
    } else if (from.configMapKeyRef ?? from.secretKeyRef) {
      const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
      const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const optional = ref.optional === true;
      const data = await sources.get(kind, ref.name ?? '', optional);
      if (!data) continue;
      const v = Object.hasOwn(data, ref.key) ? data[ref.key] : undefined;
      if (v === undefined) {
        if (optional) continue;
        throw new EnvError('CreateContainerConfigError', `couldn't find key ${ref.key} in ${kind} ${sources.ns}/${ref.name ?? ''}`);
      }
      vars.set(e.name, v);
    } else {
      vars.set(e.name, '');
    }
  }
  return vars;
}
