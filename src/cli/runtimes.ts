/** The container runtimes a node can use, by the name `--runtime` takes. */
import { InvalidArgumentError } from 'commander';
import type { Runtime } from '../runtime/runtime.js';
import { FakeRuntime } from '../runtime/fake/index.js';
import { ImageCatalog, ProcessRuntime } from '../runtime/process/index.js';
import { OciRuntime } from '../runtime/oci/index.js';
import type { ImageService } from '../images/index.js';
import type { NodeSpec } from './nodes.js';
import type { ClusterDnsSettings } from '../runtime/shared/index.js';

export const runtimeNames = ['process', 'oci', 'fake'] as const;
export type RuntimeName = (typeof runtimeNames)[number];

export function runtimeName(v: string): RuntimeName {
  if (!(runtimeNames as readonly string[]).includes(v)) throw new InvalidArgumentError(`unknown runtime "${v}" (one of: ${runtimeNames.join(', ')})`);
  return v as RuntimeName;
}

export const proxyModes = ['userspace', 'iptables'] as const;
export type ProxyMode = (typeof proxyModes)[number];

export function proxyMode(v: string): ProxyMode {
  if (!(proxyModes as readonly string[]).includes(v)) throw new InvalidArgumentError(`unknown proxy mode "${v}" (one of: ${proxyModes.join(', ')})`);
  return v as ProxyMode;
}

/** Services go to the kernel where pods have network namespaces; the userspace proxy serves the
 * process runtime's loopback pods. */
export function defaultProxyMode(runtime: RuntimeName): ProxyMode {
  return runtime === 'oci' ? 'iptables' : 'userspace';
}

export interface RuntimeExtras {
  readonly imageCatalog?: string;
  /** The oci runtime's image store (one per data dir, shared by its nodes). */
  readonly images?: ImageService;
  /** The oci runtime's pod bridge (one per node on a machine). */
  readonly bridge?: string;
  /** The cluster's pod range: the oci runtime masquerades only traffic leaving it. */
  readonly clusterCidr?: string;
  /** The cluster DNS pods' resolv.conf names (kubelet's --cluster-dns, --cluster-domain). */
  readonly clusterDns?: ClusterDnsSettings;
}

export function makeRuntime(name: RuntimeName, spec: NodeSpec, dataDir: string, extras: RuntimeExtras = {}): Runtime {
  switch (name) {
    case 'fake':
      return new FakeRuntime({ podAddressPrefix: spec.podPrefix });
    case 'process':
      return new ProcessRuntime({ podAddressPrefix: spec.podPrefix, dataDir, imageCatalog: ImageCatalog.load(extras.imageCatalog), ...(extras.clusterDns ? { clusterDns: extras.clusterDns } : {}) });
    case 'oci':
      if (!extras.images) throw new Error('the oci runtime needs an image store');
      // The pod CIDR comes from the server once the node is registered (setPodCIDR).
      return new OciRuntime({ dataDir, images: extras.images, nodeIP: spec.address, ...(extras.bridge ? { bridge: extras.bridge, networkName: extras.bridge } : {}), ...(extras.clusterCidr ? { clusterCidr: extras.clusterCidr } : {}), ...(extras.clusterDns ? { clusterDns: extras.clusterDns } : {}) });
  }
}
