/**
 * `activeDeadlineSeconds`, as kubelet's active deadline handler applies it: counted from the pod's
 * `status.startTime` (when a node first took it on); once passed, the node fails the pod with
 * reason DeadlineExceeded, records a Normal event with the same words, and stops its containers.
 */
import type { Pod } from '../api/kinds.js';

export const deadlineExceeded = {
  reason: 'DeadlineExceeded',
  message: 'Pod was active on the node longer than the specified deadline',
} as const;

/** Milliseconds until the pod's active deadline passes (0 or less: it has), or undefined when the
 * pod has none. */
export function deadlineLeftMs(pod: Pod, startTime: string, nowMs: number): number | undefined {
  const seconds = pod.spec.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null) return undefined;
  const started = Date.parse(startTime);
  if (Number.isNaN(started)) return undefined;
  return started + seconds * 1000 - nowMs;
}
