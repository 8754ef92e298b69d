/**
 * Typed views of the kinds skiff stores, with the commonly used fields. Objects travel as plain
 * JSON; narrow a `KubeObject` with `obj as Pod` where the kind is known. Optional wherever
 * Kubernetes has the field optional (defaulting fills many of them in before storage).
 */
export * from './kinds/pod.js';
export * from './kinds/workloads.js';
export * from './kinds/services.js';
export * from './kinds/cluster.js';
export * from './kinds/discovery.js';
export * from './kinds/cronjob.js';
export * from './kinds/certificates.js';
export * from './kinds/statefulset.js';
export * from './kinds/policy.js';
export * from './kinds/networking.js';
export * from './kinds/storage.js';
export * from './kinds/hpa.js';
