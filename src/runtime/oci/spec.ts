/**
 * A container's OCI runtime config (`config.json`), built from the pod spec, the image config and
 * what the agent resolved (StartOptions), by Kubernetes' rules: `command` replaces the image's
 * ENTRYPOINT and CMD, `args` its CMD; the container's env over the image's; the container's
 * workingDir, else the image's, else `/`. The pod's network and IPC namespaces are joined by path
 * (or are the host's), the rest (pid, uts, mount) are the container's own but for hostPID,
 * shareProcessNamespace and hostNetwork (podNamespaces); sysctls and seccomp as the pod says.
 */
import os from 'node:os';
import type { Container, Pod } from '../../api/kinds.js';
import { normalizeSysctl } from '../../api/support/index.js';
import type { ImageRunConfig } from '../../images/contract.js';
import type { StartOptions } from '../runtime.js';
import { capabilitySet } from './capabilities.js';
import { BundleError } from './errors.js';
import type { PodNamespaces } from './namespaces.js';
import type { CgroupResources } from './resources.js';
import type { ProcessUser } from './user.js';

export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The securityContext fields the runtime applies: the container's over the pod's. */
export interface SecuritySettings {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
  readonly supplementalGroups?: readonly number[];
  readonly privileged: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  /** The pod's fsGroup: a supplementary group of every container (volumes get it too). */
  readonly fsGroup?: number;
  readonly procMountUnmasked: boolean;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

export function securitySettings(pod: Pod, container: Container): SecuritySettings {
  const p = pod.spec.securityContext ?? {};
  const c = container.securityContext ?? {};
  const caps = (c['capabilities'] ?? {}) as Record<string, unknown>;
  const pick = (k: string): unknown => c[k] ?? p[k];
  const runAsUser = num(pick('runAsUser'));
  const runAsGroup = num(pick('runAsGroup'));
  const supplementalGroups = (Array.isArray(p['supplementalGroups']) ? p['supplementalGroups'] : []).map(num).filter((g): g is number => g !== undefined);
  const add = strings(caps['add']);
  const drop = strings(caps['drop']);
  const fsGroup = num(p['fsGroup']);
  return {
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup } : {}),
    ...(typeof pick('runAsNonRoot') === 'boolean' ? { runAsNonRoot: pick('runAsNonRoot') as boolean } : {}),
    ...(supplementalGroups.length ? { supplementalGroups } : {}),
    privileged: c['privileged'] === true,
    readOnlyRootFilesystem: c['readOnlyRootFilesystem'] === true,
    ...(typeof c['allowPrivilegeEscalation'] === 'boolean' ? { allowPrivilegeEscalation: c['allowPrivilegeEscalation'] } : {}),
    capabilities: { ...(add ? { add } : {}), ...(drop ? { drop } : {}) },
    ...(fsGroup !== undefined ? { fsGroup } : {}),
    procMountUnmasked: c['procMount'] === 'Unmasked',
  };
}

/** The supplementary groups a container gets: the pod's, and its fsGroup (as the kubelet adds). */
export function supplementaryGroups(s: SecuritySettings): number[] | undefined {
  const groups = [...(s.supplementalGroups ?? []), ...(s.fsGroup !== undefined ? [s.fsGroup] : [])];
  return groups.length ? [...new Set(groups)] : undefined;
}

/** The pod's namespace settings as the OCI config's `linux.namespaces`: the pod's network and IPC
 * namespaces joined by path unless the pod takes the host's, a PID namespace of the container's
 * own unless hostPID or shareProcessNamespace (then the pod's, by path), UTS the host's under
 * hostNetwork (the pod's hostname is the node's, as in Kubernetes). A debug container with a
 * target joins the target's PID namespace (`targetPid`: its path). */
export function podNamespaces(pod: Pod, ns: PodNamespaces, targetPid?: string): { type: string; path?: string }[] {
  const spec = pod.spec;
  const out: { type: string; path?: string }[] = [];
  if (spec.hostPID !== true) out.push(targetPid ? { type: 'pid', path: targetPid } : spec.shareProcessNamespace === true ? { type: 'pid', path: ns.pid } : { type: 'pid' });
  if (spec.hostIPC !== true) out.push({ type: 'ipc', path: ns.ipc });
  if (spec.hostNetwork !== true) out.push({ type: 'uts' });
  out.push({ type: 'mount' });
  if (spec.hostNetwork !== true) out.push({ type: 'network', path: ns.net });
  return out;
}

/** The process's argv by Kubernetes' rule. */
export function processArgs(opts: Pick<StartOptions, 'command' | 'args'>, image: ImageRunConfig): string[] {
  const argv = opts.command?.length ? [...opts.command, ...(opts.args ?? [])] : [...(image.entrypoint ?? []), ...(opts.args?.length ? opts.args : image.cmd ?? [])];
  if (!argv.length) throw new BundleError('no command specified: the container has no command and the image neither ENTRYPOINT nor CMD');
  return argv;
}

/** The image's env, the container's over it, PATH/HOSTNAME/HOME filled in when missing. */
export function processEnv(image: ImageRunConfig, env: Readonly<Record<string, string>>, hostname: string, home: string): string[] {
  const merged = new Map<string, string>();
  for (const kv of image.env ?? []) {
    const eq = kv.indexOf('=');
    merged.set(eq < 0 ? kv : kv.slice(0, eq), eq < 0 ? '' : kv.slice(eq + 1));
  }
  for (const [k, v] of Object.entries(env)) merged.set(k, v);
  if (!merged.has('PATH')) merged.set('PATH', defaultPath);
  if (!merged.has('HOSTNAME')) merged.set('HOSTNAME', hostname);
  if (!merged.has('HOME')) merged.set('HOME', home);
  return [...merged].map(([k, v]) => `${k}=${v}`);
}

export interface SandboxFiles {
  readonly namespaces: PodNamespaces;
  readonly hosts: string;
  readonly resolvConf: string;
  readonly hostname: string;
}

export interface BundleInput {
  readonly pod: Pod;
  readonly container: Container;
  readonly image: ImageRunConfig;
  readonly opts: StartOptions;
  readonly rootfs: string;
  readonly user: ProcessUser;
  readonly security: SecuritySettings;
  readonly sandbox: SandboxFiles;
  readonly cgroupsPath: string;
  readonly resources: CgroupResources;
  /** Whether the memory limit also bounds swap (Cgroups.swapAccounting). */
  readonly noSwap: boolean;
  /** The `linux.seccomp` section (seccomp.ts), none for no filter. */
  readonly seccomp?: Record<string, unknown>;
  /** The PID namespace of the container an ephemeral container targets (`/proc/PID/ns/pid`). */
  readonly targetPid?: string;
}

const maskedPaths = ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

interface OciMount { destination: string; type: string; source: string; options: string[] }

function mounts(b: BundleInput): OciMount[] {
  const privileged = b.security.privileged;
  const bind = (source: string, destination: string, ro: boolean): OciMount => ({ destination, type: 'bind', source, options: ['rbind', 'rprivate', ro ? 'ro' : 'rw'] });
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
    // hostIPC: the host's shared memory, as the IPC namespace is the host's.
    bind(b.pod.spec.hostIPC === true ? '/dev/shm' : b.sandbox.namespaces.shm, '/dev/shm', false),
    bind(b.sandbox.hosts, '/etc/hosts', false),
    bind(b.sandbox.resolvConf, '/etc/resolv.conf', false),
    bind(b.sandbox.hostname, '/etc/hostname', false),
    ...b.opts.mounts.map((m) => bind(m.hostPath, m.containerPath, m.readOnly)),
    // The termination-message file, last so a volume at its directory does not hide it.
    ...(b.opts.terminationMessage ? [bind(b.opts.terminationMessage.hostPath, b.opts.terminationMessage.containerPath, false)] : []),
  ];
}

/** The pod's sysctls (all namespaced: admission refuses the rest), by their dotted names. */
export function podSysctls(pod: Pod): Record<string, string> | undefined {
  const list = pod.spec.securityContext?.['sysctls'];
  if (!Array.isArray(list) || !list.length) return undefined;
  const out: Record<string, string> = {};
  for (const s of list as { name?: unknown; value?: unknown }[]) if (typeof s.name === 'string') out[normalizeSysctl(s.name)] = String(s.value ?? '');
  return out;
}

export function ociConfig(b: BundleInput): Record<string, unknown> {
  const hostNetwork = b.pod.spec.hostNetwork === true;
  const hostname = hostNetwork ? os.hostname() : b.pod.spec.hostname ?? b.pod.metadata.name ?? 'pod';
  const sysctl = podSysctls(b.pod);
  const caps = capabilitySet({ ...b.security.capabilities, privileged: b.security.privileged });
  const r = b.resources;
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: b.user.uid, gid: b.user.gid, ...(b.user.additionalGids.length ? { additionalGids: b.user.additionalGids } : {}) },
      args: processArgs(b.opts, b.image),
      env: processEnv(b.image, b.opts.env, hostname, b.user.home),
      cwd: b.container.workingDir || b.image.workingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: b.security.allowPrivilegeEscalation === false,
    },
    root: { path: b.rootfs, readonly: b.security.readOnlyRootFilesystem },
    // Without a UTS namespace of its own (hostNetwork) runc may not set a hostname.
    ...(hostNetwork ? {} : { hostname }),
    mounts: mounts(b),
    linux: {
      namespaces: podNamespaces(b.pod, b.sandbox.namespaces, b.targetPid),
      ...(sysctl ? { sysctl } : {}),
      ...(b.seccomp ? { seccomp: b.seccomp } : {}),
      cgroupsPath: b.cgroupsPath,
      resources: {
        devices: b.security.privileged ? [{ allow: true, access: 'rwm' }] : [{ allow: false, access: 'rwm' }],
        cpu: { shares: r.cpuShares, ...(r.cpuQuota !== undefined ? { quota: r.cpuQuota, period: r.cpuPeriod } : {}) },
        ...(r.memoryLimit !== undefined ? { memory: { limit: r.memoryLimit, ...(b.noSwap ? { swap: r.memoryLimit } : {}) } } : {}),
      },
      // procMount Unmasked: /proc as the kernel shows it (Kubernetes' UnmaskedProcMount).
      ...(b.security.privileged || b.security.procMountUnmasked ? {} : { maskedPaths, readonlyPaths }),
    },
  };
}
