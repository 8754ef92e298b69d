/**
 * skiff's chains in the kernel, in kube-proxy's layout under skiff's own names, so the two never
 * touch each other's rules. Per-service and per-endpoint chain names are a hash of what they stand
 * for: stable across restarts and processes, and short enough for iptables' 28-character limit.
 */
import { createHash } from 'node:crypto';

export type Table = 'nat' | 'filter';
export const tables: readonly Table[] = ['nat', 'filter'];

/** Entry chain in nat (DNAT to endpoints) and in filter (REJECT for services without any). */
export const servicesChain = 'SKIFF-SERVICES';
export const nodePortsChain = 'SKIFF-NODEPORTS';
export const markMasqChain = 'SKIFF-MARK-MASQ';
export const postroutingChain = 'SKIFF-POSTROUTING';
export const forwardChain = 'SKIFF-FORWARD';
export const chainPrefix = 'SKIFF-';

/** kube-proxy's masquerade bit (`--iptables-masquerade-bit` 14). */
export const masqMark = '0x4000';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16).toUpperCase();

/** `SKIFF-SVC-…` for the service port `namespace/name:port` and protocol. */
export const serviceChainName = (portName: string, protocol: string): string => `SKIFF-SVC-${hash(`${portName}/${protocol}`)}`;

/** `SKIFF-SEP-…` for one endpoint (`ip:port`) of a service port. */
export const endpointChainName = (portName: string, protocol: string, endpoint: string): string =>
  `SKIFF-SEP-${hash(`${portName}/${protocol}/${endpoint}`)}`;

/** A rule that sends a built-in chain's traffic into ours; kept apart from the restore text
 * because built-in chains are shared and may only be edited rule by rule. */
export interface Jump {
  readonly table: Table;
  readonly chain: string;
  /** The rule's arguments after `-A CHAIN`, one argv entry each (no shell quoting). */
  readonly rule: readonly string[];
}

const comment = (text: string): string[] => ['-m', 'comment', '--comment', text];

export const jumps: readonly Jump[] = [
  { table: 'nat', chain: 'PREROUTING', rule: [...comment('skiff service portals'), '-j', servicesChain] },
  { table: 'nat', chain: 'OUTPUT', rule: [...comment('skiff service portals'), '-j', servicesChain] },
  { table: 'nat', chain: 'POSTROUTING', rule: [...comment('skiff postrouting rules'), '-j', postroutingChain] },
  // Only new connections: replies and established flows never match a REJECT for a service.
  { table: 'filter', chain: 'INPUT', rule: ['-m', 'conntrack', '--ctstate', 'NEW', ...comment('skiff service portals'), '-j', servicesChain] },
  { table: 'filter', chain: 'FORWARD', rule: ['-m', 'conntrack', '--ctstate', 'NEW', ...comment('skiff service portals'), '-j', servicesChain] },
  { table: 'filter', chain: 'FORWARD', rule: [...comment('skiff forwarding rules'), '-j', forwardChain] },
  { table: 'filter', chain: 'OUTPUT', rule: ['-m', 'conntrack', '--ctstate', 'NEW', ...comment('skiff service portals'), '-j', servicesChain] },
];
