/** Cluster DNS flags, the same on `skiff up` and `skiff server` (kubelet's `--cluster-domain`). */
import { Command, InvalidArgumentError } from 'commander';
import { isDNS1123Subdomain } from '../api/validation/names.js';

export interface DnsFlags {
  clusterDns: boolean;
  clusterDomain: string;
  clusterDnsPort: number;
}

function domain(text: string): string {
  const d = text.replace(/\.$/, '');
  const errs = isDNS1123Subdomain(d);
  if (errs.length > 0) throw new InvalidArgumentError(errs.join('; '));
  return d;
}

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port from 0 to 65535');
  return n;
}

export function withDnsFlags(cmd: Command): Command {
  return cmd
    .option('--cluster-domain <domain>', 'the cluster\'s DNS domain', domain, 'cluster.local')
    .option('--cluster-dns-port <port>', 'port of the DNS server at the server\'s address (0: any free one; pods use the kube-dns Service on 53)', port, 0)
    .option('--no-cluster-dns', 'run no cluster DNS (no kube-dns Service)');
}

export function dnsOptions(o: DnsFlags): { clusterDns: boolean; clusterDomain: string; clusterDnsPort: number } {
  return { clusterDns: o.clusterDns, clusterDomain: o.clusterDomain, clusterDnsPort: o.clusterDnsPort };
}
