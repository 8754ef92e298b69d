/** What each runtime honours of a pod spec, and the admission checks built on it. */
export { features, featureById, type Feature, type Use } from './features.js';
export { tables, runtimeNames, supportOf, anyRuntimeHonours, notFullyHonoured, refusedFeatures, degradableFeatures, type Level, type RuntimeName, type Support } from './tables.js';
export { checkAnnotationSupport, checkSupport, mayDegrade, degradedFeatures, describeDegraded, normalizeSysctl, safeSysctls, type Degraded } from './check.js';
