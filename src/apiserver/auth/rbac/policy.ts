/**
 * Kubernetes' bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), for the resources
 * skiff serves, and the roles skiff's own parts need. Reconciled at every server start.
 */
import type { PolicyRule, Subject } from './rules.js';
import { BOOTSTRAPPERS, VIEWERS } from '../tokens.js';
import { AUTHENTICATED, MASTERS, NODES } from '../user.js';

export interface BootstrapClusterRole {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly rules: readonly PolicyRule[];
  /** matchLabels of the aggregationRule's selectors. */
  readonly aggregateFrom?: readonly Readonly<Record<string, string>>[];
}

export interface BootstrapClusterRoleBinding {
  readonly name: string;
  readonly role: string;
  readonly subjects: readonly Subject[];
}

const Read = ['get', 'list', 'watch'];
const Write = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const ReadWrite = [...Read, ...Write];

function rule(verbs: readonly string[], groups: readonly string[], resources: readonly string[]): PolicyRule {
  return { verbs: [...verbs], apiGroups: [...groups], resources: [...resources] };
}

function urls(verbs: readonly string[], paths: readonly string[]): PolicyRule {
  return { verbs: [...verbs], nonResourceURLs: [...paths] };
}

/** Kubernetes' NodeRules, as far as skiff serves the resources. */
export const nodeRules: readonly PolicyRule[] = [
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
  rule(Read, [''], ['services']),
  rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
  rule(['update', 'patch'], [''], ['nodes/status']),
  rule(['update', 'patch'], [''], ['nodes']),
  rule(['create', 'update', 'patch'], [''], ['events']),
  rule(Read, [''], ['pods']),
  rule(['create', 'delete'], [''], ['pods']),
  rule(['update', 'patch'], [''], ['pods/status']),
  rule(['create'], [''], ['pods/eviction']),
  rule(['get', 'list', 'watch'], [''], ['secrets', 'configmaps']),
  rule(['get'], [''], ['endpoints']),
  // Mounting a claim reads its volume (the claim itself only through the Node authorizer's
  // graph); the local-path sweep lists volumes to find the directories of deleted ones.
  rule(['get', 'list', 'watch'], [''], ['persistentvolumes']),
  rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
  rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
  rule(['get'], [''], ['serviceaccounts']),
  rule(['create'], [''], ['serviceaccounts/token']),
];

export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });

export const bootstrapClusterRoles: readonly BootstrapClusterRole[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  {
    name: 'system:discovery',
    rules: [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])],
  },
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])] },
  {
    // For servers that delegate authentication and authorization to the API (bound by operators).
    name: 'system:auth-delegator',
    rules: [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ],
  },
  { name: 'admin', rules: [], aggregateFrom: [{ [AGGREGATE_TO_ADMIN]: 'true' }] },
  { name: 'edit', labels: { [AGGREGATE_TO_ADMIN]: 'true' }, rules: [], aggregateFrom: [{ [AGGREGATE_TO_EDIT]: 'true' }] },
  { name: 'view', labels: { [AGGREGATE_TO_EDIT]: 'true' }, rules: [], aggregateFrom: [{ [AGGREGATE_TO_VIEW]: 'true' }] },
  {
    name: 'system:aggregate-to-admin',
    labels: { [AGGREGATE_TO_ADMIN]: 'true' },
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      rule(ReadWrite, ['rbac.authorization.k8s.io'], ['roles', 'rolebindings']),
    ],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: { [AGGREGATE_TO_EDIT]: 'true' },
    rules: [
      rule(Read, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(Write, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      rule(['create'], [''], ['pods/eviction']),
      rule(Write, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(Write, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
      rule(Write, ['batch'], ['jobs', 'cronjobs']),
      rule(Write, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(Write, ['policy'], ['poddisruptionbudgets']),
      rule(Write, ['networking.k8s.io'], ['ingresses']),
      rule(Write, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
    ],
  },
  // metrics-server's role, aggregated into view, edit and admin as its manifest labels it.
  {
    name: 'system:aggregated-metrics-reader',
    labels: { [AGGREGATE_TO_VIEW]: 'true', [AGGREGATE_TO_EDIT]: 'true', [AGGREGATE_TO_ADMIN]: 'true' },
    rules: [rule(['get', 'list', 'watch'], ['metrics.k8s.io'], ['pods', 'nodes'])],
  },
  {
    name: 'system:aggregate-to-view',
    labels: { [AGGREGATE_TO_VIEW]: 'true' },
    rules: [
      rule(Read, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
      rule(Read, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
      rule(Read, [''], ['namespaces']),
      rule(Read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(Read, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/scale', 'statefulsets/status', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status']),
      rule(Read, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      rule(Read, ['discovery.k8s.io'], ['endpointslices']),
      rule(Read, ['networking.k8s.io'], ['ingresses', 'ingresses/status']),
      rule(Read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(Read, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
    ],
  },
  // What kubelet may do (bootstrappolicy.NodeRules) for the resources skiff serves. Bound to no
  // one: the Node authorizer applies these rules itself, narrowing secrets, config maps,
  // service-account tokens and leases to the node's own, and NodeRestriction its writes.
  { name: 'system:node', rules: nodeRules },
  // kube-proxy's rights: skiff's service proxy (and host-gw routes) run inside the node agent, as
  // the node.
  {
    name: 'system:node-proxier',
    rules: [
      rule(['list', 'watch'], [''], ['endpoints', 'services']),
      rule(['get', 'list', 'watch'], [''], ['nodes']),
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ],
  },
  // What the API server may do on nodes' endpoints (their SubjectAccessReviews ask this).
  {
    name: 'system:kubelet-api-admin',
    rules: [
      rule(['get', 'list', 'watch'], [''], ['nodes']),
      rule(['proxy'], [''], ['nodes']),
      rule(['*'], [''], ['nodes/proxy', 'nodes/metrics', 'nodes/stats', 'nodes/log']),
    ],
  },
  // TLS bootstrapping: what a join token (group system:bootstrappers) may do is ask for a node
  // client certificate; the approver grants it when the requester may create nodeclient CSRs.
  { name: 'system:node-bootstrapper', rules: [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])] },
  { name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', rules: [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])] },
  { name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', rules: [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])] },
  { name: 'system:certificates.k8s.io:kube-apiserver-client-approver', rules: [{ verbs: ['approve'], apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['kubernetes.io/kube-apiserver-client'] }] },
  { name: 'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver', rules: [{ verbs: ['approve'], apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['kubernetes.io/kube-apiserver-client-kubelet'] }] },
  { name: 'system:certificates.k8s.io:kubelet-serving-approver', rules: [{ verbs: ['approve'], apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['kubernetes.io/kubelet-serving'] }] },
];

/** Bootstrap policy of older skiffs, deleted at start (see reconcile.ts). */
export const retiredClusterRoleBindings: readonly string[] = ['system:skiff:node-joiner', 'system:node'];
export const retiredClusterRoles: readonly string[] = ['system:skiff:node-joiner'];

export const bootstrapClusterRoleBindings: readonly BootstrapClusterRoleBinding[] = [
  { name: 'cluster-admin', role: 'cluster-admin', subjects: [group(MASTERS)] },
  { name: 'system:discovery', role: 'system:discovery', subjects: [group(AUTHENTICATED)] },
  { name: 'system:basic-user', role: 'system:basic-user', subjects: [group(AUTHENTICATED)] },
  { name: 'system:public-info-viewer', role: 'system:public-info-viewer', subjects: [group(AUTHENTICATED), group('system:unauthenticated')] },
  { name: 'skiff:node-proxier', role: 'system:node-proxier', subjects: [group(NODES)] },
  { name: 'skiff:kube-apiserver-kubelet-client', role: 'system:kubelet-api-admin', subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'kube-apiserver-kubelet-client' }] },
  // kubeadm's bindings for the bootstrap token's group, and certificate rotation for nodes.
  { name: 'skiff:kubelet-bootstrap', role: 'system:node-bootstrapper', subjects: [group(BOOTSTRAPPERS)] },
  { name: 'skiff:node-autoapprove-bootstrap', role: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', subjects: [group(BOOTSTRAPPERS)] },
  { name: 'skiff:node-autoapprove-certificate-rotation', role: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', subjects: [group(NODES)] },
  { name: 'skiff:viewers', role: 'view', subjects: [group(VIEWERS)] },
];
