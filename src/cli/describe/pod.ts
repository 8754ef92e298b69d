/** `describe pod`: kubectl's describePod, field for field, Events last. */
import type { Container, Pod } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { containers, tolerations, volumes } from './containers.js';
import { annotations, DescribeWriter, events, multiline, rfc1123z, type EventLike } from './writer.js';

/** `Kind/name` of the controlling owner, or '' (printController). */
export function controlledBy(obj: KubeObject): string {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

/** The pod's QoS class as the kubelet computes it (when the status does not say). */
export function qosClass(pod: Pod): string {
  const status = (pod.status as { qosClass?: string } | undefined)?.qosClass;
  if (status) return status;
  const all: Container[] = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
  const req = (c: Container) => c.resources?.requests ?? {};
  const lim = (c: Container) => c.resources?.limits ?? {};
  if (all.every((c) => Object.keys(req(c)).length === 0 && Object.keys(lim(c)).length === 0)) return 'BestEffort';
  const guaranteed = all.every((c) => ['cpu', 'memory'].every((r) => lim(c)[r] !== undefined && (req(c)[r] === undefined || req(c)[r] === lim(c)[r])));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function describePod(pod: Pod, evs: readonly EventLike[] | undefined, now = new Date()): string {
  const w = new DescribeWriter(now);
  const m = pod.metadata;
  const st = pod.status ?? {};
  w.line(0, `Name:\t${m.name ?? ''}`);
  w.line(0, `Namespace:\t${m.namespace ?? ''}`);
  if (pod.spec.priority !== undefined) w.line(0, `Priority:\t${pod.spec.priority}`);
  if (pod.spec.priorityClassName) w.line(0, `Priority Class Name:\t${pod.spec.priorityClassName}`);
  if (pod.spec.serviceAccountName) w.line(0, `Service Account:\t${pod.spec.serviceAccountName}`);
  w.line(0, pod.spec.nodeName ? `Node:\t${pod.spec.nodeName}/${st.hostIP ?? ''}` : 'Node:\t<none>');
  if (st.startTime) w.line(0, `Start Time:\t${rfc1123z(st.startTime)}`);
  multiline(w, 'Labels', m.labels);
  annotations(w, 'Annotations', m.annotations);
  if (m.deletionTimestamp) {
    w.line(0, `Status:\tTerminating (lasts ${since(m.deletionTimestamp, now)})`);
    w.line(0, `Termination Grace Period:\t${m.deletionGracePeriodSeconds ?? 0}s`);
  } else w.line(0, `Status:\t${st.phase ?? ''}`);
  if (st.reason) w.line(0, `Reason:\t${st.reason}`);
  if (st.message) w.line(0, `Message:\t${st.message}`);
  w.line(0, `IP:\t${st.podIP ?? ''}`);
  const ips = (st.podIPs ?? []) as { ip: string }[];
  if (ips.length === 0) w.line(0, 'IPs:\t<none>');
  else {
    w.line(0, 'IPs:');
    for (const ip of ips) w.line(1, `IP:\t${ip.ip}`);
  }
  const owner = controlledBy(pod);
  if (owner) w.line(0, `Controlled By:\t${owner}`);
  if (pod.spec.initContainers?.length) containers(w, 'Init Containers', pod.spec.initContainers, st.initContainerStatuses, '');
  containers(w, 'Containers', pod.spec.containers ?? [], st.containerStatuses ?? [], '');
  const conds = st.conditions ?? [];
  if (conds.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type\tStatus');
    for (const c of conds) w.line(1, `${c.type} \t${c.status} `);
  }
  volumes(w, pod.spec.volumes, '');
  w.line(0, `QoS Class:\t${qosClass(pod)}`);
  multiline(w, 'Node-Selectors', pod.spec.nodeSelector);
  tolerations(w, 'Tolerations', pod.spec.tolerations);
  events(w, evs);
  return w.toString();
}

function since(ts: string, now: Date): string {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : `${Math.max(0, Math.round((t - now.getTime()) / 1000))}s`;
}
