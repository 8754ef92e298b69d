/**
 * Test "hosts" on one machine: network namespaces joined to one bridge in the root namespace by
 * veth pairs, as machines on one LAN are. Each host has `eth0` with an address on the bridge's
 * /24, a default route via the bridge (where the test's control plane listens) and forwarding
 * on, so it can route for the pods it runs. Everything carries one random tag and goes away in
 * `dispose()`: deleting a namespace takes its interfaces, bridges and iptables rules with it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface NetHost {
  readonly index: number;
  /** The network namespace (`ip netns` name). */
  readonly ns: string;
  /** Its address on the shared bridge. */
  readonly address: string;
}

export interface NetnsHostsOptions {
  readonly count: number;
  /** The first three octets of the hosts' /24, e.g. `10.251.250`: the bridge is .1, host i .(10+i). */
  readonly subnet: string;
}

function ip(args: readonly string[]): string {
  return execFileSync('ip', [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * What runs a program "on" a host: in its network namespace and in a mount namespace of its own
 * with a sysfs of that network (as `ip netns exec` gives), but with the cgroup file systems kept —
 * `ip netns exec` drops them with the old /sys, and runc needs them. Mounts the program makes
 * (pod namespaces, container roots) stay in that mount namespace and vanish with it.
 */
const onHostScript = [
  'set -e',
  'd=$(mktemp -d /run/skiff-cg.XXXXXX)',
  'mount --rbind /sys/fs/cgroup "$d"',
  'mount -t sysfs sysfs /sys',
  'mount --move "$d" /sys/fs/cgroup',
  'rmdir "$d"',
  'exec "$@"',
].join('\n');

export class NetnsHosts {
  readonly hosts: NetHost[] = [];
  private readonly created: { bridge?: string; veths: string[]; namespaces: string[] } = { veths: [], namespaces: [] };

  private constructor(
    /** Names of everything created here contain it. */
    readonly tag: string,
    readonly bridge: string,
    /** The bridge's address: the root namespace as the hosts see it. */
    readonly gateway: string,
  ) {}

  static create(opts: NetnsHostsOptions): NetnsHosts {
    const tag = randomBytes(3).toString('hex');
    const h = new NetnsHosts(tag, `skh${tag}`, `${opts.subnet}.1`);
    try {
      ip(['link', 'add', h.bridge, 'type', 'bridge']);
      h.created.bridge = h.bridge;
      ip(['addr', 'add', `${h.gateway}/24`, 'dev', h.bridge]);
      ip(['link', 'set', h.bridge, 'up']);
      for (let i = 0; i < opts.count; i++) {
        const ns = `skiff-${tag}-h${i}`;
        const veth = `skv${tag}h${i}`;
        const address = `${opts.subnet}.${10 + i}`;
        ip(['netns', 'add', ns]);
        h.created.namespaces.push(ns);
        ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
        h.created.veths.push(veth);
        ip(['link', 'set', veth, 'master', h.bridge, 'up']);
        ip(['-n', ns, 'link', 'set', 'lo', 'up']);
        ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
        ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
        ip(['-n', ns, 'route', 'add', 'default', 'via', h.gateway]);
        execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
        h.hosts.push({ index: i, ns, address });
      }
    } catch (err) {
      h.dispose();
      throw err;
    }
    return h;
  }

  /** The argv prefix that runs a program on `host` (see onHostScript). */
  launcher(host: NetHost): string[] {
    return ['nsenter', `--net=/run/netns/${host.ns}`, 'unshare', '--mount', '--propagation', 'slave', 'sh', '-c', onHostScript, 'sh'];
  }

  /** Runs a command in `host`'s network namespace; its output. */
  exec(host: NetHost, args: readonly string[]): string {
    return execFileSync('ip', ['netns', 'exec', host.ns, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Deletes the namespaces (and with them all the hosts' interfaces and rules), the veths and
   * the bridge; safe to call again and after a partial create. */
  dispose(): void {
    for (const ns of this.created.namespaces) spawnSync('ip', ['netns', 'del', ns]);
    // A namespace some process still holds lives on; deleting the root end takes the pair.
    for (const veth of this.created.veths) spawnSync('ip', ['link', 'del', veth], { stdio: 'ignore' });
    if (this.created.bridge) spawnSync('ip', ['link', 'del', this.created.bridge], { stdio: 'ignore' });
    this.created.namespaces = [];
    this.created.veths = [];
    delete this.created.bridge;
  }

  /** What of this set the root namespace still has: interfaces and namespaces with the tag. */
  leftovers(): string[] {
    const links = ip(['-o', 'link', 'show']).split('\n').map((l) => l.split(': ')[1]?.split('@')[0] ?? '');
    const namespaces = ip(['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '');
    return [...links, ...namespaces].filter((n) => n.includes(this.tag));
  }
}

/** A /16 `10.B.0.0` nothing in the root namespace routes or addresses yet, B from `candidates`. */
export function freeTenBlock(candidates: readonly number[]): number {
  const used = ip(['-4', 'route', 'show', 'table', 'all']) + ip(['-4', '-o', 'addr', 'show']);
  const free = candidates.filter((b) => !new RegExp(`\\b10\\.${b}\\.`).test(used));
  if (free.length === 0) throw new Error(`no free 10.B.0.0/16 among ${candidates.join(', ')}`);
  return free[Math.floor(Math.random() * free.length)]!;
}
