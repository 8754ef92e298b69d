/**
 * A pod's /etc/resolv.conf by its `dnsPolicy` and `dnsConfig`, as kubelet writes it, for both
 * runtimes:
 * - `ClusterFirst` (the default): the cluster DNS, `search <ns>.svc.<domain> svc.<domain> <domain>`
 *   then the host's searches, `options ndots:5`. Under hostNetwork it is `Default` (kubelet's rule).
 * - `ClusterFirstWithHostNet`: the cluster DNS even under hostNetwork.
 * - `Default`: the node's resolver configuration (nameservers, searches, options).
 * - `None`: `dnsConfig` alone.
 * Without a cluster DNS (`--no-cluster-dns`, an agent without `--cluster-dns`), the cluster
 * policies fall back to `Default`, as kubelet does. `dnsConfig` is merged on top: nameservers (at
 * most 3) and searches (at most 32) appended without duplicates, options overriding by name.
 */
import { readFileSync } from 'node:fs';
import type { Pod } from '../../api/kinds.js';

export interface ClusterDnsSettings {
  /** The cluster DNS addresses (kubelet's `--cluster-dns`). */
  readonly servers: readonly string[];
  /** kubelet's `--cluster-domain` (cluster.local). */
  readonly domain: string;
}

const parse = (text: string): { servers: string[]; searches: string[]; options: [string, string | undefined][] } => ({
  servers: [...text.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]!),
  searches: [...text.matchAll(/^(?:search|domain)\s+(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/)),
  options: [...text.matchAll(/^options\s+(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/).map((o) => {
    const [k, v] = o.split(':');
    return [k!, v] as [string, string | undefined];
  })),
});

const isLoopback = (s: string): boolean => s.startsWith('127.') || s === '::1';

/**
 * The host's resolver configuration. `podNetwork`: for a pod in its own network namespace, which
 * cannot reach a loopback stub (systemd-resolved's 127.0.0.53): then the stub's upstream file,
 * or, when every file names loopback resolvers only, the cluster DNS if there is one — never a
 * public resolver the host did not choose.
 */
export function hostResolvConf(podNetwork = false, cluster?: ClusterDnsSettings, files: readonly string[] = ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf']): string {
  let first: string | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    first ??= text;
    if (!podNetwork || parse(text).servers.some((s) => !isLoopback(s))) return text;
  }
  if (podNetwork && cluster && cluster.servers.length > 0) {
    const searches = parse(first ?? '').searches;
    return [...cluster.servers.map((s) => `nameserver ${s}`), ...(searches.length ? [`search ${searches.join(' ')}`] : []), ''].join('\n');
  }
  return first ?? '';
}

/** The effective policy after kubelet's hostNetwork rule and the cluster-DNS fallback. */
export function effectiveDnsPolicy(pod: Pod, cluster: ClusterDnsSettings | undefined): 'ClusterFirst' | 'Default' | 'None' {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return 'None';
  if (policy === 'Default') return 'Default';
  if (!cluster || cluster.servers.length === 0) return 'Default';
  if (policy === 'ClusterFirst' && pod.spec.hostNetwork === true) return 'Default';
  return 'ClusterFirst';
}

/** The resolv.conf text of `pod` given the node's resolver configuration `host`. */
export function podResolvConf(pod: Pod, host: string, cluster?: ClusterDnsSettings): string {
  const cfg = pod.spec.dnsConfig ?? {};
  const policy = effectiveDnsPolicy(pod, cluster);
  const h = parse(host);
  let servers: string[] = [];
  let searches: string[] = [];
  const options = new Map<string, string | undefined>();
  if (policy === 'ClusterFirst') {
    const d = cluster!.domain;
    const ns = pod.metadata.namespace ?? 'default';
    servers = [...cluster!.servers];
    searches = [`${ns}.svc.${d}`, `svc.${d}`, d, ...h.searches];
    options.set('ndots', '5');
  } else if (policy === 'Default') {
    servers = h.servers;
    searches = h.searches;
    for (const [k, v] of h.options) options.set(k, v);
  }
  servers.push(...(cfg.nameservers ?? []));
  searches.push(...(cfg.searches ?? []));
  for (const o of cfg.options ?? []) if (o.name) options.set(o.name, o.value);
  const lines = [
    ...[...new Set(servers)].slice(0, 3).map((s) => `nameserver ${s}`),
    ...(searches.length ? [`search ${[...new Set(searches)].slice(0, 32).join(' ')}`] : []),
    ...(options.size ? [`options ${[...options].map(([k, v]) => (v === undefined ? k : `${k}:${v}`)).join(' ')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
