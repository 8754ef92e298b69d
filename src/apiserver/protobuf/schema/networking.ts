/** networking.k8s.io/v1 messages (Ingress, IngressClass); grammar in dsl.ts. */
import type { MessageTable } from './dsl.js';

export const networkingMessages: MessageTable = {
  ServiceBackendPort: 'name=1 number=2:i32',
  IngressServiceBackend: 'name=1 port=2:ServiceBackendPort',
  IngressBackend: 'resource=3:TypedLocalObjectReference service=4:IngressServiceBackend',
  IngressTLS: 'hosts=1* secretName=2',
  HTTPIngressPath: 'path=1 backend=2:IngressBackend pathType=3?',
  HTTPIngressRuleValue: 'paths=1:HTTPIngressPath*',
  IngressRuleValue: 'http=1:HTTPIngressRuleValue',
  IngressRule: 'host=1 ~=2:IngressRuleValue',
  IngressSpec: 'defaultBackend=1:IngressBackend tls=2:IngressTLS* rules=3:IngressRule* ingressClassName=4?',
  IngressPortStatus: 'port=1:i32 protocol=2 error=3?',
  IngressLoadBalancerIngress: 'ip=1 hostname=2 ports=4:IngressPortStatus*',
  IngressLoadBalancerStatus: 'ingress=1:IngressLoadBalancerIngress*',
  IngressStatus: 'loadBalancer=1:IngressLoadBalancerStatus',
  Ingress: 'metadata=1:ObjectMeta spec=2:IngressSpec status=3:IngressStatus',
  IngressClassParametersReference: 'apiGroup=1? kind=2 name=3 scope=4? namespace=5?',
  IngressClassSpec: 'controller=1 parameters=2:IngressClassParametersReference',
  IngressClass: 'metadata=1:ObjectMeta spec=2:IngressClassSpec',
};
