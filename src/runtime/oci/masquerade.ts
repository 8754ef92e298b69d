/**
 * Source NAT for traffic leaving the cluster, and none inside it. The bridge plugin's own ipMasq
 * would rewrite everything that leaves the node's pod CIDR — pods on other nodes included — but
 * Kubernetes' network model has pods see each other's real addresses. So the bridge runs without
 * it, and the runtime keeps one rule per node (as flannel does): from the node's pod CIDR to
 * anywhere outside the cluster's pod range, masquerade. Services' hairpin traffic is the proxy's.
 */
import { runCommand, runOk } from './command.js';

function rule(podCIDR: string, clusterCidr: string): string[] {
  return ['-s', podCIDR, '!', '-d', clusterCidr, '-m', 'comment', '--comment', `skiff: pods of ${podCIDR} leaving the cluster`, '-j', 'MASQUERADE'];
}

/** Adds the rule unless it is there (a runtime started again finds its own). */
export async function ensureMasquerade(podCIDR: string, clusterCidr: string): Promise<void> {
  const args = rule(podCIDR, clusterCidr);
  const present = await runCommand('iptables', ['-w', '-t', 'nat', '-C', 'POSTROUTING', ...args]);
  if (present.code !== 0) await runOk('iptables', ['-w', '-t', 'nat', '-A', 'POSTROUTING', ...args]);
}

export async function removeMasquerade(podCIDR: string, clusterCidr: string): Promise<void> {
  await runCommand('iptables', ['-w', '-t', 'nat', '-D', 'POSTROUTING', ...rule(podCIDR, clusterCidr)]);
}
