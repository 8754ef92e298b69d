/**
 * Services and EndpointSlices → the content of skiff's chains, as pure data (no kernel here). The
 * layout is kube-proxy's iptables mode:
 *
 *   nat PREROUTING/OUTPUT → SKIFF-SERVICES: per service port with ready endpoints, its cluster IP
 *     (and external / load-balancer IPs, marked for masquerade) → SKIFF-SVC-<hash>; last, traffic
 *     to a local address → SKIFF-NODEPORTS (node port → mark, SKIFF-SVC-<hash>).
 *   SKIFF-SVC-<hash>: with ClientIP affinity first a `recent` check per endpoint, then one rule per
 *     endpoint taking 1/n, 1/(n-1), … 1 of what is left, so each gets an even share.
 *   SKIFF-SEP-<hash>: hairpin (the endpoint reaching itself) → mark; DNAT to the endpoint.
 *   nat POSTROUTING → SKIFF-POSTROUTING: masquerade what was marked.
 *   filter INPUT/FORWARD/OUTPUT → SKIFF-SERVICES: REJECT new connections to service ports that
 *     have no ready endpoint; SKIFF-FORWARD accepts marked traffic where FORWARD drops by default.
 */
import type { EndpointSlice, Service } from '../../api/kinds.js';
import { endpointsFor } from '../plan.js';
import {
  endpointChainName, forwardChain, markMasqChain, masqMark, nodePortsChain, postroutingChain, serviceChainName, servicesChain,
} from './chains.js';

/** One table's chains, in the order they are written, each a list of rules (`-A CHAIN` left off). */
export type Chains = ReadonlyMap<string, readonly string[]>;

export interface RuleSet {
  readonly nat: Chains;
  readonly filter: Chains;
  /** UDP flows the rules send somewhere, `front>endpointIP` (front `ip:port`, or `:nodePort`):
   * when one goes away its conntrack entries must go too, or datagrams keep flowing to it. */
  readonly udpFlows: ReadonlySet<string>;
}

export interface RuleConfig {
  /** The pod range: traffic to a cluster IP from outside it is masqueraded, so replies come back
   * through this node (kube-proxy's `--cluster-cidr`). Unset: only node ports, external IPs and
   * hairpin traffic are. */
  readonly clusterCidr?: string;
}

const isIPv4 = (ip: string | undefined): ip is string => ip !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

const comment = (text: string): string => `-m comment --comment "${text.replace(/"/g, '')}"`;

/** Probability for the i-th of n endpoint rules: each takes an even share of what earlier rules left. */
export function shareOf(i: number, n: number): string {
  return (1 / (n - i)).toFixed(10);
}

export function buildRuleSet(services: readonly Service[], endpointsOf: (svc: Service) => readonly EndpointSlice[], cfg: RuleConfig = {}): RuleSet {
  const nat = new Map<string, string[]>();
  const filter = new Map<string, string[]>();
  const natServices: string[] = [];
  const nodePorts: string[] = [];
  const rejects: string[] = [];
  const udpFlows = new Set<string>();
  nat.set(servicesChain, natServices);
  nat.set(nodePortsChain, nodePorts);
  nat.set(markMasqChain, [`-j MARK --or-mark ${masqMark}`]);
  nat.set(postroutingChain, [
    `-m mark ! --mark ${masqMark}/${masqMark} -j RETURN`,
    // Clear the bit so a packet that passes through again is not masqueraded twice.
    `-j MARK --xor-mark ${masqMark}`,
    `${comment('skiff service traffic requiring SNAT')} -j MASQUERADE`,
  ]);
  filter.set(servicesChain, rejects);
  filter.set(forwardChain, [
    `${comment('skiff forwarding rules')} -m mark --mark ${masqMark}/${masqMark} -j ACCEPT`,
    `${comment('skiff forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  ]);
  const perService: [string, string[]][] = [];

  const sorted = [...services].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  for (const svc of sorted) {
    const spec = svc.spec;
    if (!spec || spec.type === 'ExternalName') continue;
    const clusterIP = isIPv4(spec.clusterIP) ? spec.clusterIP : undefined;
    // Headless services (clusterIP None) are answered by DNS alone.
    if (!clusterIP) continue;
    const external = [...(spec.externalIPs ?? []), ...(spec.type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip) : [])].filter(isIPv4);
    const withNodePort = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined;
    const eps = endpointsOf(svc);
    for (const p of spec.ports ?? []) {
      const protocol = p.protocol ?? 'TCP';
      if (protocol !== 'TCP' && protocol !== 'UDP') continue;
      const proto = protocol.toLowerCase();
      const portName = `${keyOf(svc)}:${p.name ?? ''}`;
      const match = (port: number): string => `-p ${proto} -m ${proto} --dport ${port}`;
      const nodePort = withNodePort && p.nodePort ? p.nodePort : undefined;
      const endpoints = endpointsFor(eps, p.name ?? '', protocol);
      if (endpoints.length === 0) {
        const reject = `-j REJECT --reject-with icmp-port-unreachable`;
        rejects.push(`-d ${clusterIP}/32 ${comment(`${portName} has no endpoints`)} ${match(p.port)} ${reject}`);
        for (const ip of external) rejects.push(`-d ${ip}/32 ${comment(`${portName} has no endpoints`)} ${match(p.port)} ${reject}`);
        if (nodePort) rejects.push(`-m addrtype --dst-type LOCAL ${comment(`${portName} has no endpoints`)} ${match(nodePort)} ${reject}`);
        continue;
      }
      const svcChain = serviceChainName(portName, protocol);
      natServices.push(`-d ${clusterIP}/32 ${comment(`${portName} cluster IP`)} ${match(p.port)} -j ${svcChain}`);
      for (const ip of external) {
        natServices.push(`-d ${ip}/32 ${comment(`${portName} external IP`)} ${match(p.port)} -j ${markMasqChain}`);
        natServices.push(`-d ${ip}/32 ${comment(`${portName} external IP`)} ${match(p.port)} -j ${svcChain}`);
      }
      if (nodePort) {
        nodePorts.push(`${comment(portName)} ${match(nodePort)} -j ${markMasqChain}`);
        nodePorts.push(`${comment(portName)} ${match(nodePort)} -j ${svcChain}`);
      }
      const svcRules: string[] = [];
      if (cfg.clusterCidr) svcRules.push(`! -s ${cfg.clusterCidr} -d ${clusterIP}/32 ${comment(`${portName} cluster IP`)} ${match(p.port)} -j ${markMasqChain}`);
      const seps = endpoints.map((e) => ({ e, chain: endpointChainName(portName, protocol, `${e.ip}:${e.port}`) }));
      if (affinity !== undefined) {
        for (const { e, chain } of seps) {
          svcRules.push(`${comment(`${portName} -> ${e.ip}:${e.port}`)} -m recent --name ${chain} --rcheck --seconds ${affinity} --reap -j ${chain}`);
        }
      }
      seps.forEach(({ e, chain }, i) => {
        const pick = i < seps.length - 1 ? `-m statistic --mode random --probability ${shareOf(i, seps.length)} ` : '';
        svcRules.push(`${comment(`${portName} -> ${e.ip}:${e.port}`)} ${pick}-j ${chain}`);
      });
      perService.push([svcChain, svcRules]);
      for (const { e, chain } of seps) {
        const remember = affinity !== undefined ? ` -m recent --name ${chain} --set` : '';
        perService.push([chain, [
          `-s ${e.ip}/32 ${comment(portName)} -j ${markMasqChain}`,
          `${comment(portName)} -p ${proto}${remember} -m ${proto} -j DNAT --to-destination ${e.ip}:${e.port}`,
        ]]);
        if (protocol === 'UDP') {
          udpFlows.add(`${clusterIP}:${p.port}>${e.ip}`);
          for (const ip of external) udpFlows.add(`${ip}:${p.port}>${e.ip}`);
          if (nodePort) udpFlows.add(`:${nodePort}>${e.ip}`);
        }
      }
    }
  }
  // Last in SKIFF-SERVICES: node ports on any local address but loopback (DNAT from 127/8
  // needs route_localnet, which skiff leaves alone).
  natServices.push(`${comment('skiff service nodeports; NOTE: this must be the last rule in this chain')} ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j ${nodePortsChain}`);
  for (const [chain, rules] of perService) nat.set(chain, rules);
  return { nat, filter, udpFlows };
}

function keyOf(svc: Service): string {
  return `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
}
