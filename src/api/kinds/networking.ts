/** networking.k8s.io/v1 Ingresses and IngressClasses: HTTP routing into services. */
import type { KubeObject } from '../types.js';

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface ServiceBackendPort {
  name?: string;
  number?: number;
}

export interface IngressBackend {
  service?: { name: string; port?: ServiceBackendPort };
  resource?: { apiGroup?: string; kind: string; name: string };
}

export interface HTTPIngressPath {
  path?: string;
  pathType?: PathType;
  backend: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths: HTTPIngressPath[] };
}

export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

export interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: IngressBackend;
  tls?: IngressTLS[];
  rules?: IngressRule[];
}

export interface Ingress extends KubeObject {
  spec?: IngressSpec & Record<string, unknown>;
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } & Record<string, unknown>;
}

export interface IngressClassSpec {
  controller?: string;
  parameters?: { apiGroup?: string; kind: string; name: string; scope?: 'Cluster' | 'Namespace'; namespace?: string };
}

export interface IngressClass extends KubeObject {
  spec?: IngressClassSpec & Record<string, unknown>;
}

/** The annotation that makes an IngressClass the one an Ingress without a class gets. */
export const defaultIngressClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
/** The legacy annotation naming an Ingress' class (before `spec.ingressClassName`). */
export const ingressClassAnnotation = 'kubernetes.io/ingress.class';
