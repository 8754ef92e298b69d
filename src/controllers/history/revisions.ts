/**
 * ControllerRevisions of a stateful set or daemon set, as Kubernetes' controller history keeps
 * them: each holds the patch that restores one pod template (`{"spec":{"template":{…,"$patch":
 * "replace"}}}`, what `kubectl rollout undo` applies), is named `OWNER-HASH`, and is numbered in
 * the order templates were last in use — going back to an old template renumbers its revision
 * instead of making a new one. Old revisions beyond revisionHistoryLimit are deleted unless a
 * pod still runs them.
 */
import { isDeepStrictEqual } from 'node:util';
import { controllerRevisions } from '../../api/resources.js';
import type { ControllerRevision, PodTemplateSpec } from '../../api/kinds.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { ApiError } from '../../api/errors.js';
import type { ControllerContext } from '../controller.js';
import { templateHash } from '../daemonset/hash.js';
import { controllerRef } from '../replication/pods.js';

export const revisionLabel = 'controller-revision-hash';

/** The data of a revision of `template`. */
export function revisionData(template: PodTemplateSpec): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(template), $patch: 'replace' } } };
}

/** The template a revision restores (undefined when its data holds none). */
export function revisionTemplate(rev: ControllerRevision): PodTemplateSpec | undefined {
  const data = rev.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined;
  const t = data?.spec?.template;
  if (!t) return undefined;
  const { $patch: _p, ...rest } = t;
  return rest;
}

/** The revisions `owner` controls, oldest first. */
export function ownedRevisions(all: readonly ControllerRevision[], owner: KubeObject): ControllerRevision[] {
  return all
    .filter((r) => controllerRef(r)?.uid === owner.metadata.uid)
    .sort((a, b) => a.revision - b.revision || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
}

/** The hash that names a revision: the template's, salted by the collision count. */
export function revisionHash(template: PodTemplateSpec, collisionCount: number): string {
  return collisionCount === 0 ? templateHash(template) : templateHash({ ...template, metadata: { ...(template.metadata ?? {}), annotations: { ...(template.metadata?.annotations ?? {}), 'skiff.dev/collision-count': String(collisionCount) } } });
}

function sameData(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));
}

export interface EnsuredRevision {
  readonly revision: ControllerRevision;
  readonly collisionCount: number;
}

/**
 * The revision of `template` for `owner`: the newest one already holding it, an older one
 * renumbered to come last, or a new one. A name taken by another template bumps collisionCount.
 */
export async function ensureRevision(
  ctx: ControllerContext, owner: KubeObject, ref: OwnerReference, revisions: readonly ControllerRevision[],
  template: PodTemplateSpec, collisionCount: number,
): Promise<EnsuredRevision> {
  const data = revisionData(template);
  const next = (revisions.at(-1)?.revision ?? 0) + 1;
  const equal = revisions.filter((r) => sameData(r.data, data));
  const latest = equal.at(-1);
  if (latest) {
    if (latest === revisions.at(-1)) return { revision: latest, collisionCount };
    const renumbered = await ctx.client.update<ControllerRevision>(controllerRevisions, { ...latest, apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: next });
    return { revision: renumbered, collisionCount };
  }
  const namespace = owner.metadata.namespace ?? 'default';
  for (let count = collisionCount; ; count++) {
    const hash = revisionHash(template, count);
    const rev: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${(owner.metadata.name ?? '').slice(0, 223)}-${hash}`,
        namespace,
        labels: { ...(template.metadata?.labels ?? {}), [revisionLabel]: hash },
        ownerReferences: [ref],
      },
      data,
      revision: next,
    };
    try {
      return { revision: await ctx.client.create<ControllerRevision>(controllerRevisions, rev), collisionCount: count };
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      // Already made (our cache is behind) or a different template under the same hash.
      const existing = await ctx.client.get<ControllerRevision>(controllerRevisions, namespace, rev.metadata.name ?? '');
      if (controllerRef(existing)?.uid === owner.metadata.uid && sameData(existing.data, data)) {
        if (existing.revision >= next - 1) return { revision: existing, collisionCount: count };
        const renumbered = await ctx.client.update<ControllerRevision>(controllerRevisions, { ...existing, revision: next });
        return { revision: renumbered, collisionCount: count };
      }
    }
  }
}

/** Deletes the oldest revisions beyond `limit` that are not `live` (in use by a pod or the status). */
export async function truncateHistory(ctx: ControllerContext, revisions: readonly ControllerRevision[], live: ReadonlySet<string>, limit: number): Promise<void> {
  const old = revisions.filter((r) => !live.has(r.metadata.name ?? ''));
  const excess = old.length - Math.max(0, limit);
  for (const r of old.slice(0, Math.max(0, excess))) {
    try {
      await ctx.client.delete(controllerRevisions, r.metadata.namespace, r.metadata.name ?? '', { preconditions: { uid: r.metadata.uid ?? '' } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
