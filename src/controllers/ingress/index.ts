/** Status of the Ingresses skiff's built-in ingress controller serves (the routing is in src/proxy/ingress). */
export { IngressStatusController, serviceBackends } from './controller.js';
