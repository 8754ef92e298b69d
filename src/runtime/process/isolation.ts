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
 * Containers deliberately outlive a crashed agent (no parent-death signal): the next agent
 * adopts them (process-group.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Mount } from '../runtime.js';
import { defaultPath, findProgram } from './host-programs.js';

export interface Isolation {
  /** How mounts are made: in a private mount namespace as root, in a user namespace, or not. */
  readonly mounts: 'root' | 'userns' | 'none';
  readonly unshare: string | undefined;
  readonly nsenter: string | undefined;
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
  };
  return probed;
}

/** Mounts that need work: a hostPath volume at its own path is already visible. */
export function mountsToMake(mounts: readonly Mount[]): Mount[] {
  return mounts.filter((m) => path.resolve(m.containerPath) !== path.resolve(m.hostPath));
}

/* Arguments: workdir, count, then (source target ro|rw) per mount, then the command. The tools'
 * PATH is set for the script only; the program gets the container's own. Fd 3 is passed on: the
 * program's wrapper reports on it that it runs, so a start returns only once the mounts are in
 * place (an exec right after must see them). Mount points missing on
 * the host are created there (as Docker does for hostPath), files for file sources. */
const mountScript = `p=$PATH; PATH=${defaultPath}
wd=$1; n=$2; shift 2
while [ "$n" -gt 0 ]; do
  src=$1; dst=$2; mode=$3; shift 3; n=$((n - 1))
  if [ "$mode" = opt ]; then
    { mkdir -p "$(dirname "$dst")" && { [ -e "$dst" ] || : > "$dst"; } && mount --bind "$src" "$dst"; } 2>/dev/null
    continue
  fi
  if [ -d "$src" ]; then mkdir -p "$dst"; else mkdir -p "$(dirname "$dst")"; [ -e "$dst" ] || : > "$dst"; fi
  mount --bind "$src" "$dst" 2>&4 || exit 127
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$dst" 2>&4 || exit 127; fi
done
PATH=$p
if [ -n "$wd" ]; then cd "$wd" 2>&4 || exit 127; fi
exec "$@"`;

/** The argv that runs `argv` with `mounts` in place. The script's errors go to fd 4, the
 * container's stderr (see process-group.ts). `optional` mounts (the termination-message file)
 * are made when they can be and skipped quietly when not. */
export function wrap(iso: Isolation, argv: readonly string[], mounts: readonly Mount[], workDir: string | undefined, optional: readonly Mount[] = []): string[] {
  const inner = [...argv];
  const all = [...mounts.map((m) => [m.hostPath, m.containerPath, m.readOnly ? 'ro' : 'rw']), ...optional.map((m) => [m.hostPath, m.containerPath, 'opt'])];
  if (all.length === 0 || iso.mounts === 'none' || !iso.unshare) return inner;
  const ns = iso.mounts === 'userns' ? ['--user', '--map-root-user'] : [];
  return [iso.unshare, ...ns, '--mount', '--propagation', 'private', '/bin/sh', '-c', mountScript, 'skiff-mounts', workDir ?? '', String(all.length), ...all.flat(), ...inner];
}

/** The prefix that runs an exec'd command in a container's mount namespace. */
export function enterPrefix(iso: Isolation, pid: number, workDir: string): string[] {
  if (!iso.nsenter) return [];
  const userns = iso.mounts === 'userns' ? ['--user', '--preserve-credentials'] : [];
  return [iso.nsenter, `--target=${pid}`, ...userns, '--mount', `--wd=${workDir}`, '--'];
}
