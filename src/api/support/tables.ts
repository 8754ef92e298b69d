/**
 * What each runtime does with each feature of features.ts. `yes`: honoured as Kubernetes does;
 * `partial`: the pod runs and the feature is degraded as the note says; `no`: the pod runs
 * without it. A feature no runtime honours even partly is refused at admission (check.ts); one
 * that some runtime lacks is a `Warning:` on create and an event on the pod where it runs.
 */
import { features, type Feature } from './features.js';

export const runtimeNames = ['process', 'oci', 'fake'] as const;
export type RuntimeName = (typeof runtimeNames)[number];

export type Level = 'yes' | 'partial' | 'no';

export interface Support {
  readonly level: Level;
  readonly note?: string;
}

type Table = Readonly<Record<string, Support>>;

const yes: Support = { level: 'yes' };
const no = (note?: string): Support => ({ level: 'no', ...(note ? { note } : {}) });
const partial = (note: string): Support => ({ level: 'partial', note });

/** Everything a real runtime does: the fake runtime simulates pods and pretends to do it all. */
const everywhere: Table = {
  'volume.hostPath': yes, 'volume.emptyDir': yes, 'volume.secret': yes, 'volume.configMap': yes, 'volume.projected': yes, 'volume.downwardAPI': yes,
  'volume.persistentVolumeClaim': yes,
};

const process: Table = {
  ...everywhere,
  'volume.emptyDir.medium': partial('Memory: a directory on the node\'s tmpfs (/dev/shm), not counted against the memory limit; HugePages: on disk'),
  'volume.emptyDir.sizeLimit': { level: 'yes', note: 'usage measured every 3 s; over the limit the pod is evicted' },
  'container.mountPropagation': no('mounts are private to the container'),
  'pod.hostNetwork': partial("process pods always use the host's network stack, but the pod keeps its own loopback address"),
  'pod.hostPID': { level: 'yes', note: "process pods always see the host's processes" },
  'pod.hostIPC': { level: 'yes', note: "process pods always share the host's IPC namespace" },
  'pod.shareProcessNamespace': { level: 'yes', note: "containers see each other's processes (and the host's)" },
  'pod.hostAliases': { level: 'yes', note: "the host's /etc/hosts with the aliases, in the container's own mount namespace (root or user namespaces)" },
  'pod.hostname': partial("as root, each container has its own UTS namespace with the pod's host name; without root, containers see the host's ($HOSTNAME is the pod's)"),
  'pod.setHostnameAsFQDN': no("containers see the host's hostname"),
  'pod.dnsConfig': no("containers use the host's resolver"),
  'pod.imagePullSecrets': no('the process runtime pulls no images'),
  seccomp: no('no seccomp filter is applied (use the oci runtime)'),
  'pod.sysctls': no('sysctls would be the whole host\'s: not applied'),
  'pod.fsGroup': { level: 'yes', note: 'volumes are given the group; it is a supplementary group only when skiff runs as root' },
  seLinuxOptions: partial('no SELinux labels are applied, as on any node without SELinux'),
  'container.limits': partial('no cgroups: limits are not enforced (requests still count for scheduling)'),
  'container.privileged': partial('a process container has the rights of its user, no more, no less'),
  'container.capabilities': no('capabilities are those of the container\'s user'),
  'container.allowPrivilegeEscalation': no('no_new_privs is not set'),
  'container.readOnlyRootFilesystem': partial("the container sees the host's file system, which is not made read-only for it"),
  'container.procMount': { level: 'yes', note: "the host's /proc, unmasked" },
  'container.stdin': no('stdin is closed'),
  'container.tty': no('no terminal'),
};

const oci: Table = {
  ...everywhere,
  'volume.emptyDir.medium': partial('Memory: a directory on the node\'s tmpfs (/dev/shm), not counted against the memory limit; HugePages: on disk'),
  'volume.emptyDir.sizeLimit': { level: 'yes', note: 'usage measured every 3 s; over the limit the pod is evicted' },
  'container.mountPropagation': no('volumes are bind-mounted rprivate'),
  'pod.hostNetwork': yes, 'pod.hostPID': yes, 'pod.hostIPC': yes, 'pod.shareProcessNamespace': yes, 'pod.hostAliases': yes,
  'pod.hostname': yes, 'pod.setHostnameAsFQDN': no('the hostname is the short one'), 'pod.dnsConfig': yes,
  'pod.imagePullSecrets': yes,
  seccomp: yes, 'pod.sysctls': yes, 'pod.fsGroup': yes,
  seLinuxOptions: partial('no SELinux labels are applied, as on any node without SELinux'),
  'container.limits': yes, 'container.privileged': yes, 'container.capabilities': yes, 'container.allowPrivilegeEscalation': yes,
  'container.readOnlyRootFilesystem': yes, 'container.procMount': yes,
  'container.stdin': no('stdin is closed'), 'container.tty': no('no terminal'),
};

/** The fake runtime honours, in simulation, whatever some real runtime honours. */
const fake: Table = Object.fromEntries(
  features.filter((f) => [process, oci].some((t) => (t[f.id]?.level ?? 'no') !== 'no')).map((f) => [f.id, { level: 'yes', note: 'simulated' }]),
);

export const tables: Readonly<Record<RuntimeName, Table>> = { process, oci, fake };

/** What `runtime` does with feature `id`; a runtime skiff does not know does nothing. */
export function supportOf(runtime: string, id: string): Support {
  const t = (tables as Readonly<Record<string, Table>>)[runtime];
  return t?.[id] ?? no();
}

/** Whether any runtime honours the feature at least partly. */
export function anyRuntimeHonours(id: string): boolean {
  return runtimeNames.some((r) => supportOf(r, id).level !== 'no');
}

const partly = new Map<string, readonly Feature[]>();

/** The features `runtime` does not fully honour (computed once per runtime: admission asks per
 * pod). */
export function notFullyHonoured(runtime: string): readonly Feature[] {
  let list = partly.get(runtime);
  if (!list) {
    list = features.filter((f) => supportOf(runtime, f.id).level !== 'yes');
    partly.set(runtime, list);
  }
  return list;
}

/** The features no runtime honours even partly: admission refuses them. */
export const refusedFeatures: readonly Feature[] = features.filter((f) => !anyRuntimeHonours(f.id));

/** The features some runtime does not fully honour: only these can make a warning. */
export const degradableFeatures: readonly Feature[] = features.filter((f) => runtimeNames.some((r) => supportOf(r, f.id).level !== 'yes'));
