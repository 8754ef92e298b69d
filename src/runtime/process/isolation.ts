/**
 * What the host lets the process runtime do beyond a plain spawn, probed once per process:
 *
 * - **Mounts.** A volume must appear at its `containerPath`. A private mount namespace per
 *   container does it: `unshare --mount` (util-linux, always on Debian) runs a small sh script
 *   that bind-mounts each volume and then `exec`s the program, so the program itself stays the
 *   process-group leader and receives stop signals directly. As root this needs nothing more;
 *   otherwise an unprivileged user namespace (`--map-root-user`) is tried. bwrap was measured
 *   and rejected: its monitor process dies on SIGTERM before the program does, which breaks
 *   graceful stops (see the report in the runtime's tests).
 *
 * - **Host name.** As root, each container also gets its own UTS namespace (`unshare --uts`)
 *   whose host name is the pod's, as in Kubernetes, set before the program is exec'd; exec'd
 *   commands enter it too. Without root the host's name stays (a user namespace could set one,
 *   but its other effects are not worth a name).
 *
 * Containers deliberately outlive a crashed agent (no parent-death signal): the next agent
 * adopts them (process-group.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Mount } from '../runtime.js';
import { defaultPath, findProgram } from './host-programs.js';
import { mountScript, syscallNumbers } from './mount-script.js';

export interface Isolation {
  /** How mounts are made: in a private mount namespace as root, in a user namespace, or not. */
  readonly mounts: 'root' | 'userns' | 'none';
  readonly unshare: string | undefined;
  readonly nsenter: string | undefined;
  /** The `hostname` program, for a container's own UTS namespace (as root). */
  readonly hostname: string | undefined;
}

let probed: Isolation | undefined;

function works(argv: readonly string[]): boolean {
  const [cmd, ...args] = argv;
  if (!cmd) return false;
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

export function probeIsolation(): Isolation {
  if (probed) return probed;
  const find = (p: string): string | undefined => findProgram(p, defaultPath, '/');
  const unshare = find('unshare');
  const mountTest = ['/bin/sh', '-c', 'mount --bind /tmp /tmp'];
  let mounts: Isolation['mounts'] = 'none';
  if (unshare && works([unshare, '--mount', '--propagation', 'private', ...mountTest])) mounts = 'root';
  else if (unshare && works([unshare, '--user', '--map-root-user', '--mount', '--propagation', 'private', ...mountTest])) mounts = 'userns';
  probed = {
    mounts,
    unshare,
    nsenter: find('nsenter'),
    hostname: find('hostname'),
  };
  return probed;
}

/** Mounts that need work: a hostPath volume at its own path is already visible. */
export function mountsToMake(mounts: readonly Mount[]): Mount[] {
  return mounts.filter((m) => path.resolve(m.containerPath) !== path.resolve(m.hostPath));
}

/** The argv that runs `argv` with `mounts` in place (mount-script.ts), mount points the host
 * lacks made on shadows staged in `stageDir` (the container's private dir). The script's errors
 * go to fd 4, the container's stderr (see process-group.ts). */
export function wrap(iso: Isolation, argv: readonly string[], mounts: readonly Mount[], workDir: string | undefined, stageDir: string, hostname?: string): string[] {
  if (mounts.length === 0 || iso.mounts === 'none' || !iso.unshare) return [...argv];
  const nr = syscallNumbers();
  if (!nr) throw new Error(`process runtime: mounts are not supported on ${process.arch}`);
  const ns = iso.mounts === 'userns' ? ['--user', '--map-root-user'] : [];
  const uts = ownHostName(iso, hostname);
  // The name is set as root, before a runAsUser drop inside argv, and the program is exec'd.
  const inner = uts ? ['/bin/sh', '-c', '"$0" "$1" || exit 127; shift; exec "$@"', iso.hostname!, uts, ...argv] : [...argv];
  const spec = mounts.flatMap((m) => [m.hostPath, m.containerPath, m.readOnly ? 'ro' : 'rw']);
  return [iso.unshare, ...ns, '--mount', ...(uts ? ['--uts'] : []), '--propagation', 'private', '/bin/sh', '-c', mountScript, 'skiff-mounts', workDir ?? '', stageDir, String(nr.mount), String(nr.umount2), String(mounts.length), ...spec, ...inner];
}

/** The host name a wrapped container gets in its own UTS namespace, when it gets one. */
function ownHostName(iso: Isolation, hostname: string | undefined): string | undefined {
  return iso.mounts === 'root' && iso.hostname && hostname ? hostname : undefined;
}

/** The prefix that runs an exec'd command in a container's mount namespace, in its root and
 * working directory: both taken from the container's process (`--root`, `--wd` without a path:
 * a path would be opened in the host's namespace, where a shadowed one does not exist). */
export function enterPrefix(iso: Isolation, pid: number): string[] {
  if (!iso.nsenter) return [];
  const userns = iso.mounts === 'userns' ? ['--user', '--preserve-credentials'] : [];
  // A container started before it had its own UTS namespace shares the host's: entering it is a no-op.
  const uts = iso.mounts === 'root' ? ['--uts'] : [];
  return [iso.nsenter, `--target=${pid}`, ...userns, '--mount', ...uts, '--root', '--wd', '--'];
}
