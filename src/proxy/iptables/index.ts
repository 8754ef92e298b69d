/** The service proxy's iptables mode: services as DNAT rules in the kernel (kube-proxy's layout). */
export { IptablesProxy, type IptablesProxyOptions } from './proxy.js';
export { buildRuleSet, shareOf, type Chains, type RuleConfig, type RuleSet } from './rules.js';
export { deleteText, restoreText, skiffChainsIn, tableChanges, type ChainNames } from './restore.js';
export { endpointChainName, jumps, serviceChainName, servicesChain, nodePortsChain, markMasqChain, postroutingChain, forwardChain, type Jump, type Table } from './chains.js';
export { commandRunner, IptablesError, type Runner } from './exec.js';
