/**
 * Who a process container runs as: the securityContext's `runAsUser`/`runAsGroup` (container
 * over pod) and the pod's `supplementalGroups`; without them, as skiff itself (the process
 * runtime's "image user" is the host user skiff runs as). `runAsNonRoot` is checked as kubelet
 * does. Another identity is taken by `setpriv` (util-linux) just before the program is exec'd,
 * inside the group leader, so the leader (root) can still record the exit code in the
 * container's owner-only directory. Switching identity needs root: a skiff that is not root
 * refuses such a container (CreateContainerConfigError) rather than run it as itself.
 */
import { readFileSync } from 'node:fs';
import type { Container, Pod } from '../../api/kinds.js';
import { securitySettings } from '../oci/spec.js';
import { ContainerStartError } from '../runtime.js';
import { verifyRunAsNonRoot } from '../shared/index.js';
import { defaultPath, findProgram } from './host-programs.js';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

export interface HostUser {
  readonly uid: number;
  readonly gid: number;
}

export function hostUser(): HostUser {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** The primary group of `uid` in the host's /etc/passwd (containerd's rule for a numeric user
 * without runAsGroup: the passwd entry's group, else 0). */
function passwdGid(uid: number): number {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 4 && f[2] === String(uid) && /^\d+$/.test(f[3]!)) return Number(f[3]);
    }
  } catch {
    // no passwd: gid 0
  }
  return 0;
}

/**
 * The identity to switch to, undefined to run as skiff itself. Throws CreateContainerConfigError
 * for a refused runAsNonRoot and for an identity this skiff cannot take.
 */
export function containerIdentity(pod: Pod, container: Container, host: HostUser = hostUser()): RunAs | undefined {
  const s = securitySettings(pod, container);
  verifyRunAsNonRoot(pod, container, s.runAsNonRoot, s.runAsUser, s.runAsUser ?? host.uid);
  // fsGroup is a supplementary group too, as the kubelet adds it — where skiff may switch
  // groups (as root); otherwise the volumes still get the group (shared/fs-group.ts).
  const fsGroup = host.uid === 0 ? s.fsGroup : undefined;
  if (s.runAsUser === undefined && s.runAsGroup === undefined && s.supplementalGroups === undefined && fsGroup === undefined) return undefined;
  const uid = s.runAsUser ?? host.uid;
  const gid = s.runAsGroup ?? (s.runAsUser !== undefined ? passwdGid(uid) : host.gid);
  const groups = [...new Set([...(s.supplementalGroups ?? []), ...(fsGroup !== undefined ? [fsGroup] : [])])];
  if (host.uid !== 0 && (uid !== host.uid || gid !== host.gid || groups.length > 0)) {
    throw new ContainerStartError('CreateContainerConfigError', `process runtime: container ${container.name} asks to run as uid ${uid} gid ${gid}${groups.length ? ` groups ${groups.join(',')}` : ''}, which needs skiff to run as root (it runs as uid ${host.uid})`);
  }
  return { uid, gid, groups };
}

/** The argv prefix that execs the rest as `runAs` (all of its ids: real, effective, saved). */
export function runAsPrefix(runAs: RunAs | undefined): string[] {
  if (!runAs) return [];
  const setpriv = findProgram('setpriv', defaultPath, '/');
  if (!setpriv) throw new ContainerStartError('CreateContainerConfigError', 'process runtime: running as another user needs setpriv (util-linux), which is not installed');
  return [setpriv, `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, runAs.groups.length ? `--groups=${runAs.groups.join(',')}` : '--clear-groups', '--'];
}
