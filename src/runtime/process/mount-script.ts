/**
 * The script that puts a process container's volumes in place inside its private mount
 * namespace (isolation.ts) without touching the host's file system: a mount point the host does
 * not have is made on a tmpfs *shadow* of its deepest existing parent directory. The shadow holds
 * every entry of that directory bind-mounted back (recursively, so what is mounted below stays),
 * so the container sees the host's directory as it is, plus the new mount point; only new entries
 * made directly in it stay in the shadow. The shadow is built in a staging directory in the
 * container's private dir and moved over the parent; for `/` itself the container is chrooted
 * into it instead (the root of a process cannot be mounted over).
 *
 * Binding back a directory's entries is one mount(2) each: a small perl program (perl-base is
 * Essential in Debian) makes them all in one process rather than one `mount` exec per entry.
 */
import { defaultPath } from './host-programs.js';

/** mount(2) and umount2(2) syscall numbers, for perl's `syscall`. */
export function syscallNumbers(arch: string = process.arch): { mount: number; umount2: number } | undefined {
  switch (arch) {
    case 'x64': return { mount: 165, umount2: 166 };
    case 'arm64': return { mount: 40, umount2: 39 };
    default: return undefined;
  }
}

/* Arguments: mount nr, umount2 nr, staging dir, the directory to shadow, where to move the shadow
 * ('' for none: the caller chroots into it). MS_BIND 4096, MS_MOVE 8192, MS_REC 16384, MNT_DETACH 2. */
const shadowPerl = String.raw`
my ($M, $U, $t, $e, $to) = @ARGV;
my @st = stat($e) or die "skiff-mounts: stat $e: $!\n";
my $mode = sprintf('%o', $st[2] & 07777);
# syscall's string arguments must be variables (it may write through them).
my ($name, $type, $opts) = ('skiff-shadow', 'tmpfs', "mode=$mode");
syscall($M, $name, $t, $type, 0, $opts) == 0 or die "skiff-mounts: tmpfs on $t: $!\n";
chown($st[4], $st[5], $t);
opendir(my $d, $e) or die "skiff-mounts: $e: $!\n";
for my $n (readdir $d) {
  next if $n eq '.' || $n eq '..';
  my $s = $e eq '/' ? "/$n" : "$e/$n";
  my $p = "$t/$n";
  if (-l $s) { symlink(readlink($s), $p) or die "skiff-mounts: symlink $p: $!\n"; next; }
  if (-d _) { mkdir($p) or die "skiff-mounts: mkdir $p: $!\n"; }
  else { open(my $f, '>', $p) or die "skiff-mounts: $p: $!\n"; close($f); }
  syscall($M, $s, $p, 0, 4096 | 16384, 0) == 0 or die "skiff-mounts: bind $s: $!\n";
}
closedir($d);
# The staging dir lies below the shadowed one: its copy came along with an entry; drop it.
my $pre = $e eq '/' ? '' : $e;
if (index($t, "$pre/") == 0) { my $copy = $t . substr($t, length($pre)); syscall($U, $copy, 2); }
if ($to ne '') { syscall($M, $t, $to, 0, 8192, 0) == 0 or die "skiff-mounts: move to $to: $!\n"; }
`;

/* Arguments: workdir, staging dir, mount nr, umount2 nr, count, then (source target ro|rw) per
 * mount, then the command. The tools' PATH is set for the script only; the program gets the
 * container's own. Errors go to fd 4, the container's stderr (process-group.ts). Paths are
 * resolved on the host first (readlink -m follows the host's symlinks, /var/run → /run), then
 * made below $root once / is shadowed. */
export const mountScript = `p=$PATH; PATH=${defaultPath}
wd=$1; stage=$2; mnr=$3; unr=$4; n=$5; shift 5; here=$PWD
nl='
'
root=; shadows=; created=; k=0
parent() { up=\${1%/*}; [ -n "$up" ] || up=/; }
has() { case "$nl$2$nl" in *"$nl$1$nl"*) return 0;; esac; return 1; }
under() { o=$IFS; IFS=$nl; for w in $2; do case "$1" in "$w"|"$w"/*) IFS=$o; return 0;; esac; done; IFS=$o; return 1; }
shadow_perl='${shadowPerl.replace(/'/g, "'\\''")}'
while [ "$n" -gt 0 ]; do
  src=$1; dst=$2; mode=$3; shift 3; n=$((n - 1))
  t=$(readlink -m -- "$dst") || exit 127
  if [ ! -e "$root$t" ] && [ ! -L "$root$t" ]; then
    parent "$t"; e=$up
    while [ ! -d "$root$e" ]; do parent "$e"; e=$up; done
    if ! has "$e" "$shadows" && ! under "$e" "$created"; then
      # Owner-only on the host, as all of skiff's state (the shadow itself is the namespace's).
      k=$((k + 1)); s="$stage/$k"; mkdir -p -m 700 -- "$stage" && mkdir -p -m 700 -- "$s" 2>&4 || exit 127
      if [ "$e" = / ]; then
        perl -e "$shadow_perl" "$mnr" "$unr" "$s" / '' 2>&4 || exit 127
        root=$s
      else
        perl -e "$shadow_perl" "$mnr" "$unr" "$s" "$root$e" "$root$e" 2>&4 || exit 127
      fi
      shadows="$shadows$nl$e"
    fi
    f=$t; parent "$f"
    while [ ! -e "$root$up" ]; do f=$up; parent "$f"; done
    created="$created$nl$f"
    if [ -d "$src" ]; then mkdir -p -- "$root$t" 2>&4 || exit 127
    else parent "$t"; mkdir -p -- "$root$up" 2>&4 && : > "$root$t" || exit 127; fi
  fi
  mount --bind -- "$src" "$root$t" 2>&4 || exit 127
  if [ "$mode" = ro ]; then mount -o remount,bind,ro -- "$root$t" 2>&4 || exit 127; fi
done
ch=$(command -v chroot)
PATH=$p
if [ -n "$root" ]; then
  exec "$ch" "$root" /bin/sh -c 'if [ -n "$1" ]; then cd "$1" 2>&4 || exit 127; fi; shift; exec "$@"' skiff-root "\${wd:-$here}" "$@"
fi
if [ -n "$wd" ]; then cd "$wd" 2>&4 || exit 127; fi
exec "$@"`;
