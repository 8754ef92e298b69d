/**
 * The pod network as CNI configuration: `loopback` for `lo`, then one bridge network — `bridge`
 * (the node's bridge as the pods' gateway, hairpin so a pod reaches itself through a service; no
 * masquerading here, see masquerade.ts) with `host-local` addresses from the node's pod CIDR,
 * and `portmap` for hostPorts, run only for pods that declare some.
 */
import path from 'node:path';
import type { Pod } from '../../api/kinds.js';
import { CniNetwork, type PortMapping } from './cni.js';

export interface PodNetworkOptions {
  /** The node's pod CIDR (`spec.podCIDR`), e.g. `10.88.3.0/24`. */
  readonly podCIDR: string;
  readonly bridge: string;
  readonly networkName: string;
  readonly pluginDirs: readonly string[];
  /** host-local's allocation records. */
  readonly ipamDir: string;
}

export interface PodNetworks {
  readonly loopback: CniNetwork;
  /** The bridge network, with portmap (for pods with hostPorts) or without. */
  readonly bridged: (withPortmap: boolean) => CniNetwork;
}

export function podNetworks(o: PodNetworkOptions): PodNetworks {
  const loopback = new CniNetwork({ name: `${o.networkName}-loopback`, plugins: [{ type: 'loopback' }] }, o.pluginDirs);
  const bridge = {
    type: 'bridge',
    bridge: o.bridge,
    isGateway: true,
    ipMasq: false,
    hairpinMode: true,
    ipam: { type: 'host-local', ranges: [[{ subnet: o.podCIDR }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: path.join(o.ipamDir) },
  };
  const portmap = { type: 'portmap', capabilities: { portMappings: true }, snat: true };
  const plain = new CniNetwork({ name: o.networkName, plugins: [bridge] }, o.pluginDirs);
  const mapped = new CniNetwork({ name: o.networkName, plugins: [bridge, portmap] }, o.pluginDirs);
  return { loopback, bridged: (withPortmap) => (withPortmap ? mapped : plain) };
}

/** The hostPorts of every container of the pod, as portmap wants them. */
export function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP').toLowerCase() as PortMapping['protocol'], ...(p.hostIP ? { hostIP: p.hostIP } : {}) });
    }
  }
  return out;
}
