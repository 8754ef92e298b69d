/** Every definition, and which one each group/version/kind is. */
import { fullName, type Definitions, type Schema } from './dsl.js';
import { metaDefinitions } from './meta.js';
import { containerDefinitions } from './container.js';
import { podDefinitions } from './pod.js';
import { affinityDefinitions } from './affinity.js';
import { volumeDefinitions } from './volumes.js';
import { conditionDefinition, serviceDefinitions } from './service.js';
import { clusterDefinitions } from './cluster.js';
import { workloadDefinitions } from './workloads.js';
import { extensionsDefinitions } from './extensions.js';
import { rbacDefinitions } from './rbac.js';
import { discoveryDefinitions } from './discovery.js';
import { cronJobDefinitions } from './cronjob.js';
import { certificateDefinitions } from './certificates.js';
import { statefulSetDefinitions } from './statefulset.js';
import { policyDefinitions } from './policy.js';
import { apiextensionsDefinitions } from './apiextensions.js';
import { networkingDefinitions } from './networking.js';
import { storageDefinitions } from './storage.js';
import { metricsDefinitions } from './metrics.js';
import { hpaDefinitions } from './hpa.js';

export const definitions: Definitions = {
  ...metaDefinitions,
  ...conditionDefinition,
  ...containerDefinitions,
  ...podDefinitions,
  ...affinityDefinitions,
  ...volumeDefinitions,
  ...serviceDefinitions,
  ...clusterDefinitions,
  ...workloadDefinitions,
  ...extensionsDefinitions,
  ...rbacDefinitions,
  ...discoveryDefinitions,
  ...certificateDefinitions,
  ...cronJobDefinitions,
  ...statefulSetDefinitions,
  ...policyDefinitions,
  ...apiextensionsDefinitions,
  ...networkingDefinitions,
  ...storageDefinitions,
  ...metricsDefinitions,
  ...hpaDefinitions,
};

export interface KindEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Full definition name, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly definition: string;
}

function entries(group: string, version: string, prefix: string, kinds: readonly string[]): KindEntry[] {
  return kinds.flatMap((kind) => [
    { group, version, kind, definition: fullName(`${prefix}.${kind}`) },
    { group, version, kind: `${kind}List`, definition: fullName(`${prefix}.${kind}List`) },
  ]);
}

/** Group/version/kinds with their definitions: every served kind and its list, and the meta kinds. */
export const kindCatalog: readonly KindEntry[] = [
  ...entries('', 'v1', 'core', [
    'Namespace', 'Node', 'Pod', 'Service', 'Endpoints', 'ReplicationController', 'Event', 'ConfigMap', 'Secret', 'ServiceAccount',
    'PersistentVolume', 'PersistentVolumeClaim',
  ]),
  ...entries('storage.k8s.io', 'v1', 'storage', ['StorageClass']),
  ...entries('coordination.k8s.io', 'v1', 'coord', ['Lease']),
  ...entries('discovery.k8s.io', 'v1', 'discovery', ['EndpointSlice']),
  ...entries('batch', 'v1', 'batch', ['Job', 'CronJob']),
  ...entries('apps', 'v1', 'apps', ['DaemonSet', 'ReplicaSet', 'Deployment', 'StatefulSet', 'ControllerRevision']),
  ...entries('extensions', 'v1beta1', 'ext', ['Job', 'ReplicaSet', 'DaemonSet', 'Deployment']),
  ...entries('policy', 'v1', 'policy', ['PodDisruptionBudget']),
  ...entries('networking.k8s.io', 'v1', 'networking', ['Ingress', 'IngressClass']),
  { group: 'policy', version: 'v1', kind: 'Eviction', definition: fullName('policy.Eviction') },
  ...entries('apiextensions.k8s.io', 'v1', 'apiext', ['CustomResourceDefinition']),
  ...entries('rbac.authorization.k8s.io', 'v1', 'rbac', ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']),
  ...entries('certificates.k8s.io', 'v1', 'certs', ['CertificateSigningRequest']),
  ...entries('metrics.k8s.io', 'v1beta1', 'metrics', ['NodeMetrics', 'PodMetrics']),
  ...entries('autoscaling', 'v2', 'autoscalingv2', ['HorizontalPodAutoscaler']),
  ...entries('autoscaling', 'v1', 'autoscaling', ['HorizontalPodAutoscaler']),
  ...['SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'].map((kind) => (
    { group: 'authorization.k8s.io', version: 'v1', kind, definition: fullName(`authz.${kind}`) })),
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', definition: fullName('authn.SelfSubjectReview') },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', definition: fullName('authn.TokenReview') },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', definition: fullName('authn.TokenRequest') },
  { group: '', version: 'v1', kind: 'Status', definition: fullName('meta.Status') },
  { group: '', version: 'v1', kind: 'Binding', definition: fullName('core.Binding') },
  { group: 'autoscaling', version: 'v1', kind: 'Scale', definition: fullName('autoscaling.Scale') },
];

/** Group/versions that carry DeleteOptions and WatchEvent, as Kubernetes lists them on those types. */
export const metaKindGroupVersions: readonly { group: string; version: string }[] = [
  { group: '', version: 'v1' },
  { group: 'apps', version: 'v1' },
  { group: 'autoscaling', version: 'v1' },
  { group: 'autoscaling', version: 'v2' },
  { group: 'batch', version: 'v1' },
  { group: 'coordination.k8s.io', version: 'v1' },
  { group: 'discovery.k8s.io', version: 'v1' },
  { group: 'policy', version: 'v1' },
  { group: 'networking.k8s.io', version: 'v1' },
  { group: 'storage.k8s.io', version: 'v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1' },
  { group: 'certificates.k8s.io', version: 'v1' },
  { group: 'authorization.k8s.io', version: 'v1' },
  { group: 'authentication.k8s.io', version: 'v1' },
  { group: 'extensions', version: 'v1beta1' },
  { group: 'apiextensions.k8s.io', version: 'v1' },
];

const byGvk = new Map(kindCatalog.map((e) => [`${e.group}/${e.version}/${e.kind}`, e]));
const byDefinition = new Map<string, KindEntry[]>();
for (const e of kindCatalog) byDefinition.set(e.definition, [...(byDefinition.get(e.definition) ?? []), e]);

export function kindEntry(group: string, version: string, kind: string): KindEntry | undefined {
  return byGvk.get(`${group}/${version}/${kind}`);
}

/** The group/version/kinds a definition is the top-level schema of (empty for parts). */
export function kindsOfDefinition(name: string): readonly KindEntry[] {
  return byDefinition.get(name) ?? [];
}

/** The named definition, or undefined. */
export function definition(name: string): Schema | undefined {
  return definitions[name];
}

/** Follows refs to the schema that describes values. */
export function resolve(s: Schema): Schema {
  let cur = s;
  for (let i = 0; cur.t === 'ref' && i < 32; i++) {
    const next = definitions[cur.name];
    if (!next) throw new Error(`schema: unknown definition ${cur.name}`);
    cur = next;
  }
  return cur;
}

/** Names of the definitions `start` refers to, directly or not (including `start`). */
export function closure(start: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    const d = definitions[name];
    if (!d) throw new Error(`schema: unknown definition ${name}`);
    seen.add(name);
    collectRefs(d, todo);
  }
  return seen;
}

function collectRefs(s: Schema, out: string[]): void {
  switch (s.t) {
    case 'ref':
      out.push(s.name);
      return;
    case 'object':
      for (const p of Object.values(s.properties)) collectRefs(p, out);
      if (s.additional) collectRefs(s.additional, out);
      return;
    case 'map':
      collectRefs(s.values, out);
      return;
    case 'array':
      collectRefs(s.items, out);
      return;
    default:
  }
}
