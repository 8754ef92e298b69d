/**
 * The resource table: every resource skiff stores, and every group/version that serves it.
 *
 * A {@link ResourceType} is what is stored (one storage form, one key prefix). A
 * {@link ServedVersion} is one group/version under which clients can reach it; legacy versions
 * (`extensions/v1beta1`) convert to and from the stored form at the edge.
 */
import { autoscalingV1Converter, extensionsConverters, type Converter } from './conversion/index.js';
import type { KubeObject } from './types.js';

export interface ScaleSubresource {
  /** JSON path of the desired replicas, e.g. `spec.replicas`. */
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  /** Where the label selector is, printed as a string in Scale.status.selector. */
  readonly labelSelectorPath?: string;
}

export interface Subresources {
  readonly status?: boolean;
  readonly scale?: ScaleSubresource;
  readonly binding?: boolean;
  readonly log?: boolean;
  /** `serviceaccounts/NAME/token`: TokenRequest. */
  readonly token?: boolean;
  /** `certificatesigningrequests/NAME/approval`: the Approved/Denied conditions. */
  readonly approval?: boolean;
  /** `pods/NAME/eviction`: a policy/v1 Eviction, subject to disruption budgets. */
  readonly eviction?: boolean;
  /** `pods/NAME/exec`, `/attach`, `/portforward`: streams relayed to the pod's node. */
  readonly streams?: boolean;
  /** `pods|services|nodes/NAME/proxy`: HTTP relayed to the pod, service or node. */
  readonly proxy?: boolean;
  /** `pods/NAME/ephemeralcontainers`: the pod with only `spec.ephemeralContainers` writable. */
  readonly ephemeralContainers?: boolean;
}

export interface ResourceType {
  /** Plural resource name, also the storage key segment: `/registry/<group>/<plural>/...`. */
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  /** The group it is stored under (and its preferred group). */
  readonly group: string;
  /** The version of the stored form. */
  readonly storageVersion: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: Subresources;
  /** The REST verbs served on the resource (Kubernetes' discovery `verbs`); all eight unless the
   * resource lacks one (namespaces have no deletecollection). */
  readonly verbs: readonly ResourceVerb[];
}

export type ResourceVerb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

const allVerbs: readonly ResourceVerb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ServedVersion {
  readonly group: string;
  readonly version: string;
  readonly resource: ResourceType;
  /** Served unless `--runtime-config` turns it off (or on, when false). */
  readonly enabledByDefault: boolean;
  /** Short names announced in discovery for this version; legacy versions announce none so
   * that kubectl does not warn about ambiguous short names. */
  readonly shortNames: readonly string[];
  /** Absent when this is the storage version. */
  readonly converter?: Converter;
  /** Served from a CustomResourceDefinition (no built-in schema, defaults or printer). */
  readonly custom?: {
    /** Fields of a request object its schema does not declare (what pruning would drop). */
    unknownFields(obj: KubeObject): string[];
    /** Deprecation warning of this version, when it is deprecated. */
    readonly warning?: string;
  };
}

function resource(r: Omit<ResourceType, 'singular' | 'categories' | 'subresources' | 'shortNames' | 'verbs'> &
  Partial<Pick<ResourceType, 'categories' | 'subresources' | 'shortNames' | 'singular' | 'verbs'>>): ResourceType {
  return {
    singular: r.singular ?? r.kind.toLowerCase(),
    categories: r.categories ?? [],
    subresources: r.subresources ?? {},
    shortNames: r.shortNames ?? [],
    verbs: r.verbs ?? allVerbs,
    ...r,
  };
}

const replicasScale: ScaleSubresource = {
  specReplicasPath: 'spec.replicas',
  statusReplicasPath: 'status.replicas',
  labelSelectorPath: 'spec.selector',
};

export const namespaces = resource({ plural: 'namespaces', kind: 'Namespace', group: '', storageVersion: 'v1', namespaced: false, shortNames: ['ns'], subresources: { status: true }, verbs: allVerbs.filter((v) => v !== 'deletecollection') });
export const nodes = resource({ plural: 'nodes', kind: 'Node', group: '', storageVersion: 'v1', namespaced: false, shortNames: ['no'], subresources: { status: true, proxy: true } });
export const pods = resource({ plural: 'pods', kind: 'Pod', group: '', storageVersion: 'v1', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: { status: true, binding: true, log: true, eviction: true, streams: true, proxy: true, ephemeralContainers: true } });
export const services = resource({ plural: 'services', kind: 'Service', group: '', storageVersion: 'v1', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: { status: true, proxy: true } });
export const endpoints = resource({ plural: 'endpoints', singular: 'endpoints', kind: 'Endpoints', group: '', storageVersion: 'v1', namespaced: true, shortNames: ['ep'] });
export const replicationControllers = resource({ plural: 'replicationcontrollers', kind: 'ReplicationController', group: '', storageVersion: 'v1', namespaced: true, shortNames: ['rc'], categories: ['all'], subresources: { status: true, scale: replicasScale } });
export const events = resource({ plural: 'events', kind: 'Event', group: '', storageVersion: 'v1', namespaced: true, shortNames: ['ev'] });
export const configMaps = resource({ plural: 'configmaps', kind: 'ConfigMap', group: '', storageVersion: 'v1', namespaced: true, shortNames: ['cm'] });
export const secrets = resource({ plural: 'secrets', kind: 'Secret', group: '', storageVersion: 'v1', namespaced: true });
export const serviceAccounts = resource({ plural: 'serviceaccounts', kind: 'ServiceAccount', group: '', storageVersion: 'v1', namespaced: true, shortNames: ['sa'], subresources: { token: true } });
export const endpointSlices = resource({ plural: 'endpointslices', kind: 'EndpointSlice', group: 'discovery.k8s.io', storageVersion: 'v1', namespaced: true });
export const leases = resource({ plural: 'leases', kind: 'Lease', group: 'coordination.k8s.io', storageVersion: 'v1', namespaced: true });
export const jobs = resource({ plural: 'jobs', kind: 'Job', group: 'batch', storageVersion: 'v1', namespaced: true, categories: ['all'], subresources: { status: true } });
export const daemonSets = resource({ plural: 'daemonsets', kind: 'DaemonSet', group: 'apps', storageVersion: 'v1', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: { status: true } });
export const replicaSets = resource({ plural: 'replicasets', kind: 'ReplicaSet', group: 'apps', storageVersion: 'v1', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: { status: true, scale: replicasScale } });
export const cronJobs = resource({ plural: 'cronjobs', kind: 'CronJob', group: 'batch', storageVersion: 'v1', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: { status: true } });
export const statefulSets = resource({ plural: 'statefulsets', kind: 'StatefulSet', group: 'apps', storageVersion: 'v1', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: { status: true, scale: replicasScale } });
export const controllerRevisions = resource({ plural: 'controllerrevisions', kind: 'ControllerRevision', group: 'apps', storageVersion: 'v1', namespaced: true });
export const podDisruptionBudgets = resource({ plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', group: 'policy', storageVersion: 'v1', namespaced: true, shortNames: ['pdb'], subresources: { status: true } });
/** networking.k8s.io: HTTP routing into services (the ingress controller is in the node proxy). */
export const ingresses = resource({ plural: 'ingresses', kind: 'Ingress', group: 'networking.k8s.io', storageVersion: 'v1', namespaced: true, shortNames: ['ing'], subresources: { status: true } });
export const ingressClasses = resource({ plural: 'ingressclasses', kind: 'IngressClass', group: 'networking.k8s.io', storageVersion: 'v1', namespaced: false });
export const persistentVolumes = resource({ plural: 'persistentvolumes', kind: 'PersistentVolume', group: '', storageVersion: 'v1', namespaced: false, shortNames: ['pv'], subresources: { status: true } });
export const persistentVolumeClaims = resource({ plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', group: '', storageVersion: 'v1', namespaced: true, shortNames: ['pvc'], subresources: { status: true } });
export const storageClasses = resource({ plural: 'storageclasses', kind: 'StorageClass', group: 'storage.k8s.io', storageVersion: 'v1', namespaced: false, shortNames: ['sc'] });
export const deployments = resource({ plural: 'deployments', kind: 'Deployment', group: 'apps', storageVersion: 'v1', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: { status: true, scale: replicasScale } });
export const horizontalPodAutoscalers = resource({ plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', group: 'autoscaling', storageVersion: 'v2', namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: { status: true } });

const rbacGroup = 'rbac.authorization.k8s.io';
export const roles = resource({ plural: 'roles', kind: 'Role', group: rbacGroup, storageVersion: 'v1', namespaced: true });
export const clusterRoles = resource({ plural: 'clusterroles', kind: 'ClusterRole', group: rbacGroup, storageVersion: 'v1', namespaced: false });
export const roleBindings = resource({ plural: 'rolebindings', kind: 'RoleBinding', group: rbacGroup, storageVersion: 'v1', namespaced: true });
export const clusterRoleBindings = resource({ plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', group: rbacGroup, storageVersion: 'v1', namespaced: false });

export const certificateSigningRequests = resource({ plural: 'certificatesigningrequests', kind: 'CertificateSigningRequest', group: 'certificates.k8s.io', storageVersion: 'v1', namespaced: false, shortNames: ['csr'], subresources: { status: true, approval: true } });
/** CustomResourceDefinitions: each established one serves a resource of its own (apiserver/crd/). */
export const customResourceDefinitions = resource({
  plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', group: 'apiextensions.k8s.io', storageVersion: 'v1',
  namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: { status: true },
});

/** Reviews: created and answered, never stored (the registry pipeline does not see them). */
const createOnly: readonly ResourceVerb[] = ['create'];
export const selfSubjectAccessReviews = resource({ plural: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', group: 'authorization.k8s.io', storageVersion: 'v1', namespaced: false, verbs: createOnly });
export const selfSubjectRulesReviews = resource({ plural: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', group: 'authorization.k8s.io', storageVersion: 'v1', namespaced: false, verbs: createOnly });
export const subjectAccessReviews = resource({ plural: 'subjectaccessreviews', kind: 'SubjectAccessReview', group: 'authorization.k8s.io', storageVersion: 'v1', namespaced: false, verbs: createOnly });
export const selfSubjectReviews = resource({ plural: 'selfsubjectreviews', kind: 'SelfSubjectReview', group: 'authentication.k8s.io', storageVersion: 'v1', namespaced: false, verbs: createOnly });
export const tokenReviews = resource({ plural: 'tokenreviews', kind: 'TokenReview', group: 'authentication.k8s.io', storageVersion: 'v1', namespaced: false, verbs: createOnly });

/** The create-only review resources. */
export const reviewResources: readonly ResourceType[] = [selfSubjectAccessReviews, selfSubjectRulesReviews, subjectAccessReviews, selfSubjectReviews, tokenReviews];

/** Resource metrics: computed from the nodes on each read, never stored (apiserver/metricsapi/). */
const readOnly: readonly ResourceVerb[] = ['get', 'list'];
export const nodeMetrics = resource({ plural: 'nodes', singular: 'nodemetrics', kind: 'NodeMetrics', group: 'metrics.k8s.io', storageVersion: 'v1beta1', namespaced: false, verbs: readOnly });
export const podMetrics = resource({ plural: 'pods', singular: 'podmetrics', kind: 'PodMetrics', group: 'metrics.k8s.io', storageVersion: 'v1beta1', namespaced: true, verbs: readOnly });
export const metricsResources: readonly ResourceType[] = [nodeMetrics, podMetrics];

/** Every stored resource (the reviews are served, not stored). */
export const resourceTypes: readonly ResourceType[] = [
  namespaces, nodes, pods, services, endpoints, replicationControllers, events, configMaps, secrets,
  serviceAccounts, leases, jobs, daemonSets, replicaSets, deployments,
  cronJobs, statefulSets, controllerRevisions,
  podDisruptionBudgets,
  ingresses, ingressClasses,
  persistentVolumes, persistentVolumeClaims, storageClasses,
  horizontalPodAutoscalers,
  roles, clusterRoles, roleBindings, clusterRoleBindings,
  endpointSlices,
  certificateSigningRequests,
  customResourceDefinitions,
];

function native(r: ResourceType): ServedVersion {
  return { group: r.group, version: r.storageVersion, resource: r, enabledByDefault: true, shortNames: r.shortNames };
}

function legacy(r: ResourceType, enabledByDefault: boolean): ServedVersion {
  const converter = extensionsConverters[r.kind];
  if (!converter) throw new Error(`no extensions/v1beta1 converter for ${r.kind}`);
  return { group: 'extensions', version: 'v1beta1', resource: r, enabledByDefault, shortNames: [], converter };
}

/**
 * Every group/version/resource the server can serve, in discovery order (preferred groups first).
 * `extensions/v1beta1` serves jobs and replicasets by default and daemonsets and deployments only
 * when `--runtime-config` enables them, as the seeds' Kubernetes did.
 */
export const servedVersions: readonly ServedVersion[] = [
  ...resourceTypes.map(native),
  ...reviewResources.map(native),
  ...metricsResources.map(native),
  // autoscaling/v1 is the same objects (a CPU target only; the rest in annotations).
  { group: 'autoscaling', version: 'v1', resource: horizontalPodAutoscalers, enabledByDefault: true, shortNames: [], converter: autoscalingV1Converter },
  legacy(jobs, true),
  legacy(replicaSets, true),
  legacy(daemonSets, false),
  legacy(deployments, false),
];

/** Group → versions in preference order. */
export function groupVersions(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of servedVersions) {
    const list = out.get(s.group) ?? [];
    if (!list.includes(s.version)) list.push(s.version);
    out.set(s.group, list);
  }
  return out;
}

export function findResourceType(group: string, plural: string): ResourceType | undefined {
  return resourceTypes.find((r) => r.group === group && r.plural === plural);
}
