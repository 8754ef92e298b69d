/** rbac.authorization.k8s.io/v1 roles and bindings, and the authorization.k8s.io/v1 and
 * authentication.k8s.io/v1 reviews. */
import { bool, defs, int64, kindObject, list, listOf, mapOf, obj, ref, str, strList, time, type Definitions } from './dsl.js';

const atomic = { listType: 'atomic' } as const;

const resourceAttributes = obj({
  namespace: str('The namespace of the action ("" for all namespaces or cluster-scoped resources).'),
  verb: str('A Kubernetes resource API verb (get, list, watch, create, …) or `*`.'),
  group: str('The API group of the resource; `*` for all.'),
  version: str('The API version of the resource; `*` for all.'),
  resource: str('An existing resource kind; `*` for all.'),
  subresource: str('An existing subresource; "" for none.'),
  name: str('The name of the resource being requested; "" for all.'),
}, 'A resource request for the authorizer.');

const nonResourceAttributes = obj({
  path: str('The URL path of the request.'),
  verb: str('The standard HTTP verb.'),
}, 'A non-resource request for the authorizer.');

export const rbacDefinitions: Definitions = {
  ...defs('rbac', {
    PolicyRule: obj({
      verbs: strList('Verbs the rule allows; `*` for all.'),
      apiGroups: strList('API groups of the resources; "" is the core group, `*` all groups.'),
      resources: strList('Resources the rule applies to; `*` for all, `*/sub` for a subresource of all.'),
      resourceNames: strList('Names the rule is limited to; empty for all.'),
      nonResourceURLs: strList('Partial URLs (a trailing `*` matches a prefix); only in ClusterRoles.'),
    }, 'What a role allows: verbs on resources, or on non-resource URLs.', ['verbs']),
    AggregationRule: obj({
      clusterRoleSelectors: list(ref('meta.LabelSelector'), 'ClusterRoles whose rules are aggregated into this one.', atomic),
    }, 'How a ClusterRole gets its rules from other ClusterRoles.'),
    Role: kindObject('Rules that apply within one namespace, granted by RoleBindings.', {
      rules: list(ref('rbac.PolicyRule'), 'The rules of the role.', atomic),
    }),
    RoleList: listOf('rbac.Role', 'roles'),
    ClusterRole: kindObject('Rules that apply cluster-wide or, through a RoleBinding, within a namespace.', {
      rules: list(ref('rbac.PolicyRule'), 'The rules of the role (filled by the controller for aggregated roles).', atomic),
      aggregationRule: ref('rbac.AggregationRule', 'Makes this an aggregated role.'),
    }),
    ClusterRoleList: listOf('rbac.ClusterRole', 'clusterroles'),
    Subject: obj({
      kind: str('`User`, `Group` or `ServiceAccount`.'),
      apiGroup: str('"" for ServiceAccount, `rbac.authorization.k8s.io` for User and Group.'),
      name: str('The name of the subject.'),
      namespace: str('The namespace of a ServiceAccount subject.'),
    }, 'Who a binding grants a role to.', ['kind', 'name']),
    RoleRef: obj({
      apiGroup: str('The group of the referenced role.'),
      kind: str('`Role` or `ClusterRole`.'),
      name: str('The name of the role.'),
    }, 'The role a binding grants.', ['apiGroup', 'kind', 'name']),
    RoleBinding: kindObject('Grants a Role or ClusterRole to subjects within a namespace.', {
      subjects: list(ref('rbac.Subject'), 'Who gets the role.', atomic),
      roleRef: ref('rbac.RoleRef', 'The role granted; immutable.'),
    }),
    RoleBindingList: listOf('rbac.RoleBinding', 'rolebindings'),
    ClusterRoleBinding: kindObject('Grants a ClusterRole to subjects cluster-wide.', {
      subjects: list(ref('rbac.Subject'), 'Who gets the role.', atomic),
      roleRef: ref('rbac.RoleRef', 'The ClusterRole granted; immutable.'),
    }),
    ClusterRoleBindingList: listOf('rbac.ClusterRoleBinding', 'clusterrolebindings'),
  }),
  ...defs('authz', {
    ResourceAttributes: resourceAttributes,
    NonResourceAttributes: nonResourceAttributes,
    SelfSubjectAccessReviewSpec: obj({
      resourceAttributes: ref('authz.ResourceAttributes', 'The resource request.'),
      nonResourceAttributes: ref('authz.NonResourceAttributes', 'The non-resource request.'),
    }, 'The action to check for the current user.'),
    SubjectAccessReviewSpec: obj({
      resourceAttributes: ref('authz.ResourceAttributes', 'The resource request.'),
      nonResourceAttributes: ref('authz.NonResourceAttributes', 'The non-resource request.'),
      user: str('The user to test for.'),
      groups: strList('The groups to test for.'),
      uid: str('The UID of the user.'),
      extra: mapOf(strList(), 'Extra user information.'),
    }, 'The action and the subject to check.'),
    SubjectAccessReviewStatus: obj({
      allowed: bool('Whether the action is allowed.'),
      denied: bool('Whether the action is explicitly denied.'),
      reason: str('Why.'),
      evaluationError: str('What went wrong while deciding.'),
    }, 'The answer.', ['allowed']),
    SelfSubjectAccessReview: kindObject('Asks whether the current user may perform an action.', {
      spec: ref('authz.SelfSubjectAccessReviewSpec', 'The action.'),
      status: ref('authz.SubjectAccessReviewStatus', 'The answer.'),
    }),
    SubjectAccessReview: kindObject('Asks whether a user may perform an action.', {
      spec: ref('authz.SubjectAccessReviewSpec', 'The subject and action.'),
      status: ref('authz.SubjectAccessReviewStatus', 'The answer.'),
    }),
    SelfSubjectRulesReviewSpec: obj({ namespace: str('The namespace to list rules in.') }, 'Where to list rules.'),
    ResourceRule: obj({
      verbs: strList('Verbs.'), apiGroups: strList('API groups.'), resources: strList('Resources.'), resourceNames: strList('Names.'),
    }, 'A resource rule the user holds.', ['verbs']),
    NonResourceRule: obj({ verbs: strList('Verbs.'), nonResourceURLs: strList('URLs.') }, 'A non-resource rule the user holds.', ['verbs']),
    SubjectRulesReviewStatus: obj({
      resourceRules: list(ref('authz.ResourceRule'), 'Resource rules.', atomic),
      nonResourceRules: list(ref('authz.NonResourceRule'), 'Non-resource rules.', atomic),
      incomplete: bool('Whether the list may miss rules.'),
      evaluationError: str('What went wrong while listing.'),
    }, 'The rules.', ['resourceRules', 'nonResourceRules', 'incomplete']),
    SelfSubjectRulesReview: kindObject('Lists what the current user may do in a namespace.', {
      spec: ref('authz.SelfSubjectRulesReviewSpec', 'The namespace.'),
      status: ref('authz.SubjectRulesReviewStatus', 'The rules.'),
    }),
  }),
  ...defs('authn', {
    UserInfo: obj({
      username: str('The name of the user.'),
      uid: str('A unique value for the user.'),
      groups: strList('The groups of the user.'),
      extra: mapOf(strList(), 'Extra information from the authenticator.'),
    }, 'Who a user is.'),
    SelfSubjectReviewStatus: obj({ userInfo: ref('authn.UserInfo', 'The current user.') }, 'The answer.'),
    SelfSubjectReview: kindObject('Asks who the current user is.', {
      status: ref('authn.SelfSubjectReviewStatus', 'The answer.'),
    }),
    TokenReviewSpec: obj({
      token: str('The opaque bearer token.'),
      audiences: strList('Identifiers the resource server presents the token with; the API server\'s by default.'),
    }, 'The token to review.'),
    TokenReviewStatus: obj({
      authenticated: bool('Whether the token is valid.'),
      user: ref('authn.UserInfo', 'Who the token stands for.'),
      audiences: strList('The audiences the token was accepted for.'),
      error: str('Why the token could not be reviewed.'),
    }, 'The answer.'),
    TokenReview: kindObject('Asks who a token stands for.', {
      spec: ref('authn.TokenReviewSpec', 'The token.'),
      status: ref('authn.TokenReviewStatus', 'The answer.'),
    }),
    BoundObjectReference: obj({
      kind: str('`Pod`, `Secret` or `Node`.'),
      apiVersion: str('`v1`.'),
      name: str('The name of the object.'),
      uid: str('The uid of the object; the token is refused when it differs.'),
    }, 'The object a token is bound to.'),
    TokenRequestSpec: obj({
      audiences: strList('Who the token is meant for; the API server\'s audiences by default.'),
      expirationSeconds: int64('Seconds the token is valid for (default 3600, at least 600).'),
      boundObjectRef: ref('authn.BoundObjectReference', 'The object the token dies with.'),
    }, 'What token to issue.', ['audiences']),
    TokenRequestStatus: obj({
      token: str('The signed token.'),
      expirationTimestamp: time('When the token expires.'),
    }, 'The issued token.', ['token', 'expirationTimestamp']),
    TokenRequest: kindObject('Requests a token for a service account.', {
      spec: ref('authn.TokenRequestSpec', 'What token to issue.'),
      status: ref('authn.TokenRequestStatus', 'The issued token.'),
    }),
  }),
};

