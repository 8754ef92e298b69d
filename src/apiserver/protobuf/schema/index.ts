/** The compiled message tables and the kinds whose protobuf bodies skiff decodes. */
import { compileTables, type Message } from './dsl.js';
import { metaMessages } from './meta.js';
import { coreMessages } from './core.js';
import { podMessages } from './pod.js';
import { volumeMessages } from './volumes.js';
import { storageMessages } from './storage.js';
import { workloadMessages } from './workloads.js';
import { rbacMessages } from './rbac.js';
import { discoveryMessages } from './discovery.js';
import { certificateMessages } from './certificates.js';
import { networkingMessages } from './networking.js';
import { wellKnownMessages } from '../wellknown.js';

export type { Field, Message, ValueType } from './dsl.js';

/** Messages with their own JSON form: decoded by their wire table, then converted (wellknown.ts). */
export const wellKnown: ReadonlyMap<string, Message> = compileTables(wellKnownMessages);

export const messages: ReadonlyMap<string, Message> = compileTables(metaMessages, coreMessages, podMessages, volumeMessages, workloadMessages, rbacMessages, discoveryMessages, certificateMessages, networkingMessages, storageMessages);

/** apiVersion → kind → root message: the served kinds kubectl may send as protobuf. */
const KINDS: Record<string, readonly string[]> = {
  v1: ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Pod', 'ReplicationController', 'Endpoints', 'Event', 'Node', 'Binding', 'PersistentVolume', 'PersistentVolumeClaim'],
  'storage.k8s.io/v1': ['StorageClass'],
  'apps/v1': ['Deployment', 'DaemonSet', 'ReplicaSet'],
  'batch/v1': ['Job', 'CronJob'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'autoscaling/v1': ['Scale', 'HorizontalPodAutoscaler'],
  'policy/v1': ['PodDisruptionBudget', 'Eviction'],
  'policy/v1beta1': ['Eviction'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass'],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'authorization.k8s.io/v1': ['SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'],
  'authentication.k8s.io/v1': ['SelfSubjectReview', 'TokenRequest', 'TokenReview'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
};

/** The root message for an envelope's type, or undefined when skiff does not decode it.
 * DeleteOptions travels with the version of whatever resource is being deleted, so any version is
 * accepted for it. */
export function rootMessage(apiVersion: string, kind: string): Message | undefined {
  if (kind === 'DeleteOptions') return messages.get(kind);
  return KINDS[apiVersion]?.includes(kind) ? messages.get(kind) : undefined;
}

/** Every message type a field names must exist: checked once at load so a table typo fails fast. */
for (const message of messages.values()) {
  for (const field of message.fields.values()) {
    const t = field.type;
    if ('message' in t && !messages.has(t.message) && !wellKnown.has(t.message)) {
      throw new Error(`protobuf schema ${message.name}.${field.json || '(inline)'}: unknown message ${t.message}`);
    }
  }
}
