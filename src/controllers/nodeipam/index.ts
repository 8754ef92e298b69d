/** Node IPAM: each node's `spec.podCIDR` from the cluster CIDR (`--cluster-cidr`). */
export { NodeIpamController, defaultClusterCidr, defaultNodeCidrMaskSize, type NodeIpamOptions } from './controller.js';
export { CidrSet, CidrError, parseIPv4Cidr } from './cidrset.js';
