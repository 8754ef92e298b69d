/** Services and their Endpoints. */
import {
  bool, defs, int, intOrString, kindObject, list, listOf, obj, ref, str, strList, strMap, type Definitions,
} from './dsl.js';

const atomic = { listType: 'atomic' } as const;

export const serviceDefinitions: Definitions = defs('core', {
  Service: kindObject('A stable virtual address and name in front of a set of pods chosen by labels, with load balancing over them.', {
    spec: ref('core.ServiceSpec', 'The desired behaviour of the service.'),
    status: ref('core.ServiceStatus', 'The observed state of the service, such as its load balancer. Read-only.'),
  }),
  ServiceList: listOf('core.Service', 'services'),
  ServiceSpec: obj({
    ports: list(ref('core.ServicePort'), 'The ports the service exposes.', { mergeKey: 'port', strategy: 'merge', listType: 'map', mapKeys: ['port', 'protocol'] }),
    selector: strMap('Pods with these labels receive the traffic. Without a selector, endpoints are managed by hand.'),
    clusterIP: str('The virtual address of the service, allocated when empty; `None` makes a headless service. Cannot be changed.'),
    clusterIPs: strList('The virtual addresses (one per IP family); the first equals clusterIP.'),
    type: str('`ClusterIP` (default: an internal address), `NodePort` (also a port on every node), `LoadBalancer` (also an external balancer) or `ExternalName` (a DNS alias).', {
      enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
    }),
    externalIPs: strList('Further addresses for which nodes accept traffic to the service.'),
    sessionAffinity: str('`None` (default) or `ClientIP`: send each client to the same pod.', { enum: ['ClientIP', 'None'] }),
    loadBalancerIP: str('Deprecated: a requested load balancer address.'),
    loadBalancerSourceRanges: strList('Client address ranges allowed through the load balancer.'),
    externalName: str('For ExternalName services: the DNS name returned as a CNAME.'),
    externalTrafficPolicy: str('`Cluster` (default) or `Local`: whether external traffic may be sent to pods on other nodes.'),
    healthCheckNodePort: int('The node port for load balancer health checks, with externalTrafficPolicy Local.'),
    publishNotReadyAddresses: bool('Publish endpoints of pods that are not ready.'),
    sessionAffinityConfig: ref('core.SessionAffinityConfig', 'Settings of session affinity.'),
    ipFamilies: strList('IP families of the service: `IPv4`, `IPv6`.'),
    ipFamilyPolicy: str('`SingleStack`, `PreferDualStack` or `RequireDualStack`.'),
    allocateLoadBalancerNodePorts: bool('Whether LoadBalancer services get node ports. Default true.'),
    loadBalancerClass: str('The load balancer implementation to use.'),
    internalTrafficPolicy: str('`Cluster` (default) or `Local`: whether in-cluster traffic stays on the node.'),
    trafficDistribution: str('A preference for how traffic is spread, such as `PreferClose`.'),
  }, 'The desired state of a service.'),
  ServicePort: obj({
    name: str('Name of the port, unique in the service; required when there are several.'),
    protocol: str('`TCP` (default), `UDP` or `SCTP`.', { enum: ['SCTP', 'TCP', 'UDP'] }),
    appProtocol: str('The application protocol, such as `http`.'),
    port: int('The port the service listens on.'),
    targetPort: intOrString('The port number or name on the pods; defaults to `port`.'),
    nodePort: int('For NodePort and LoadBalancer services: the port opened on every node, allocated when unset (30000–32767 by default).'),
  }, 'A port of a service.', ['port']),
  SessionAffinityConfig: obj({ clientIP: ref('core.ClientIPConfig', 'ClientIP affinity settings.') }, 'Session affinity settings.'),
  ClientIPConfig: obj({ timeoutSeconds: int('How long a client sticks to a pod. Default 10800.') }, 'ClientIP affinity settings.'),
  ServiceStatus: obj({
    loadBalancer: ref('core.LoadBalancerStatus', 'The load balancer, if any.'),
    conditions: list(ref('meta.Condition'), 'Current conditions of the service.', { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
  }, 'The observed state of a service.'),
  LoadBalancerStatus: obj({
    ingress: list(ref('core.LoadBalancerIngress'), 'The balancer\'s addresses.', atomic),
  }, 'A load balancer.'),
  LoadBalancerIngress: obj({
    ip: str('An address.'),
    hostname: str('A DNS name.'),
    ipMode: str('`VIP` or `Proxy`.'),
    ports: list(ref('core.PortStatus'), 'Status of the ports.', atomic),
  }, 'An entry point of a load balancer.'),
  PortStatus: obj({ port: int('Port number.'), protocol: str('Protocol.'), error: str('Problem with the port.') }, 'Status of a port.', ['port', 'protocol']),
  Endpoints: kindObject('The addresses and ports that implement a service; kept up to date by the endpoints controller.', {
    subsets: list(ref('core.EndpointSubset'), 'Groups of addresses that share the same ports.', atomic),
  }),
  EndpointsList: listOf('core.Endpoints', 'endpoints'),
  EndpointSubset: obj({
    addresses: list(ref('core.EndpointAddress'), 'Ready addresses.', atomic),
    notReadyAddresses: list(ref('core.EndpointAddress'), 'Addresses not ready yet.', atomic),
    ports: list(ref('core.EndpointPort'), 'The ports on every address.', atomic),
  }, 'A set of addresses with a set of ports.'),
  EndpointAddress: obj({
    ip: str('The address.'),
    hostname: str('Hostname of the endpoint.'),
    nodeName: str('The node that hosts it.'),
    targetRef: ref('core.ObjectReference', 'The pod behind it.'),
  }, 'One endpoint address.', ['ip']),
  EndpointPort: obj({
    name: str('Name of the port (the service port\'s name).'),
    port: int('Port number.'),
    protocol: str('`TCP`, `UDP` or `SCTP`.'),
    appProtocol: str('The application protocol.'),
  }, 'A port of endpoints.', ['port']),
});

export const conditionDefinition: Definitions = defs('meta', {
  Condition: obj({
    type: str('Type of the condition, in CamelCase.'),
    status: str('`True`, `False` or `Unknown`.'),
    observedGeneration: { t: 'integer', format: 'int64', description: 'The generation the condition was set for.' },
    lastTransitionTime: ref('meta.Time', 'When the status last changed.'),
    reason: str('Why it last changed, in CamelCase.'),
    message: str('Details, for people.'),
  }, 'One aspect of the state of an object.', ['type', 'status', 'lastTransitionTime', 'reason', 'message']),
});
