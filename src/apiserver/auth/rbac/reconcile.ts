/**
 * Reconciles the bootstrap policy at server start, as kube-apiserver's rbac/bootstrap-roles
 * post-start hook: missing roles and bindings are created; existing ones that keep
 * `rbac.authorization.kubernetes.io/autoupdate: "true"` get missing rules, labels and subjects
 * added (nothing is taken away); an operator who set it to "false" owns the object.
 */
import { isDeepStrictEqual } from 'node:util';
import { AlreadyExistsError, NotFoundError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/types.js';
import type { Registry } from '../../registry/registry.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles, retiredClusterRoleBindings, retiredClusterRoles } from './policy.js';
import type { PolicyRule, Subject } from './rules.js';

export const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';
const bootstrapLabel = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const rbacApiVersion = 'rbac.authorization.k8s.io/v1';

function autoUpdate(o: KubeObject): boolean {
  return o.metadata.annotations?.[AUTOUPDATE] !== 'false';
}

async function ensure(reg: Registry, name: string, desired: KubeObject, merge: (current: KubeObject) => KubeObject | undefined): Promise<void> {
  try {
    await reg.create(desired);
    return;
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
  try {
    await reg.guaranteedUpdate(undefined, name, (current) => (autoUpdate(current) ? (merge(current) ?? current) : current));
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

function missing<T>(have: readonly T[], want: readonly T[]): T[] {
  return want.filter((w) => !have.some((h) => isDeepStrictEqual(h, w)));
}

export async function reconcileBootstrapPolicy(clusterRoles: Registry, clusterRoleBindings: Registry): Promise<void> {
  for (const r of bootstrapClusterRoles) {
    const labels = { ...bootstrapLabel, ...(r.labels ?? {}) };
    const aggregationRule = r.aggregateFrom ? { clusterRoleSelectors: r.aggregateFrom.map((m) => ({ matchLabels: { ...m } })) } : undefined;
    const desired = {
      apiVersion: rbacApiVersion,
      kind: 'ClusterRole',
      metadata: { name: r.name, labels, annotations: { [AUTOUPDATE]: 'true' } },
      rules: r.rules,
      ...(aggregationRule ? { aggregationRule } : {}),
    } as unknown as KubeObject;
    await ensure(clusterRoles, r.name, desired, (current) => {
      const have = ((current as { rules?: PolicyRule[] }).rules ?? []);
      // Aggregated roles' rules belong to the aggregation controller.
      const add = aggregationRule ? [] : missing(have, r.rules);
      const curLabels = current.metadata.labels ?? {};
      const labelsMissing = Object.entries(labels).some(([k, v]) => curLabels[k] !== v);
      const aggMissing = aggregationRule && !isDeepStrictEqual((current as { aggregationRule?: unknown }).aggregationRule, aggregationRule);
      if (add.length === 0 && !labelsMissing && !aggMissing) return undefined;
      return {
        ...current,
        metadata: { ...current.metadata, labels: { ...curLabels, ...labels } },
        rules: [...have, ...add],
        ...(aggregationRule ? { aggregationRule } : {}),
      } as KubeObject;
    });
  }
  for (const b of bootstrapClusterRoleBindings) {
    const desired = {
      apiVersion: rbacApiVersion,
      kind: 'ClusterRoleBinding',
      metadata: { name: b.name, labels: { ...bootstrapLabel }, annotations: { [AUTOUPDATE]: 'true' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: b.role },
      subjects: b.subjects,
    } as unknown as KubeObject;
    await ensure(clusterRoleBindings, b.name, desired, (current) => {
      const have = ((current as { subjects?: Subject[] }).subjects ?? []);
      const add = missing(have, b.subjects);
      if (add.length === 0) return undefined;
      return { ...current, subjects: [...have, ...add] } as KubeObject;
    });
  }
  // Policy an older skiff created that must not outlive it (the join token's read-everything
  // role): removed while it still carries the bootstrap policy's autoupdate mark.
  for (const [reg, names] of [[clusterRoleBindings, retiredClusterRoleBindings], [clusterRoles, retiredClusterRoles]] as const) {
    for (const name of names) {
      const current = await reg.get(undefined, name).catch(() => undefined);
      if (current && autoUpdate(current)) await reg.delete(undefined, name).catch(() => undefined);
    }
  }
}
