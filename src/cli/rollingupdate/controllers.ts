/**
 * Building the two controllers of a rolling update (kubectl's CreateNewControllerFromCurrentController
 * and the deployment-key bookkeeping): the "next" RC is the old one with the new image, named
 * `OLD-<hash>` where the hash is the md5 of the next RC's JSON, and a `deployment=<hash>` label on
 * its selector and template so the two controllers never fight over pods. The annotations let a
 * second run find and resume an interrupted update.
 */
import { createHash } from 'node:crypto';
import type { PodTemplateSpec, ReplicationController } from '../../api/kinds.js';

export const nextControllerAnnotation = 'kubectl.kubernetes.io/next-controller-id';
export const desiredReplicasAnnotation = 'kubectl.kubernetes.io/desired-replicas';
export const sourceIdAnnotation = 'kubectl.kubernetes.io/update-source-id';
export const originalReplicasAnnotation = 'kubectl.kubernetes.io/original-replicas';

export class RollingUpdateError extends Error {}

/** md5 hex of an object's JSON (kubectl's HashObject). */
export function hashObject(obj: unknown): string {
  return createHash('md5').update(JSON.stringify(obj)).digest('hex');
}

/** `oldName:oldUID`, recorded on the next RC so a resumed run knows whose update it is. */
export function sourceId(rc: ReplicationController): string {
  return `${rc.metadata.name ?? ''}:${rc.metadata.uid ?? ''}`;
}

export interface NextFromImage {
  readonly image: string;
  readonly container?: string | undefined;
  /** NEW given on the command line; else `OLD-<hash>`. */
  readonly newName?: string | undefined;
  readonly deploymentKey: string;
}

/** The next RC for `--image`: a copy of `old` with one container's image replaced. */
export function nextFromImage(old: ReplicationController, o: NextFromImage): ReplicationController {
  const next = structuredClone(old) as ReplicationController;
  const containers = next.spec?.template?.spec?.containers ?? [];
  let target = containers[0];
  if (o.container) {
    target = containers.find((c) => c.name === o.container);
    if (!target) throw new RollingUpdateError(`Couldn't find container named ${o.container} in ${old.metadata.name ?? ''}`);
  } else if (containers.length > 1) {
    throw new RollingUpdateError('Must specify container to update when updating a multi-container pod');
  }
  if (!target) throw new RollingUpdateError(`${old.metadata.name ?? ''} has no containers`);
  if (target.image === o.image) throw new RollingUpdateError('Specified --image must be distinct from existing container image');
  target.image = o.image;
  const hash = hashObject(next);
  const name = o.newName || `${old.metadata.name ?? ''}-${hash}`;
  return withDeploymentKey(fresh(next, name), o.deploymentKey, hash);
}

/** The next RC from a file (`-f`): validated as kubectl validates it. */
export function nextFromManifest(old: ReplicationController, next: ReplicationController, deploymentKey: string): ReplicationController {
  const name = next.metadata.name ?? '';
  if (name === old.metadata.name) throw new RollingUpdateError(`${name} cannot have the same name as the existing ReplicationController ${name}`);
  const sel = next.spec?.selector ?? {};
  const oldSel = old.spec?.selector ?? {};
  if (!Object.keys(sel).some((k) => k in oldSel && oldSel[k] !== sel[k]) && !(deploymentKey in sel)) {
    throw new RollingUpdateError(`${name} must specify a matching key with non-equal value in Selector for ${old.metadata.name ?? ''}`);
  }
  if ((next.metadata.namespace ?? old.metadata.namespace) !== old.metadata.namespace) {
    throw new RollingUpdateError(`${name} must be in the same namespace as ${old.metadata.name ?? ''}`);
  }
  const out = fresh(structuredClone(next), name);
  out.metadata.namespace = old.metadata.namespace;
  if (out.spec && out.spec.replicas === undefined) out.spec.replicas = old.spec?.replicas ?? 1;
  return out;
}

/** Drops server-owned fields and the old controller's update annotations from a copy. */
function fresh(rc: ReplicationController, name: string): ReplicationController {
  const { namespace, labels, annotations } = rc.metadata;
  const kept = { ...(annotations ?? {}) };
  for (const k of [nextControllerAnnotation, desiredReplicasAnnotation, sourceIdAnnotation, originalReplicasAnnotation]) delete kept[k];
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(Object.keys(kept).length ? { annotations: kept } : {}) },
    ...(rc.spec ? { spec: rc.spec } : {}),
  } as ReplicationController;
}

/** Sets `key=value` on the selector and the template labels. */
export function withDeploymentKey(rc: ReplicationController, key: string, value: string): ReplicationController {
  const spec = rc.spec;
  const template: Partial<PodTemplateSpec> = spec.template ?? {};
  const meta = template.metadata ?? {};
  return {
    ...rc,
    spec: {
      ...spec,
      selector: { ...(spec.selector ?? {}), [key]: value },
      template: { ...template, metadata: { ...meta, labels: { ...(meta.labels ?? {}), [key]: value } } },
    },
  } as ReplicationController;
}

/** The desired replicas recorded on the next RC, or undefined when missing or bad. */
export function desiredOf(rc: ReplicationController): number | undefined {
  const v = rc.metadata.annotations?.[desiredReplicasAnnotation];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) ? n : undefined;
}
