/** Node-level networking shared by runtimes and agents: routes between nodes' pod CIDRs. */
export { HostGatewayRoutes, routeChanges, wantedRoutes, type HostGatewayOptions } from './hostgw.js';
