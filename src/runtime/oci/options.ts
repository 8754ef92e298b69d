/** The oci runtime's options, and the complete config they compile to once. */
import os from 'node:os';
import path from 'node:path';
import type { ImageService } from '../../images/contract.js';
import type { ClusterDnsSettings } from '../shared/index.js';

export interface OciRuntimeOptions {
  /** Where bundles, sandboxes, runc's state and host-local's records live (`<dataDir>/oci`, …). */
  readonly dataDir: string;
  /** The node's pod CIDR (`spec.podCIDR`), e.g. `10.88.3.0/24`: host-local hands out its
   * addresses. Left out, it comes later through `setPodCIDR` (the server allocates it). */
  readonly podCIDR?: string;
  /** The cluster's pod range (the server's --cluster-cidr): traffic from pods to addresses
   * outside it is masqueraded, traffic between pods is not. Default: the node's pod CIDR. */
  readonly clusterCidr?: string;
  /** Where containers' images come from. */
  readonly images: ImageService;
  /** The OCI runtime binary: `runc` (default) or `crun`, or a path to one. */
  readonly ociRuntime?: string;
  /** The node's pod bridge (default `skiff0`). */
  readonly bridge?: string;
  /** The CNI network name (default `skiff`): it names the bridge plugin's iptables chains. */
  readonly networkName?: string;
  /** Where the CNI plugin binaries are (default `/usr/lib/cni`, Debian's, then `/opt/cni/bin`). */
  readonly cniPluginDirs?: readonly string[];
  /** The cgroup all containers are placed under (default `skiff`). */
  readonly cgroupParent?: string;
  /** The node's address: hostNetwork pods' IP (default: the host's first non-loopback IPv4). */
  readonly nodeIP?: string;
  /** Where seccomp `Localhost` profiles are (default `<dataDir>/seccomp`, the kubelet's
   * `<root-dir>/seccomp`). */
  readonly seccompProfileRoot?: string;
  /** kubelet's `--cluster-dns`/`--cluster-domain`: pods' resolv.conf by dnsPolicy (shared/resolv.ts). */
  readonly clusterDns?: ClusterDnsSettings;
}

export interface OciConfig {
  readonly dataDir: string;
  readonly podCIDR: string | undefined;
  readonly clusterCidr: string | undefined;
  readonly images: ImageService;
  readonly ociRuntime: string;
  readonly bridge: string;
  readonly networkName: string;
  readonly cniPluginDirs: readonly string[];
  readonly cgroupParent: string;
  readonly runcRoot: string;
  readonly podsDir: string;
  readonly ipamDir: string;
  readonly nodeIP: string;
  readonly seccompProfileRoot: string;
  readonly clusterDns: ClusterDnsSettings | undefined;
}

/** The host's first non-internal IPv4 address (a hostNetwork pod's IP when none is given). */
export function firstHostAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export class OciOptionsError extends Error {
  constructor(message: string) {
    super(`oci runtime: ${message}`);
    this.name = 'OciOptionsError';
  }
}

export function checkPodCIDR(cidr: string): string {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) throw new OciOptionsError(`pod CIDR must look like 10.88.3.0/24 (got ${cidr})`);
  return cidr;
}

export function compileOptions(o: OciRuntimeOptions): OciConfig {
  if (o.podCIDR !== undefined) checkPodCIDR(o.podCIDR);
  const bridge = o.bridge ?? 'skiff0';
  // Linux interface names: at most 15 bytes.
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new OciOptionsError(`bridge name ${bridge} is not a valid interface name`);
  const cgroupParent = (o.cgroupParent ?? 'skiff').replace(/^\/+|\/+$/g, '');
  if (!cgroupParent || cgroupParent.split('/').some((p) => p === '..' || p === '.')) throw new OciOptionsError(`cgroup parent ${o.cgroupParent ?? ''} is not a relative cgroup path`);
  const dataDir = path.resolve(o.dataDir);
  return {
    dataDir,
    podCIDR: o.podCIDR,
    clusterCidr: o.clusterCidr !== undefined ? checkPodCIDR(o.clusterCidr) : undefined,
    images: o.images,
    ociRuntime: o.ociRuntime ?? 'runc',
    bridge,
    networkName: o.networkName ?? 'skiff',
    cniPluginDirs: o.cniPluginDirs ?? ['/usr/lib/cni', '/opt/cni/bin'],
    cgroupParent,
    runcRoot: path.join(dataDir, 'runc'),
    podsDir: path.join(dataDir, 'oci'),
    ipamDir: path.join(dataDir, 'cni', 'host-local'),
    nodeIP: o.nodeIP ?? firstHostAddress(),
    seccompProfileRoot: path.resolve(o.seccompProfileRoot ?? path.join(dataDir, 'seccomp')),
    clusterDns: o.clusterDns,
  };
}
