/** discovery.k8s.io/v1: EndpointSlices. */
import { bool, defs, int, kindObject, list, listOf, obj, ref, str, strMap, type Definitions } from './dsl.js';

const atomic = { listType: 'atomic' } as const;

export const discoveryDefinitions: Definitions = defs('discovery', {
  EndpointSlice: kindObject('A subset of the endpoints that implement a service; a service may have several slices.', {
    addressType: str('The type of address carried: `IPv4`, `IPv6` or `FQDN`. Cannot be changed.', { enum: ['FQDN', 'IPv4', 'IPv6'] }),
    endpoints: list(ref('discovery.Endpoint'), 'The unique endpoints of this slice, at most 1000.', atomic),
    ports: list(ref('discovery.EndpointPort'), 'The ports exposed by every endpoint of the slice, at most 100.', atomic),
  }),
  EndpointSliceList: listOf('discovery.EndpointSlice', 'endpoint slices'),
  Endpoint: obj({
    addresses: list(str(), 'The addresses of the endpoint (one is used by consumers), of the slice\'s addressType.', { listType: 'set' }),
    conditions: ref('discovery.EndpointConditions', 'The current state of the endpoint.'),
    hostname: str('The hostname of the endpoint, a DNS label.'),
    targetRef: ref('core.ObjectReference', 'The object behind the endpoint, usually a pod.'),
    deprecatedTopology: strMap('Deprecated topology labels; use nodeName and zone.'),
    nodeName: str('The node hosting the endpoint.'),
    zone: str('The zone the endpoint is in.'),
    hints: ref('discovery.EndpointHints', 'Hints for topology-aware routing.'),
  }, 'One endpoint of a slice.', ['addresses']),
  EndpointConditions: obj({
    ready: bool('Whether the endpoint is ready for traffic (serving and not terminating, unless the service publishes not-ready addresses).'),
    serving: bool('Whether the endpoint passes its readiness checks, even while terminating.'),
    terminating: bool('Whether the endpoint is being deleted.'),
  }, 'The state of an endpoint.'),
  EndpointHints: obj({
    forZones: list(ref('discovery.ForZone'), 'Zones that should consume this endpoint.', atomic),
    forNodes: list(ref('discovery.ForNode'), 'Nodes that should consume this endpoint.', atomic),
  }, 'Topology hints.'),
  ForZone: obj({ name: str('The zone name.') }, 'A zone that should consume an endpoint.', ['name']),
  ForNode: obj({ name: str('The node name.') }, 'A node that should consume an endpoint.', ['name']),
  EndpointPort: obj({
    name: str('The name of the port (the service port\'s name), a DNS label or empty.'),
    protocol: str('`TCP` (default), `UDP` or `SCTP`.', { enum: ['SCTP', 'TCP', 'UDP'] }),
    port: int('The port number; unset means all ports.'),
    appProtocol: str('The application protocol of the port.'),
  }, 'A port of an endpoint slice.'),
});

