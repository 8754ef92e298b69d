/** Service cluster IP and node port allocation, kept in the store (see allocator.ts). */
import type { Store } from '../../../storage/index.js';
import { StoreAllocator } from './allocator.js';
import { defaultServiceClusterIpRange, defaultServiceNodePortRange, parseCidr, parsePortRange } from './range.js';

export { StoreAllocator, allocationsPrefix, parseRecord, type AllocationKind, type AllocationOwner, type AllocationRecord, type Claim, type ClaimResult } from './allocator.js';
export { parseCidr, parsePortRange, ServiceRangeError, defaultServiceClusterIpRange, defaultServiceNodePortRange, type AllocationRange } from './range.js';
export { repairAllocations, ServiceAllocationRepair, type RepairOptions, type RepairResult } from './repair.js';
export { needsClusterIP, needsNodePorts, clusterIPsOf, nodePortsOf, valuesOf, ownerOf } from './service-values.js';

/** The two allocators an API server runs with. */
export interface ServiceAllocators {
  readonly ips: StoreAllocator;
  readonly nodePorts: StoreAllocator;
}

export interface ServiceRanges {
  /** `--service-cluster-ip-range`, default 127.10.0.0/16 (loopback: the process-mode proxy
   * listens there without any network setup). */
  readonly clusterIpRange?: string;
  /** `--service-node-port-range`, default 30000-32767. */
  readonly nodePortRange?: string;
}

/** Parses the ranges (throwing ServiceRangeError on bad flags) and builds the allocators. */
export function createServiceAllocators(store: Store, ranges: ServiceRanges = {}): ServiceAllocators {
  return {
    ips: new StoreAllocator(store, 'ip', parseCidr(ranges.clusterIpRange ?? defaultServiceClusterIpRange)),
    nodePorts: new StoreAllocator(store, 'nodeport', parsePortRange(ranges.nodePortRange ?? defaultServiceNodePortRange)),
  };
}
