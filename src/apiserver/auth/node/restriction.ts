/**
 * NodeRestriction admission (Kubernetes' plugin/pkg/admission/noderestriction): what a node may
 * write is narrowed to itself — its own Node (no other, no taint changes, no labels it could use
 * to steer workloads to itself), its own Lease, the status of pods bound to it, deleting pods
 * bound to it, and creating only mirror pods; tokens only for pods bound to it.
 */
import { isDeepStrictEqual } from 'node:util';
import { ForbiddenError, qualifiedResource } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/types.js';
import type { AdmissionOp, WriteHooks } from '../../registry/registry.js';
import { requestUser } from '../context.js';
import { nodeOf } from '../user.js';
import { NODE_LEASE_NAMESPACE } from './authorizer.js';

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Labels kubelet may set on its Node (kubeletapis.KubeletLabels and their namespaces). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type', 'node.kubernetes.io/instance-type', 'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.kubernetes.io/region',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

const within = (ns: string, domain: string) => ns === domain || ns.endsWith(`.${domain}`);

/** Labels a node may not set on itself, of those `keys` (Kubernetes' getForbiddenLabels). */
export function forbiddenNodeLabels(keys: Iterable<string>): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const ns = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
    if (within(ns, 'node-restriction.kubernetes.io')) out.push(key);
    else if ((within(ns, 'kubernetes.io') || within(ns, 'k8s.io')) && !KUBELET_LABELS.has(key) && !KUBELET_LABEL_NAMESPACES.some((d) => within(ns, d))) out.push(key);
  }
  return out.sort();
}

function modifiedLabels(next: Readonly<Record<string, string>>, old: Readonly<Record<string, string>>): Set<string> {
  const keys = new Set<string>();
  for (const k of new Set([...Object.keys(next), ...Object.keys(old)])) if (next[k] !== old[k]) keys.add(k);
  return keys;
}

const nodeNameOf = (o: KubeObject | undefined) => (o?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';

/** The admission hook for `resource` (plural, group), or undefined when NodeRestriction does not
 * look at it. */
export function nodeRestriction(plural: string, group: string): WriteHooks['admit'] {
  const refuse = (op: AdmissionOp, message: string) => {
    const name = op.object?.metadata.name ?? op.oldObject?.metadata.name ?? '';
    const gr = qualifiedResource(plural, group);
    return new ForbiddenError(`${gr} "${name}" is forbidden: ${message}`, { name, ...(group ? { group } : {}), kind: plural });
  };
  const judge = pick(plural, group);
  if (!judge) return undefined;
  return (op) => {
    const user = requestUser();
    const node = user && nodeOf(user);
    if (node === undefined || node === '') return;
    const why = judge(node, op);
    if (why) throw refuse(op, why);
  };
}

type Judge = (node: string, op: AdmissionOp) => string | undefined;

function pick(plural: string, group: string): Judge | undefined {
  if (group === '' && plural === 'pods') return admitPod;
  if (group === '' && plural === 'nodes') return admitNode;
  if (group === 'coordination.k8s.io' && plural === 'leases') return admitLease;
  return undefined;
}

const admitPod: Judge = (node, op) => {
  if (op.subresource === 'status') {
    return nodeNameOf(op.oldObject) === node ? undefined : `node "${node}" can only update pod status for pods with spec.nodeName set to itself`;
  }
  if (op.subresource) return undefined;
  switch (op.operation) {
    case 'CREATE': {
      const pod = op.object!;
      if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] === undefined) {
        return `pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${node}" can only create mirror pods`;
      }
      if (nodeNameOf(pod) !== node) return `node "${node}" can only create pods with spec.nodeName set to itself`;
      const spec = (pod.spec ?? {}) as { serviceAccountName?: string; volumes?: Record<string, unknown>[] };
      if (spec.serviceAccountName) return `node "${node}" can not create pods that reference a service account`;
      const refs = JSON.stringify(pod.spec ?? {});
      if (/"(secretName|secretRef|secretKeyRef|imagePullSecrets)"/.test(refs)) return `node "${node}" can not create pods that reference secrets`;
      if (/"(configMap|configMapRef|configMapKeyRef)"/.test(refs)) return `node "${node}" can not create pods that reference configmaps`;
      if (/"persistentVolumeClaim"/.test(refs)) return `node "${node}" can not create pods that reference persistentvolumeclaims`;
      return undefined;
    }
    case 'DELETE':
      return nodeNameOf(op.oldObject) === node ? undefined : `node "${node}" can only delete pods with spec.nodeName set to itself`;
    default:
      return `unexpected operation ${op.operation}, node "${node}" can only create and delete mirror pods`;
  }
};

const admitNode: Judge = (node, op) => {
  const name = op.object?.metadata.name ?? op.oldObject?.metadata.name ?? '';
  if (name !== node) return `node "${node}" is not allowed to modify node "${name}"`;
  if (op.operation === 'CREATE') {
    const bad = forbiddenNodeLabels(Object.keys(op.object!.metadata.labels ?? {}));
    if (bad.length) return `node "${node}" is not allowed to set the following labels: ${bad.join(', ')}`;
  }
  if (op.operation === 'UPDATE' && op.subresource === '') {
    const taints = (o: KubeObject | undefined) => (o?.spec as { taints?: unknown[] } | undefined)?.taints ?? [];
    if (!isDeepStrictEqual(taints(op.object), taints(op.oldObject))) return `node "${node}" is not allowed to modify taints`;
    const bad = forbiddenNodeLabels(modifiedLabels(op.object!.metadata.labels ?? {}, op.oldObject!.metadata.labels ?? {}));
    if (bad.length) return `is not allowed to modify labels: ${bad.join(', ')}`;
  }
  return undefined;
};

const admitLease: Judge = (node, op) => {
  const lease = op.object ?? op.oldObject;
  if (lease?.metadata.namespace === NODE_LEASE_NAMESPACE && lease.metadata.name !== node) {
    return 'can only access node lease with the same name as the requesting node';
  }
  return undefined;
};

/** A TokenRequest by a node: only for a pod bound to it (admitServiceAccount). Undefined when
 * allowed; the refusal otherwise. */
export function nodeTokenRefusal(node: string, boundPod: KubeObject | undefined, boundKind: string | undefined): string | undefined {
  if (boundKind !== 'Pod') return 'node requested token not bound to a pod';
  if (!boundPod) return 'node requested token bound to a pod that does not exist';
  if (nodeNameOf(boundPod) !== node) return 'node requested token bound to a pod scheduled on a different node';
  return undefined;
}

/** Refuses a node's TokenRequest (`body`, as sent) unless it binds the token to one of its pods. */
export async function admitNodeTokenRequest(name: string, body: unknown, getPod: (podName: string) => Promise<KubeObject | undefined>): Promise<void> {
  const user = requestUser();
  const node = user && nodeOf(user);
  if (!node) return;
  const ref = ((body as { spec?: { boundObjectRef?: { kind?: string; name?: string } } } | undefined)?.spec?.boundObjectRef);
  const pod = ref?.kind === 'Pod' && ref.name ? await getPod(ref.name) : undefined;
  const why = nodeTokenRefusal(node, pod, ref?.kind);
  if (why) throw new ForbiddenError(`serviceaccounts "${name}" is forbidden: ${why}`, { name, kind: 'serviceaccounts' });
}
