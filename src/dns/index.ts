/** The cluster DNS (CoreDNS's kubernetes plugin, in process): zone, informer view, forwarder, server. */
export { Zone, answerTtl, negativeTtl, endpointName, type ClusterView, type Rr, type ZoneAnswer } from './zone.js';
export { InformerView } from './view.js';
export { Forwarder, hostNameservers, resolvConfNameservers, type ForwarderOptions } from './forward.js';
export { DnsServer, maxUdpPayload, type DnsServerOptions } from './server.js';
export { startClusterDns, clusterDnsIP, defaultClusterDomain, kubeDnsName, kubeDnsNamespace, type ClusterDns, type ClusterDnsOptions } from './kubedns.js';
