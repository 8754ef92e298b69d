/** The built-in ingress controller: host/path routing of Ingresses to services' endpoints, TLS by SNI. */
export { IngressProxy, type IngressProxyOptions } from './server.js';
export { RouteTable, hostOnly, wildcardCovers, type Match, type Route } from './routes.js';
export { CertificateStore, selfSignedCertificate, DEFAULT_CERT_CN } from './certs.js';
