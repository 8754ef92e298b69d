/** The strategy of every stored resource. */
import * as r from '../../api/resources.js';
import type { ResourceType } from '../../api/resources.js';
import { prepareJobSelector } from '../../api/defaults/index.js';
import type { Job } from '../../api/kinds.js';
import { makeStrategy, type Strategy } from './strategy.js';
import { podStrategy } from './core/pods.js';
import { serviceStrategy } from './core/services.js';
import { csrStrategy } from './certificates/csr.js';
import { crdStrategy } from './apiextensions/crds.js';

const keepStatusOnCreate = { prepareForCreate: () => undefined };

const all: Strategy[] = [
  podStrategy,
  makeStrategy(r.namespaces, {
    prepareForCreate(obj) {
      obj.status = { phase: 'Active' };
    },
    prepareForUpdate(obj, old) {
      obj.status = old.status;
    },
    finalizersOf: (obj) => [...(obj.metadata.finalizers ?? []), ...(((obj.spec?.['finalizers'] as string[] | undefined) ?? []))],
    markDeleting(obj) {
      obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
    },
  }),
  // Nodes are registered by their agent, status included (as the kubelet does).
  makeStrategy(r.nodes, keepStatusOnCreate),
  serviceStrategy,
  makeStrategy(r.endpoints),
  makeStrategy(r.endpointSlices),
  makeStrategy(r.replicationControllers),
  makeStrategy(r.events),
  makeStrategy(r.configMaps),
  makeStrategy(r.secrets),
  makeStrategy(r.serviceAccounts),
  makeStrategy(r.leases),
  makeStrategy(r.jobs, {
    afterIdentity(obj) {
      prepareJobSelector(obj as Job);
    },
  }),
  makeStrategy(r.daemonSets),
  makeStrategy(r.replicaSets),
  makeStrategy(r.deployments),
  makeStrategy(r.cronJobs),
  makeStrategy(r.statefulSets),
  makeStrategy(r.controllerRevisions),
  makeStrategy(r.podDisruptionBudgets),
  makeStrategy(r.ingresses),
  makeStrategy(r.ingressClasses),
  makeStrategy(r.persistentVolumes, { prepareForCreate(obj) { obj.status = { phase: 'Pending' }; } }),
  makeStrategy(r.persistentVolumeClaims, { prepareForCreate(obj) { obj.status = { phase: 'Pending' }; } }),
  makeStrategy(r.storageClasses),
  makeStrategy(r.horizontalPodAutoscalers),
  makeStrategy(r.roles),
  makeStrategy(r.clusterRoles),
  makeStrategy(r.roleBindings),
  makeStrategy(r.clusterRoleBindings),
  csrStrategy,
  crdStrategy,
];

const byResource = new Map<ResourceType, Strategy>(all.map((s) => [s.resource, s]));

export function strategyFor(resource: ResourceType): Strategy {
  const s = byResource.get(resource);
  if (!s) throw new Error(`no strategy for ${resource.plural}`);
  return s;
}
