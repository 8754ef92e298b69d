/**
 * A container's seccomp filter (`linux.seccomp` of its OCI config) from its seccompProfile, the
 * container's over the pod's, as the kubelet and containerd make it:
 *
 * - none or `Unconfined`: no filter (Kubernetes' default without --seccomp-default);
 * - `RuntimeDefault`: skiff's default profile, a deny-list of the syscalls that reach past a
 *   container (kernel modules, mounts, namespaces, clocks, keyrings, reboot, …) failing with
 *   EPERM — unless the container holds the capability that would allow each (as Docker's and
 *   containerd's defaults do), everything else allowed;
 * - `Localhost`: a profile file below the node's profile root (`<dataDir>/seccomp`, the kubelet's
 *   `<root-dir>/seccomp`), in the OCI/Docker JSON form;
 * - privileged containers run unconfined, as in Kubernetes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Container, Pod } from '../../api/kinds.js';
import { isRecord } from '../../api/types.js';
import { BundleError } from './errors.js';

type Obj = Record<string, unknown>;

/** Syscalls refused unless the container holds the capability named beside them. */
const denied: readonly (readonly [string, readonly string[]])[] = [
  ['CAP_SYS_ADMIN', ['bpf', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount', 'mount_setattr', 'move_mount', 'name_to_handle_at', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'setns', 'umount', 'umount2', 'unshare']],
  ['CAP_SYS_MODULE', ['create_module', 'delete_module', 'finit_module', 'get_kernel_syms', 'init_module', 'query_module']],
  ['CAP_SYS_BOOT', ['kexec_file_load', 'kexec_load', 'reboot']],
  ['CAP_SYS_TIME', ['adjtimex', 'clock_adjtime', 'clock_adjtime64', 'clock_settime', 'clock_settime64', 'settimeofday', 'stime']],
  ['CAP_SYS_PACCT', ['acct']],
  ['CAP_SYS_RAWIO', ['ioperm', 'iopl']],
  ['CAP_SYS_NICE', ['get_mempolicy', 'mbind', 'move_pages', 'set_mempolicy']],
  ['CAP_SYS_PTRACE', ['kcmp', 'process_vm_readv', 'process_vm_writev']],
  ['CAP_SYSLOG', ['syslog']],
  ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
  // No capability makes these safe in a container.
  ['', ['add_key', 'keyctl', 'request_key', 'nfsservctl', 'pivot_root', 'swapon', 'swapoff', 'sysfs', '_sysctl', 'uselib', 'userfaultfd', 'ustat', 'vm86', 'vm86old', 'io_uring_setup', 'io_uring_enter', 'io_uring_register']],
];

function architectures(): string[] {
  switch (process.arch) {
    case 'x64': return ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
    case 'arm64': return ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'];
    default: return [];
  }
}

/** skiff's RuntimeDefault profile for a container with `capabilities` (`CAP_…` names). */
export function runtimeDefaultProfile(capabilities: readonly string[]): Obj {
  const held = new Set(capabilities);
  const names = denied.filter(([cap]) => cap === '' || !held.has(cap)).flatMap(([, calls]) => calls).sort();
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: architectures(),
    syscalls: [{ names, action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
  };
}

/** A Localhost profile file turned into the OCI form (Docker's extra keys dropped). */
export function loadLocalhostProfile(root: string, relative: string): Obj {
  const file = path.resolve(root, relative);
  if (!file.startsWith(path.resolve(root) + path.sep)) throw new BundleError(`seccomp profile ${relative} is outside ${root}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BundleError(`failed to load seccomp profile "${file}": ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(raw) || typeof raw['defaultAction'] !== 'string') throw new BundleError(`seccomp profile "${file}" has no defaultAction`);
  const out: Obj = { defaultAction: raw['defaultAction'] };
  for (const k of ['defaultErrnoRet', 'architectures', 'flags', 'listenerPath', 'listenerMetadata']) if (raw[k] !== undefined) out[k] = raw[k];
  if (!out['architectures'] && Array.isArray(raw['archMap'])) {
    out['architectures'] = raw['archMap'].flatMap((a) => (isRecord(a) ? [a['architecture'], ...(Array.isArray(a['subArchitectures']) ? a['subArchitectures'] : [])] : [])).filter((a) => typeof a === 'string');
  }
  if (Array.isArray(raw['syscalls'])) {
    out['syscalls'] = raw['syscalls'].filter(isRecord).map((s) => {
      const names = Array.isArray(s['names']) ? s['names'] : typeof s['name'] === 'string' ? [s['name']] : [];
      const rule: Obj = { names, action: s['action'] };
      for (const k of ['errnoRet', 'args']) if (s[k] !== undefined) rule[k] = s[k];
      return rule;
    });
  }
  return out;
}

function profileOf(pod: Pod, container: Container): Obj | undefined {
  const c = container.securityContext?.['seccompProfile'];
  if (isRecord(c)) return c;
  const p = pod.spec.securityContext?.['seccompProfile'];
  return isRecord(p) ? p : undefined;
}

/** The `linux.seccomp` section for a container, or undefined for none. */
export function seccompFor(pod: Pod, container: Container, opts: { privileged: boolean; capabilities: readonly string[]; profileRoot: string }): Obj | undefined {
  if (opts.privileged) return undefined;
  const p = profileOf(pod, container);
  switch (p?.['type']) {
    case 'RuntimeDefault': return runtimeDefaultProfile(opts.capabilities);
    case 'Localhost': return loadLocalhostProfile(opts.profileRoot, typeof p['localhostProfile'] === 'string' ? p['localhostProfile'] : '');
    default: return undefined;
  }
}
