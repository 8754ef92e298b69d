/** discovery.k8s.io/v1: EndpointSlices, the sliced successor of Endpoints. */
import type { KubeObject } from '../types.js';

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface EndpointSliceEndpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
  deprecatedTopology?: Record<string, string>;
  nodeName?: string;
  zone?: string;
  hints?: { forZones?: { name: string }[]; forNodes?: { name: string }[] };
}

export interface EndpointSlicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port?: number;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: EndpointSliceEndpoint[];
  ports?: EndpointSlicePort[];
}

/** The label naming the service a slice belongs to. */
export const serviceNameLabel = 'kubernetes.io/service-name';
/** The label naming the controller that manages a slice. */
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
