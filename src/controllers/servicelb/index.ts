/** LoadBalancer services' external addresses: the Ready nodes' InternalIPs (k3s' servicelb). */
export { ServiceLoadBalancerController } from './controller.js';
export { nodeIngress, wantedIngress, isNodeReady, type Ingress } from './ingress.js';
