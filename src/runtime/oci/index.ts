export { OciRuntime } from './oci-runtime.js';
export { compileOptions, OciOptionsError, type OciConfig, type OciRuntimeOptions } from './options.js';
export { BundleError, CniError, CommandError, OciRuntimeError } from './errors.js';
export { CniNetwork, type CniResult, type NetworkList, type PluginConf, type PortMapping } from './cni.js';
export { milliCpuToQuota, milliCpuToShares, cgroupResources, type CgroupResources } from './resources.js';
export { capabilitySet, defaultCapabilities } from './capabilities.js';
export { ociConfig, processArgs, processEnv, securitySettings } from './spec.js';
export { resolveUser, type ProcessUser } from './user.js';
