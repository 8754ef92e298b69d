/**
 * The `ReplicaFailure` condition of a ReplicaSet or ReplicationController (Kubernetes'
 * calculateStatus): True with reason `FailedCreate` (too few pods) or `FailedDelete` (too many)
 * and the error as message once creating or deleting pods failed; removed after a sync that
 * failed at nothing. The deployment controller carries it over to the Deployment, so a template
 * the server refuses pods for is visible in `kubectl describe`, not a silent stall.
 */
import type { Condition } from '../../api/kinds.js';
import { kubeTime } from '../../api/time.js';

export const replicaFailure = 'ReplicaFailure';

/** The conditions after a sync whose pod writes failed with `error` (undefined: none failed);
 * `diff` is pods owned − replicas wanted. Returns `current` itself when nothing changes. */
export function failureConditions(current: readonly Condition[] | undefined, error: unknown, diff: number, now = Date.now()): readonly Condition[] | undefined {
  const existing = current?.find((c) => c.type === replicaFailure);
  if (error !== undefined && !existing) {
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const message = error instanceof Error ? error.message : String(error);
    return [...(current ?? []), { type: replicaFailure, status: 'True', lastTransitionTime: kubeTime(now), reason, message }];
  }
  if (error === undefined && existing) {
    const rest = (current ?? []).filter((c) => c.type !== replicaFailure);
    return rest.length ? rest : undefined;
  }
  return current;
}
