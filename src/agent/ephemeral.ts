/**
 * Ephemeral containers (`kubectl debug`) on the node: each is started once, in the running pod's
 * sandbox, when it appears in the spec, and never again once it ended (kubelet's rules); they
 * take no part in the pod's phase or readiness and are reported in
 * `status.ephemeralContainerStatuses`. `targetContainerName` is the runtime's to honour: oci
 * joins the target's PID namespace; process containers all share the node's.
 */
import type { ContainerStatus, Pod } from '../api/kinds.js';
import { ephemeralContainers, newRecord, type ContainerRecord } from './container-record.js';
import { containerStatus, type StatusContext } from './container-status.js';

/** Records for ephemeral containers added since the last look. */
export function recordEphemeral(pod: Pod, records: Map<string, ContainerRecord>): void {
  for (const c of ephemeralContainers(pod)) if (!records.has(c.name)) records.set(c.name, newRecord(c.name));
}

/** Those to start now: never run yet (a failed pull keeps its back-off, as for any container). */
export function ephemeralToStart(pod: Pod, records: ReadonlyMap<string, ContainerRecord>): string[] {
  return ephemeralContainers(pod).filter((c) => {
    const r = records.get(c.name);
    return !!r && !r.running && !r.last;
  }).map((c) => c.name);
}

export function ephemeralStatuses(pod: Pod, records: ReadonlyMap<string, ContainerRecord>, ctx: StatusContext): ContainerStatus[] | undefined {
  const list = ephemeralContainers(pod);
  if (!list.length) return undefined;
  return list.map((c) => containerStatus(c, 'ephemeral', records.get(c.name), { ...ctx, hasInit: false }));
}
