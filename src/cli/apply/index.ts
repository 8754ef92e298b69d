/** Client-side apply: the three-way patch and the last-applied annotation. */
export { threeWayMergePatch, deepEqual, type MergeKeyOf } from './threeway.js';
export { withLastApplied, lastApplied, lastAppliedAnnotation } from './lastapplied.js';
