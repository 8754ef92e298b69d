/** SelfSubjectRulesReview's status: the rules a user holds in a namespace, as RBAC's
 * RulesFor reports them (resource and non-resource rules apart; missing roles as the
 * evaluation error, the list then incomplete). */
import type { RbacAuthorizer } from '../rbac/authorizer.js';
import type { UserInfo } from '../user.js';

export function rulesReviewStatus(rbac: RbacAuthorizer, user: UserInfo, namespace: string): Record<string, unknown> {
  const { rules, errors } = rbac.rulesFor(user, namespace);
  const resourceRules = rules
    .filter((r) => (r.resources?.length ?? 0) > 0 || (r.apiGroups?.length ?? 0) > 0)
    .map((r) => ({
      verbs: [...r.verbs],
      apiGroups: [...(r.apiGroups ?? [])],
      resources: [...(r.resources ?? [])],
      ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}),
    }));
  const nonResourceRules = rules
    .filter((r) => (r.nonResourceURLs?.length ?? 0) > 0)
    .map((r) => ({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs!] }));
  return {
    resourceRules,
    nonResourceRules,
    incomplete: errors.length > 0,
    ...(errors.length > 0 ? { evaluationError: errors.join(', ') } : {}),
  };
}
