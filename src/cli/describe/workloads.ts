/**
 * `describe` for the pod controllers: replication controllers, replica sets, jobs, daemon sets,
 * deployments. Pod counts come from the pods the controller selects *and* controls (owner uid),
 * as kubectl's getPodStatusForController counts them.
 */
import type { DaemonSet, Deployment, Job, Pod, ReplicaSet, ReplicationController } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { formatLabelSelector } from '../../apiserver/tables/index.js';
import { formatLabelMap } from '../printers/index.js';
import { podTemplate } from './containers.js';
import { controlledBy } from './pod.js';
import { annotations, DescribeWriter, events, multiline, rfc1123z, type EventLike } from './writer.js';
import { humanDuration } from '../../apiserver/tables/index.js';

export interface ControllerInput<T> {
  readonly obj: T;
  /** Pods matching the selector (those the object controls are counted). */
  readonly pods: readonly Pod[];
  readonly events?: readonly EventLike[] | undefined;
  readonly now?: Date;
}

/** `R Running / W Waiting / S Succeeded / F Failed` over controlled pods. */
export function podStatusCounts(owner: KubeObject, pods: readonly Pod[]): { running: number; waiting: number; succeeded: number; failed: number } {
  const c = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    if (!p.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid)) continue;
    switch (p.status?.phase) {
      case 'Running': c.running++; break;
      case 'Pending': c.waiting++; break;
      case 'Succeeded': c.succeeded++; break;
      case 'Failed': c.failed++; break;
      default: break;
    }
  }
  return c;
}

function podsStatusLine(w: DescribeWriter, owner: KubeObject, pods: readonly Pod[]): void {
  const c = podStatusCounts(owner, pods);
  w.line(0, `Pods Status:\t${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed`);
}

function conditions(w: DescribeWriter, conds: readonly { type: string; status: string; reason?: string }[] | undefined): void {
  if (!conds?.length) return;
  w.line(0, 'Conditions:');
  w.line(1, 'Type\tStatus\tReason');
  w.line(1, '----\t------\t------');
  for (const c of conds) w.line(1, `${c.type} \t${c.status}\t${c.reason ?? ''}`);
}

/** ReplicationController and ReplicaSet: they differ in the selector's form only. */
export function describeReplicas(input: ControllerInput<ReplicationController | ReplicaSet>): string {
  const { obj } = input;
  const w = new DescribeWriter(input.now);
  const isRc = obj.kind === 'ReplicationController';
  w.line(0, `Name:\t${obj.metadata.name ?? ''}`);
  w.line(0, `Namespace:\t${obj.metadata.namespace ?? ''}`);
  w.line(0, `Selector:\t${isRc ? formatLabelMap(obj.spec.selector as Record<string, string> | undefined) : formatLabelSelector(obj.spec.selector)}`);
  multiline(w, 'Labels', obj.metadata.labels);
  annotations(w, 'Annotations', obj.metadata.annotations);
  const owner = controlledBy(obj);
  if (owner) w.line(0, `Controlled By:\t${owner}`);
  w.line(0, `Replicas:\t${obj.status?.replicas ?? 0} current / ${obj.spec.replicas ?? 1} desired`);
  podsStatusLine(w, obj, input.pods);
  podTemplate(w, obj.spec.template);
  conditions(w, (obj.status as { conditions?: { type: string; status: string; reason?: string }[] } | undefined)?.conditions);
  events(w, input.events);
  return w.toString();
}

export function describeJob(input: ControllerInput<Job>): string {
  const { obj: job } = input;
  const w = new DescribeWriter(input.now);
  const st = job.status ?? {};
  w.line(0, `Name:\t${job.metadata.name ?? ''}`);
  w.line(0, `Namespace:\t${job.metadata.namespace ?? ''}`);
  w.line(0, `Selector:\t${formatLabelSelector(job.spec.selector)}`);
  multiline(w, 'Labels', job.metadata.labels);
  annotations(w, 'Annotations', job.metadata.annotations);
  const owner = controlledBy(job);
  if (owner) w.line(0, `Controlled By:\t${owner}`);
  w.line(0, `Parallelism:\t${job.spec.parallelism ?? 1}`);
  w.line(0, `Completions:\t${job.spec.completions ?? '<unset>'}`);
  if (job.spec.completionMode) w.line(0, `Completion Mode:\t${job.spec.completionMode}`);
  if (job.spec.suspend !== undefined) w.line(0, `Suspend:\t${String(job.spec.suspend)}`);
  if (job.spec.backoffLimit !== undefined) w.line(0, `Backoff Limit:\t${job.spec.backoffLimit}`);
  if (st.startTime) w.line(0, `Start Time:\t${rfc1123z(st.startTime)}`);
  if (st.completionTime) w.line(0, `Completed At:\t${rfc1123z(st.completionTime)}`);
  if (st.startTime && st.completionTime) w.line(0, `Duration:\t${humanDuration(Date.parse(st.completionTime) - Date.parse(st.startTime))}`);
  if (job.spec.activeDeadlineSeconds !== undefined) w.line(0, `Active Deadline Seconds:\t${job.spec.activeDeadlineSeconds}s`);
  const ready = st.ready === undefined ? '' : ` (${st.ready} Ready)`;
  w.line(0, `Pods Statuses:\t${st.active ?? 0} Active${ready} / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed`);
  podTemplate(w, job.spec.template);
  events(w, input.events);
  return w.toString();
}

export function describeDaemonSet(input: ControllerInput<DaemonSet>): string {
  const { obj: ds } = input;
  const w = new DescribeWriter(input.now);
  const st = ds.status;
  // kubectl's daemon set describer has no Namespace line.
  w.line(0, `Name:\t${ds.metadata.name ?? ''}`);
  w.line(0, `Selector:\t${formatLabelSelector(ds.spec.selector)}`);
  w.line(0, `Node-Selector:\t${formatLabelMap(ds.spec.template.spec.nodeSelector)}`);
  multiline(w, 'Labels', ds.metadata.labels);
  annotations(w, 'Annotations', ds.metadata.annotations);
  w.line(0, `Desired Number of Nodes Scheduled: ${st?.desiredNumberScheduled ?? 0}`);
  w.line(0, `Current Number of Nodes Scheduled: ${st?.currentNumberScheduled ?? 0}`);
  w.line(0, `Number of Nodes Scheduled with Up-to-date Pods: ${st?.updatedNumberScheduled ?? 0}`);
  w.line(0, `Number of Nodes Scheduled with Available Pods: ${st?.numberAvailable ?? 0}`);
  w.line(0, `Number of Nodes Misscheduled: ${st?.numberMisscheduled ?? 0}`);
  podsStatusLine(w, ds, input.pods);
  podTemplate(w, ds.spec.template);
  events(w, input.events);
  return w.toString();
}

export function describeDeployment(input: ControllerInput<Deployment>): string {
  const { obj: d } = input;
  const w = new DescribeWriter(input.now);
  const st = (d.status ?? {}) as { replicas?: number; updatedReplicas?: number; availableReplicas?: number; unavailableReplicas?: number; conditions?: { type: string; status: string; reason?: string }[] };
  w.line(0, `Name:\t${d.metadata.name ?? ''}`);
  w.line(0, `Namespace:\t${d.metadata.namespace ?? ''}`);
  w.line(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}`);
  multiline(w, 'Labels', d.metadata.labels);
  annotations(w, 'Annotations', d.metadata.annotations);
  w.line(0, `Selector:\t${formatLabelSelector(d.spec.selector)}`);
  w.line(0, `Replicas:\t${d.spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`);
  const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
  w.line(0, `StrategyType:\t${strategy}`);
  w.line(0, `MinReadySeconds:\t${d.spec.minReadySeconds ?? 0}`);
  if (strategy === 'RollingUpdate') {
    const ru = d.spec.strategy?.rollingUpdate;
    w.line(0, `RollingUpdateStrategy:\t${String(ru?.maxUnavailable ?? '25%')} max unavailable, ${String(ru?.maxSurge ?? '25%')} max surge`);
  }
  podTemplate(w, d.spec.template);
  conditions(w, st.conditions);
  events(w, input.events);
  return w.toString();
}
