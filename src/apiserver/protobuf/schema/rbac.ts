/** rbac.authorization.k8s.io/v1, authorization.k8s.io/v1 and authentication.k8s.io/v1 messages
 * (grammar in dsl.ts): what `kubectl create role/rolebinding/clusterrole/clusterrolebinding` and
 * `kubectl auth can-i/whoami` and `kubectl create token` send. SubjectAccessReview's and UserInfo's `extra` (field 5 / 4)
 * are not decoded: no kubectl command sends them. */
import type { MessageTable } from './dsl.js';

export const rbacMessages: MessageTable = {
  PolicyRule: 'verbs=1* apiGroups=2* resources=3* resourceNames=4* nonResourceURLs=5*',
  AggregationRule: 'clusterRoleSelectors=1:LabelSelector*',
  Role: 'metadata=1:ObjectMeta rules=2:PolicyRule*',
  ClusterRole: 'metadata=1:ObjectMeta rules=2:PolicyRule* aggregationRule=3:AggregationRule',
  Subject: 'kind=1 apiGroup=2 name=3 namespace=4',
  RoleRef: 'apiGroup=1 kind=2 name=3',
  RoleBinding: 'metadata=1:ObjectMeta subjects=2:Subject* roleRef=3:RoleRef',
  ClusterRoleBinding: 'metadata=1:ObjectMeta subjects=2:Subject* roleRef=3:RoleRef',
  FieldSelectorRequirement: 'key=1 operator=2 values=3*',
  FieldSelectorAttributes: 'rawSelector=1 requirements=2:FieldSelectorRequirement*',
  LabelSelectorAttributes: 'rawSelector=1 requirements=2:LabelSelectorRequirement*',
  ResourceAttributes:
    'namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7 fieldSelector=8:FieldSelectorAttributes ' +
    'labelSelector=9:LabelSelectorAttributes',
  NonResourceAttributes: 'path=1 verb=2',
  SelfSubjectAccessReviewSpec: 'resourceAttributes=1:ResourceAttributes nonResourceAttributes=2:NonResourceAttributes',
  SubjectAccessReviewSpec:
    'resourceAttributes=1:ResourceAttributes nonResourceAttributes=2:NonResourceAttributes user=3 groups=4* uid=6',
  SubjectAccessReviewStatus: 'allowed=1:b reason=2 evaluationError=3 denied=4:b',
  SelfSubjectAccessReview: 'metadata=1:ObjectMeta spec=2:SelfSubjectAccessReviewSpec status=3:SubjectAccessReviewStatus',
  SubjectAccessReview: 'metadata=1:ObjectMeta spec=2:SubjectAccessReviewSpec status=3:SubjectAccessReviewStatus',
  SelfSubjectRulesReviewSpec: 'namespace=1',
  ResourceRule: 'verbs=1* apiGroups=2* resources=3* resourceNames=4*',
  NonResourceRule: 'verbs=1* nonResourceURLs=2*',
  SubjectRulesReviewStatus: 'resourceRules=1:ResourceRule* nonResourceRules=2:NonResourceRule* incomplete=3:b evaluationError=4',
  SelfSubjectRulesReview: 'metadata=1:ObjectMeta spec=2:SelfSubjectRulesReviewSpec status=3:SubjectRulesReviewStatus',
  UserInfo: 'username=1 uid=2 groups=3*',
  SelfSubjectReviewStatus: 'userInfo=1:UserInfo',
  SelfSubjectReview: 'metadata=1:ObjectMeta status=2:SelfSubjectReviewStatus',
  // `kubectl create token` (kubectl sends an empty status too; the server fills it).
  BoundObjectReference: 'kind=1 apiVersion=2 name=3 uid=4',
  TokenRequestSpec: 'audiences=1* boundObjectRef=3:BoundObjectReference expirationSeconds=4:i64',
  TokenRequestStatus: 'token=1 expirationTimestamp=2:Time',
  TokenRequest: 'metadata=1:ObjectMeta spec=2:TokenRequestSpec status=3:TokenRequestStatus',
  TokenReviewSpec: 'token=1 audiences=2*',
  TokenReviewStatus: 'authenticated=1:b user=2:UserInfo error=3 audiences=4*',
  TokenReview: 'metadata=1:ObjectMeta spec=2:TokenReviewSpec status=3:TokenReviewStatus',
};
