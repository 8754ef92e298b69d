/**
 * Indexed completion mode: each pod carries a completion index (0…completions-1) in the
 * `batch.kubernetes.io/job-completion-index` annotation and label, sees it as JOB_COMPLETION_INDEX
 * and is named (and its hostname set) `JOB-INDEX`; the job is complete when every index has a
 * succeeded pod, listed in `status.completedIndexes` as ranges (`0-2,4`).
 */
import type { Job, Pod } from '../../api/kinds.js';

export const completionIndexKey = 'batch.kubernetes.io/job-completion-index';

export function isIndexed(job: Job): boolean {
  return job.spec.completionMode === 'Indexed';
}

/** The pod's index, or undefined when it has none valid below `completions`. */
export function completionIndex(pod: Pod, completions: number): number | undefined {
  const raw = pod.metadata.annotations?.[completionIndexKey] ?? pod.metadata.labels?.[completionIndexKey];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const i = Number(raw);
  return i < completions ? i : undefined;
}

/** `0-2,4` → {0,1,2,4}; malformed parts are skipped. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    for (let i = lo; i <= Math.min(hi, completions - 1); i++) out.add(i);
  }
  return out;
}

/** {0,1,2,4} → `0-2,4`. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const lo = sorted[i]!;
    let hi = lo;
    while (i + 1 < sorted.length && sorted[i + 1] === hi + 1) hi = sorted[++i]!;
    parts.push(hi === lo ? String(lo) : `${lo}-${hi}`);
  }
  return parts.join(',');
}

export interface IndexedCounts {
  /** Indexes with a succeeded pod (now or remembered in the status). */
  readonly succeeded: Set<number>;
  /** Active pods to delete: no valid index, an index already succeeded, or a duplicate. */
  readonly surplus: Pod[];
  /** Active pods kept, by index. */
  readonly activeByIndex: Map<number, Pod>;
}

export function indexedCounts(job: Job, pods: readonly Pod[], active: readonly Pod[]): IndexedCounts {
  const completions = job.spec.completions ?? 0;
  const succeeded = parseIndexes(job.status?.completedIndexes, completions);
  for (const p of pods) {
    const i = completionIndex(p, completions);
    if (i !== undefined && p.status?.phase === 'Succeeded') succeeded.add(i);
  }
  const surplus: Pod[] = [];
  const activeByIndex = new Map<number, Pod>();
  for (const p of active) {
    const i = completionIndex(p, completions);
    if (i === undefined || succeeded.has(i) || activeByIndex.has(i)) surplus.push(p);
    else activeByIndex.set(i, p);
  }
  return { succeeded, surplus, activeByIndex };
}

/** The lowest `n` indexes that neither succeeded nor run. */
export function missingIndexes(completions: number, c: IndexedCounts, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < n; i++) if (!c.succeeded.has(i) && !c.activeByIndex.has(i)) out.push(i);
  return out;
}

/** The pod of index `i` from the job's pod template. */
export function withIndex(template: Pod, jobName: string, i: number): Pod {
  const pod = structuredClone(template);
  const index = String(i);
  pod.metadata.generateName = `${jobName}-${index}-`;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [completionIndexKey]: index };
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [completionIndexKey]: index };
  pod.spec.hostname ??= `${jobName}-${index}`;
  const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexKey}']` } } };
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    c.env = [...(c.env ?? []).filter((e) => e.name !== 'JOB_COMPLETION_INDEX'), env];
  }
  return pod;
}
