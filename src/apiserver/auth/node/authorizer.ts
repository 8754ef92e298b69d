/**
 * The Node authorizer (Kubernetes' plugin/pkg/auth/authorizer/node): a node — `system:node:NAME`
 * in `system:nodes` — reads a Secret, ConfigMap or PersistentVolumeClaim and creates a
 * service-account token only when a pod bound to it references that object; touches only its own
 * Lease in `kube-node-lease`; and otherwise has the node rules (bootstrappolicy.NodeRules). It has no opinion about anyone else,
 * and no opinion (with a reason) about what it refuses, so that RBAC still decides and the 403
 * says why.
 */
import type { Attributes, ResourceAttributes } from '../attributes.js';
import { nodeOf } from '../user.js';
import { ruleAllows } from '../rbac/rules.js';
import { nodeRules } from '../rbac/policy.js';
import type { NodeGraph } from './graph.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeDecision {
  readonly allowed: boolean;
  /** Why it has no opinion ('' for requests that are not its business). */
  readonly reason: string;
}

const noOpinion = (reason = ''): NodeDecision => ({ allowed: false, reason });
const allow: NodeDecision = { allowed: true, reason: '' };

export class NodeAuthorizer {
  constructor(private readonly graph: NodeGraph) {}

  authorize(a: Attributes): NodeDecision {
    const node = nodeOf(a.user);
    if (node === undefined || !a.resourceRequest) return noOpinion();
    if (a.group === '') {
      switch (a.resource) {
        case 'secrets':
          return this.readReferenced(node, a, 'secret');
        case 'configmaps':
          return this.readReferenced(node, a, 'configmap');
        case 'persistentvolumeclaims':
          if (!a.subresource) return this.readReferenced(node, a, 'persistentvolumeclaim');
          break;
        case 'serviceaccounts':
          if (a.subresource === 'token') return this.createToken(node, a);
          break;
      }
    }
    if (a.group === 'coordination.k8s.io' && a.resource === 'leases') return this.lease(node, a);
    return nodeRules.some((r) => ruleAllows(a, r)) ? allow : noOpinion();
  }

  private readReferenced(node: string, a: ResourceAttributes, kind: 'secret' | 'configmap' | 'persistentvolumeclaim'): NodeDecision {
    if (a.verb !== 'get' || !a.name) return noOpinion('can only get individual resources of this type');
    if (a.subresource) return noOpinion('cannot get subresource');
    return this.graph.hasPath(node, kind, a.namespace, a.name) ? allow : noOpinion(`no relationship found between node '${node}' and this object`);
  }

  private createToken(node: string, a: ResourceAttributes): NodeDecision {
    if (a.verb !== 'create' || !a.name) return noOpinion('can only create tokens for individual service accounts');
    return this.graph.hasPath(node, 'serviceaccount', a.namespace, a.name) ? allow : noOpinion(`no relationship found between node '${node}' and this object`);
  }

  private lease(node: string, a: ResourceAttributes): NodeDecision {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
    if (a.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
    if (a.verb !== 'create' && a.name !== node) return noOpinion('can only access node lease with the same name as the requesting node');
    return allow;
  }
}
