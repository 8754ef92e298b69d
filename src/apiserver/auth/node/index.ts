/** Node identities: the Node authorizer, its graph, and NodeRestriction admission. */
export { NodeAuthorizer, NODE_LEASE_NAMESPACE, type NodeDecision } from './authorizer.js';
export { NodeGraph } from './graph.js';
export { admitNodeTokenRequest, forbiddenNodeLabels, MIRROR_POD_ANNOTATION, nodeRestriction } from './restriction.js';
