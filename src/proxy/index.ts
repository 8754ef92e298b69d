/** The service proxy: userspace mode (services' cluster IPs and node ports answered on loopback) and iptables mode (DNAT in the kernel). */
export { ServiceProxy, type ServiceProxyOptions } from './proxy.js';
export { RoundRobinBalancer, endpointKey, type Endpoint, type AffinityPolicy } from './balancer.js';
export { planService, endpointsFor, listenerKey, type PortPlan, type Bind, type ProxyProtocol } from './plan.js';
export { TcpListener } from './tcp.js';
export { UdpListener } from './udp.js';
export { HostPortForwarder, hostPortsOf, type HostPortOptions } from './hostports.js';
export { IptablesProxy, type IptablesProxyOptions } from './iptables/index.js';
export { endpointDrain, maxDrainMs, type Settles } from './drain.js';
export { IngressProxy, type IngressProxyOptions, RouteTable } from './ingress/index.js';
