/**
 * The CustomResourceDefinition strategy, as apiextensions-apiserver's: a new CRD's status is reset
 * to what the server knows (its storage version stored), and the first DELETE only marks it:
 * the `customresourcecleanup` finalizer and the `Terminating` condition hold it until every custom
 * object is gone (the CRD controller, ../../crd/, removes them and then the finalizer).
 */
import { customResourceDefinitions } from '../../../api/resources.js';
import { kubeTime } from '../../../api/time.js';
import type { KubeObject } from '../../../api/types.js';
import { makeStrategy } from '../strategy.js';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

function storageVersionOf(crd: KubeObject): string | undefined {
  const versions = (crd.spec?.['versions'] as { name?: string; storage?: boolean }[] | undefined) ?? [];
  return Array.isArray(versions) ? versions.find((v) => v?.storage === true)?.name : undefined;
}

/** Sets (or replaces) one condition, moving its transition time only when its status changes. */
export function setCondition(status: Record<string, unknown>, c: Condition, now = kubeTime()): void {
  const list = (Array.isArray(status['conditions']) ? status['conditions'] : []) as Condition[];
  const old = list.find((x) => x.type === c.type);
  const next = { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime ?? now : now };
  status['conditions'] = old ? list.map((x) => (x.type === c.type ? next : x)) : [...list, next];
}

export const crdStrategy = makeStrategy(customResourceDefinitions, {
  prepareForCreate(obj) {
    const storage = storageVersionOf(obj);
    obj.status = { acceptedNames: { plural: '', kind: '' }, ...(storage ? { storedVersions: [storage] } : {}) };
    obj.metadata.generation = 1;
  },
  finalizersOf(obj) {
    const own = obj.metadata.finalizers ?? [];
    // Not yet deleting: the first DELETE will add the cleanup finalizer, so it is pending.
    return obj.metadata.deletionTimestamp === undefined && !own.includes(CLEANUP_FINALIZER) ? [...own, CLEANUP_FINALIZER] : own;
  },
  markDeleting(obj) {
    const own = obj.metadata.finalizers ?? [];
    if (!own.includes(CLEANUP_FINALIZER)) obj.metadata.finalizers = [...own, CLEANUP_FINALIZER];
    obj.metadata.deletionGracePeriodSeconds = 0;
    const status = (obj.status ??= {}) as Record<string, unknown>;
    setCondition(status, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' });
  },
});
