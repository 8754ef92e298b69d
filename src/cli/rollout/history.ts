/**
 * A deployment's rollout history as kubectl reads it from the ReplicaSets the deployment controls
 * (their revision annotation, their `kubernetes.io/change-cause`), and what `rollout undo` does
 * with it: find the ReplicaSet of a revision (by default the one before the newest) and patch its
 * template — without the pod-template-hash label — and its annotations back into the deployment.
 */
import type { PodTemplateSpec } from '../../api/kinds.js';
import { DescribeWriter, podTemplate } from '../describe/index.js';
import type { Deployment, ReplicaSet } from '../../controllers/deployment/index.js';
import {
  desiredReplicasAnnotation, equalIgnoreHash, lastAppliedAnnotation, maxReplicasAnnotation, podTemplateHashLabel, revisionAnnotation,
  revisionHistoryAnnotation, revisionOf,
} from '../../controllers/deployment/index.js';

export const changeCauseAnnotation = 'kubernetes.io/change-cause';

/** ReplicaSets whose controller is `d`. */
export function controlledBy(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  return rss.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
}

/** The `REVISION  CHANGE-CAUSE` table, revisions ascending. */
export function historyTable(rss: readonly ReplicaSet[]): string {
  const rows = new Map<number, string>();
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (!Number.isFinite(v) || v <= 0) continue;
    rows.set(v, rs.metadata.annotations?.[changeCauseAnnotation] ?? '<none>');
  }
  if (rows.size === 0) return 'No rollout history found.\n';
  const lines: [string, string][] = [['REVISION', 'CHANGE-CAUSE'], ...[...rows].sort((a, b) => a[0] - b[0]).map(([v, c]): [string, string] => [String(v), c])];
  const width = Math.max(...lines.map(([a]) => a.length)) + 2;
  return lines.map(([a, b]) => `${a.padEnd(width)}${b}\n`).join('');
}

export class RolloutError extends Error {}

/** kubectl's deploymentRevision: the ReplicaSet of `toRevision`, or with 0 the second newest. */
export function replicaSetForRevision(d: Deployment, rss: readonly ReplicaSet[], toRevision: number): ReplicaSet {
  let latest: ReplicaSet | undefined;
  let latestRev = -1;
  let previous: ReplicaSet | undefined;
  let previousRev = -1;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (!Number.isFinite(v)) continue;
    if (toRevision > 0) {
      if (v === toRevision) return rs;
      continue;
    }
    if (latestRev < v) {
      previous = latest;
      previousRev = latestRev;
      latest = rs;
      latestRev = v;
    } else if (previousRev < v) {
      previous = rs;
      previousRev = v;
    }
  }
  if (toRevision > 0) throw new RolloutError(`unable to find specified revision ${toRevision} in history`);
  if (!previous) throw new RolloutError(`no rollout history found for deployment "${d.metadata.name ?? ''}"`);
  return previous;
}

const kept = [lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, 'deprecated.deployment.rollback.to'];

/** The JSON patch that restores `rs`'s template and annotations on `d`; undefined when the
 * template already matches. */
export function rollbackPatch(d: Deployment, rs: ReplicaSet): unknown[] | undefined {
  if (equalIgnoreHash(rs.spec.template, d.spec.template)) return undefined;
  const template = structuredClone(rs.spec.template ?? {}) as PodTemplateSpec;
  if (template.metadata?.labels) delete template.metadata.labels[podTemplateHashLabel];
  const annotations: Record<string, string> = {};
  for (const k of kept) {
    const v = d.metadata.annotations?.[k];
    if (v !== undefined) annotations[k] = v;
  }
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!kept.includes(k)) annotations[k] = v;
  return [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
}

/** `rollout history --revision=N`: the revision's pod template as describe prints one, with the
 * ReplicaSet's change cause among its annotations (as kubectl shows it). */
export function revisionTemplate(rs: ReplicaSet): string {
  const t = structuredClone(rs.spec.template ?? { spec: { containers: [] } }) as PodTemplateSpec;
  const cause = rs.metadata.annotations?.[changeCauseAnnotation];
  if (cause !== undefined) t.metadata = { ...(t.metadata ?? {}), annotations: { ...(t.metadata?.annotations ?? {}), [changeCauseAnnotation]: cause } };
  const w = new DescribeWriter();
  podTemplate(w, t);
  return w.toString();
}
