/**
 * Who a container's process runs as, by Kubernetes' and containerd's rules: `runAsUser`/
 * `runAsGroup` from the container's securityContext (else the pod's) win; otherwise the image's
 * `User` — numeric, or a name looked up in the image's own /etc/passwd and /etc/group. Groups the
 * user belongs to in /etc/group and the pod's `supplementalGroups` become additional gids.
 */
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BundleError } from './errors.js';

export interface ProcessUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: readonly number[];
  /** From /etc/passwd, for $HOME when the environment has none. */
  readonly home: string;
}

export interface UserRequest {
  /** The image config's `User`. */
  readonly imageUser?: string;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly supplementalGroups?: readonly number[];
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

/** A file of the image, read only when it is a regular file: a symlink in an image must not make
 * the host read one of its own files. */
function imageFile(rootfs: string, file: string): string {
  const p = path.join(rootfs, file);
  try {
    if (!lstatSync(p).isFile()) return '';
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

function passwd(rootfs: string): PasswdEntry[] {
  return imageFile(rootfs, 'etc/passwd').split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 7 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) return [];
    return [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' }];
  });
}

function groups(rootfs: string): GroupEntry[] {
  return imageFile(rootfs, 'etc/group').split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 4 || !/^\d+$/.test(f[2]!)) return [];
    return [{ name: f[0]!, gid: Number(f[2]), members: f[3]!.split(',').filter(Boolean) }];
  });
}

export function resolveUser(rootfs: string, req: UserRequest): ProcessUser {
  const users = passwd(rootfs);
  const [userPart = '', groupPart] = (req.imageUser ?? '').split(':');
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (req.runAsUser !== undefined) {
    uid = req.runAsUser;
    entry = users.find((u) => u.uid === uid);
  } else if (userPart === '' || /^\d+$/.test(userPart)) {
    uid = userPart === '' ? 0 : Number(userPart);
    entry = users.find((u) => u.uid === uid);
  } else {
    entry = users.find((u) => u.name === userPart);
    if (!entry) throw new BundleError(`unable to find user ${userPart}: no matching entries in the image's passwd file`);
    uid = entry.uid;
  }
  const groupList = groups(rootfs);
  let gid = entry?.gid ?? 0;
  if (req.runAsGroup !== undefined) {
    gid = req.runAsGroup;
  } else if (groupPart !== undefined && groupPart !== '' && req.runAsUser === undefined) {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groupList.find((x) => x.name === groupPart);
      if (!g) throw new BundleError(`unable to find group ${groupPart}: no matching entries in the image's group file`);
      gid = g.gid;
    }
  }
  const member = entry ? groupList.filter((g) => g.members.includes(entry.name)).map((g) => g.gid) : [];
  const additionalGids = [...new Set([...member, ...(req.supplementalGroups ?? [])])].filter((g) => g !== gid);
  return { uid, gid, additionalGids, home: entry?.home ?? '/' };
}
