/**
 * Taking over what an earlier agent left of a pod (after an agent restart): each container's
 * latest run, running or ended while no agent watched, with the restart count it had and the run
 * before it as the API last heard of it. Init containers' runs are adopted like the others, so one
 * that exited 0 stays done and is not run again (pod-actions.ts); so are ephemeral containers'.
 */
import type { Container, ContainerStatus, Pod } from '../api/kinds.js';
import type { RecoveredSandbox, RunningContainer } from '../runtime/runtime.js';
import { ephemeralContainers, podContainers, type ContainerRecord, type ContainerRole } from './container-record.js';

export type Watch = (container: Container, role: ContainerRole, r: ContainerRecord, run: RunningContainer) => void;

export function adoptRuns(pod: Pod, recovered: RecoveredSandbox, records: ReadonlyMap<string, ContainerRecord>, watch: Watch): void {
  const statuses: ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  // Debug containers too: one that ran is never started again, agent restart or not.
  const containers: { container: Container; role: ContainerRole }[] = [...podContainers(pod), ...ephemeralContainers(pod).map((container) => ({ container, role: 'ephemeral' as const }))];
  for (const { name, attempt, run } of recovered.containers) {
    const r = records.get(name);
    const entry = containers.find((c) => c.container.name === name);
    if (!r || !entry) continue;
    r.restartCount = attempt;
    // The run before this one, as the API last heard of it (describe's "Last State").
    const last = statuses.find((c) => c.name === name)?.lastState?.terminated;
    if (last?.containerID && last.startedAt && last.finishedAt) {
      r.last = { id: last.containerID, startedAt: new Date(last.startedAt), exit: { exitCode: last.exitCode, reason: last.reason ?? 'Error', finishedAt: new Date(last.finishedAt), ...(last.message ? { message: last.message } : {}) } };
    }
    watch(entry.container, entry.role, r, run);
  }
}
