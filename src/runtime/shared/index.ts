/** What the process and oci runtimes share: containers' output as FIFOs into CRI log files, and
 * exec results. */
export { CriLogWriter, rfc3339Nano, type LogStream } from './cri-log.js';
export { makePipes, openReader, type ContainerPipe } from './fifos.js';
export { execOutputCap, execResult } from './exec-output.js';
export { containersOutlive, containersOutliveProcess, killAtExit } from './exit-policy.js';
export { verifyRunAsNonRoot } from './non-root.js';
export { applyFsGroup, fsGroupOf, managedMounts } from './fs-group.js';
export { hostAliasesBlock, hostNetworkHosts } from './hosts.js';
export { effectiveDnsPolicy, hostResolvConf, podResolvConf, type ClusterDnsSettings } from './resolv.js';
export { podHostname } from './hostname.js';
export { hostUsage, processGroupUsage, type GroupUsage } from './procstat.js';
