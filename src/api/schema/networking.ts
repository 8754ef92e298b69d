/** networking.k8s.io/v1 Ingress and IngressClass. */
import { defs, int, kindObject, list, listOf, obj, ref, str, strList, type Definitions } from './dsl.js';

const atomic = { listType: 'atomic' } as const;

export const networkingDefinitions: Definitions = {
  ...defs('networking', {
    Ingress: kindObject('Routes HTTP(S) from outside the cluster to services, by host and path.', {
      spec: ref('networking.IngressSpec', 'The desired routing: rules, TLS, default backend and class.'),
      status: ref('networking.IngressStatus', 'The most recently observed state. Read-only.'),
    }),
    IngressList: listOf('networking.Ingress', 'ingresses'),
    IngressSpec: obj({
      ingressClassName: str('The IngressClass whose controller implements this Ingress; the default class when unset.'),
      defaultBackend: ref('networking.IngressBackend', 'Where requests that match no rule go.'),
      tls: list(ref('networking.IngressTLS'), 'TLS: which hosts are served with which certificate Secret.', atomic),
      rules: list(ref('networking.IngressRule'), 'Host and path rules; the first host match wins, then the longest path.', atomic),
    }, 'The desired state of an Ingress.'),
    IngressBackend: obj({
      service: ref('networking.IngressServiceBackend', 'A service and port. Exclusive with resource.'),
      resource: ref('core.TypedLocalObjectReference', 'Another object in the namespace. Exclusive with service.'),
    }, 'Where requests go.'),
    IngressServiceBackend: obj({
      name: str('The service\'s name, in the Ingress\' namespace.'),
      port: ref('networking.ServiceBackendPort', 'The service port, by name or number.'),
    }, 'A service as a backend.', ['name']),
    ServiceBackendPort: obj({
      name: str('The service port\'s name. Exclusive with number.'),
      number: int('The service port\'s number. Exclusive with name.'),
    }, 'A service port.'),
    IngressTLS: obj({
      hosts: strList('Hosts the certificate is for; must match hosts of the rules. Wildcards as `*.example.com`.'),
      secretName: str('The kubernetes.io/tls Secret with the certificate and key.'),
    }, 'TLS for some hosts.'),
    IngressRule: obj({
      host: str('The fully qualified host name (or `*.` wildcard of one label) this rule is for; all hosts when empty.'),
      http: ref('networking.HTTPIngressRuleValue', 'Path rules.'),
    }, 'Routing for one host.'),
    HTTPIngressRuleValue: obj({
      paths: list(ref('networking.HTTPIngressPath'), 'Paths and their backends.', atomic),
    }, 'HTTP path rules.', ['paths']),
    HTTPIngressPath: obj({
      path: str('The path matched against the request\'s path; must start with `/`.'),
      pathType: str('How the path matches: `Exact`, `Prefix` (by path elements) or `ImplementationSpecific`.', { enum: ['Exact', 'ImplementationSpecific', 'Prefix'] }),
      backend: ref('networking.IngressBackend', 'Where matching requests go.'),
    }, 'One path and its backend.', ['pathType', 'backend']),
    IngressStatus: obj({
      loadBalancer: ref('networking.IngressLoadBalancerStatus', 'The addresses the Ingress is reachable at.'),
    }, 'The observed state of an Ingress.'),
    IngressLoadBalancerStatus: obj({
      ingress: list(ref('networking.IngressLoadBalancerIngress'), 'Addresses of the controller.', atomic),
    }, 'The addresses of an Ingress.'),
    IngressLoadBalancerIngress: obj({
      ip: str('An IP address.'),
      hostname: str('A DNS name.'),
      ports: list(ref('networking.IngressPortStatus'), 'Port states.', atomic),
    }, 'One address of an Ingress.'),
    IngressPortStatus: obj({
      port: int('The port number.'),
      protocol: str('TCP, UDP or SCTP.'),
      error: str('Why the port is not served.'),
    }, 'The state of one port.', ['port', 'protocol']),
    IngressClass: kindObject('A kind of Ingress and the controller that implements it.', {
      spec: ref('networking.IngressClassSpec', 'The controller and its parameters.'),
    }),
    IngressClassList: listOf('networking.IngressClass', 'ingress classes'),
    IngressClassSpec: obj({
      controller: str('The controller implementing this class, as a domain-prefixed path (`skiff.io/ingress`). Immutable.'),
      parameters: ref('networking.IngressClassParametersReference', 'Configuration for the controller.'),
    }, 'The desired state of an IngressClass.'),
    IngressClassParametersReference: obj({
      apiGroup: str('Group of the referent; empty for core.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      scope: str('`Cluster` (default) or `Namespace`.'),
      namespace: str('The referent\'s namespace, when scope is Namespace.'),
    }, 'Where an IngressClass\' parameters are.', ['kind', 'name']),
  }),
};
