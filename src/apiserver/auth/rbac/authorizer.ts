/**
 * The RBAC authorizer: a request is allowed when a rule of a ClusterRoleBinding's role, or of a
 * RoleBinding's role in the request's namespace, allows it. Denial carries RBAC's reason (bindings
 * to roles that do not exist), as Kubernetes' authorizer reports it.
 */
import type { Attributes } from '../attributes.js';
import type { UserInfo } from '../user.js';
import type { RbacIndex } from './index-cache.js';
import { ruleAllows, type PolicyRule } from './rules.js';

export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

export class RbacAuthorizer {
  constructor(readonly index: RbacIndex) {}

  authorize(a: Attributes): Decision {
    const set = this.index.rulesFor(a.user);
    for (const r of set.cluster) if (ruleAllows(a, r)) return allowed;
    const errors = [...set.clusterErrors];
    if (a.resourceRequest && a.namespace) {
      const ns = this.index.namespaceRules(a.user, set, a.namespace);
      for (const r of ns.rules) if (ruleAllows(a, r)) return allowed;
      errors.push(...ns.errors);
    }
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregate(errors)}` : '' };
  }

  /** Every rule `user` holds in `namespace` ('' for the cluster-wide ones only), with the errors
   * met on the way (SelfSubjectRulesReview's evaluationError, escalation checks). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const set = this.index.rulesFor(user);
    const rules = [...set.cluster];
    const errors = [...set.clusterErrors];
    if (namespace) {
      const ns = this.index.namespaceRules(user, set, namespace);
      rules.push(...ns.rules);
      errors.push(...ns.errors);
    }
    return { rules, errors };
  }
}

const allowed: Decision = { allowed: true, reason: '' };

/** utilerrors.NewAggregate's text: one error as itself, several in brackets. */
function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}
