/**
 * Linux capabilities of a container: Docker's (and containerd's) default set, then the
 * securityContext's `drop` and `add` (names with or without `CAP_`, `ALL` for every one), or
 * every capability for a privileged container — every one this process may hand on, that is (as
 * containerd does): a runtime running with a reduced bounding set cannot grant the rest.
 */
import { readFileSync } from 'node:fs';

export const allCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
  'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD',
  'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

export const defaultCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
] as const;

function normalize(name: string): string {
  const upper = name.toUpperCase();
  return upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

export interface CapabilityRequest {
  readonly add?: readonly string[];
  readonly drop?: readonly string[];
  readonly privileged?: boolean;
}

/** The capabilities in this process's bounding set (all known ones if it cannot be read). */
export function currentCapabilities(): string[] {
  try {
    const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (hex) {
      const mask = BigInt(`0x${hex}`);
      return allCapabilities.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
    }
  } catch {
    // not Linux, or no /proc: assume everything
  }
  return [...allCapabilities];
}

export function capabilitySet(req: CapabilityRequest): string[] {
  if (req.privileged) return currentCapabilities();
  const add = (req.add ?? []).map(normalize);
  const drop = (req.drop ?? []).map(normalize);
  let caps: string[] = drop.includes('ALL') ? [] : defaultCapabilities.filter((c) => !drop.includes(c));
  if (add.includes('ALL')) caps = currentCapabilities();
  for (const c of add) if (c !== 'ALL' && !caps.includes(c)) caps.push(c);
  return caps;
}
