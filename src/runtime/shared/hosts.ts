/**
 * Hosts files as the kubelet writes them for pods that take the node's network: the node's own
 * /etc/hosts, then the pod's hostAliases under the kubelet's comment line.
 */
import { readFileSync } from 'node:fs';
import type { Pod } from '../../api/kinds.js';

/** The kubelet's hostAliases block, appended to the pod's hosts file. */
export function hostAliasesBlock(pod: Pod): string {
  const aliases = (pod.spec.hostAliases ?? []).filter((a) => a.ip && a.hostnames?.length);
  if (!aliases.length) return '';
  return `\n# Entries added by HostAliases.\n${aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}`).join('\n')}\n`;
}

/** A hostNetwork pod's hosts file: the node's own (kubelet copies it), and the aliases. */
export function hostNetworkHosts(pod: Pod): string {
  let text = '';
  try {
    text = readFileSync('/etc/hosts', 'utf8');
  } catch {
    text = '127.0.0.1\tlocalhost\n';
  }
  return `# Kubernetes-managed hosts file (host network).\n${text}${text.endsWith('\n') ? '' : '\n'}${hostAliasesBlock(pod)}`;
}

