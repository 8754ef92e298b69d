/** discovery.k8s.io/v1 messages (EndpointSlice); grammar in dsl.ts. Names other than the root are
 * prefixed `Discovery` where core/v1 already has a message of the same Go name. */
import type { MessageTable } from './dsl.js';

export const discoveryMessages: MessageTable = {
  DiscoveryEndpointConditions: 'ready=1:b? serving=2:b? terminating=3:b?',
  DiscoveryForZone: 'name=1',
  DiscoveryForNode: 'name=1',
  DiscoveryEndpointHints: 'forZones=1:DiscoveryForZone* forNodes=2:DiscoveryForNode*',
  DiscoveryEndpoint:
    'addresses=1* conditions=2:DiscoveryEndpointConditions hostname=3? targetRef=4:ObjectReference ' +
    'deprecatedTopology=5:{s} nodeName=6? zone=7? hints=8:DiscoveryEndpointHints',
  DiscoveryEndpointPort: 'name=1? protocol=2? port=3:i32? appProtocol=4?',
  EndpointSlice: 'metadata=1:ObjectMeta endpoints=2:DiscoveryEndpoint* ports=3:DiscoveryEndpointPort* addressType=4',
};
