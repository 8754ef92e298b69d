/**
 * Which pods of a node `drain` removes, and why it refuses, as kubectl's drain filters decide:
 * finished pods always go; mirror pods stay; DaemonSet pods stay with `--ignore-daemonsets` (a
 * warning) and stop the drain without it; pods with emptyDir volumes need
 * `--delete-emptydir-data`; pods without a controller need `--force`.
 */
import type { Pod } from '../../api/kinds.js';

export interface DrainFilterOptions {
  readonly ignoreDaemonSets: boolean;
  readonly deleteEmptyDirData: boolean;
  readonly force: boolean;
  /** Whether the DaemonSet a pod names exists (kubectl checks, so an orphan is not ignored). */
  readonly daemonSetExists: (namespace: string, name: string) => Promise<boolean>;
}

export interface PodsForDeletion {
  readonly pods: readonly Pod[];
  /** `Warning: …` text, or '' (kubectl's `list.Warnings()`). */
  readonly warnings: string;
  /** `cannot delete …` errors; non-empty means nothing is deleted. */
  readonly errors: readonly string[];
}

const mirrorAnnotation = 'kubernetes.io/config.mirror';
const daemonSetFatal = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const daemonSetWarning = 'ignoring DaemonSet-managed Pods';
const localStorageFatal = 'Pods with local storage (use --delete-emptydir-data to override)';
const localStorageWarning = 'deleting Pods with local storage';
// kubectl 1.32 says `cannot delete` twice for these: its message carries it and the list adds it.
const unmanagedFatal = 'cannot delete Pods that declare no controller (use --force to override)';
const unmanagedWarning = 'deleting Pods that declare no controller';

const podName = (p: Pod): string => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;

function finished(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

type Verdict = { delete: boolean; warning?: string; fatal?: string };

async function judge(p: Pod, o: DrainFilterOptions): Promise<Verdict> {
  const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (ref?.kind === 'DaemonSet' && !p.metadata.deletionTimestamp) {
    if (!(await o.daemonSetExists(p.metadata.namespace ?? '', ref.name))) {
      if (!o.force) return { delete: false, fatal: `failed to get daemonset: daemonsets.apps "${ref.name}" not found` };
      return { delete: true, warning: unmanagedWarning };
    }
    return o.ignoreDaemonSets ? { delete: false, warning: daemonSetWarning } : { delete: false, fatal: daemonSetFatal };
  }
  if (p.metadata.annotations?.[mirrorAnnotation] !== undefined) return { delete: false };
  if (finished(p)) return { delete: true };
  const warnings: string[] = [];
  if ((p.spec.volumes ?? []).some((v) => v.emptyDir !== undefined) && !p.metadata.deletionTimestamp) {
    if (!o.deleteEmptyDirData) return { delete: false, fatal: localStorageFatal };
    warnings.push(localStorageWarning);
  }
  if (!ref && !p.metadata.deletionTimestamp) {
    if (!o.force) return { delete: false, fatal: unmanagedFatal };
    warnings.push(unmanagedWarning);
  }
  return { delete: true, ...(warnings[0] ? { warning: warnings[0] } : {}) };
}

/** Sorts the node's pods into those to remove, warnings and refusals. */
export async function podsForDeletion(pods: readonly Pod[], o: DrainFilterOptions): Promise<PodsForDeletion> {
  const keep: Pod[] = [];
  const warnings = new Map<string, string[]>();
  const fatals = new Map<string, string[]>();
  for (const p of pods) {
    const v = await judge(p, o);
    if (v.delete) keep.push(p);
    if (v.warning) warnings.set(v.warning, [...(warnings.get(v.warning) ?? []), podName(p)]);
    if (v.fatal) fatals.set(v.fatal, [...(fatals.get(v.fatal) ?? []), podName(p)]);
  }
  const errors = [...fatals].map(([msg, names]) => (msg.startsWith('failed') ? msg : `cannot delete ${msg}: ${names.join(', ')}`));
  return {
    pods: keep,
    warnings: [...warnings].map(([msg, names]) => `${msg}: ${names.join(', ')}`).join('; '),
    errors,
  };
}
