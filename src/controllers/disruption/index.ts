/** The disruption controller and the PodDisruptionBudget arithmetic the eviction subresource shares. */
export { DisruptionController } from './controller.js';
export {
  budgetStatus, countHealthy, deletionTimeoutMs, disruptedPods, expectedPods, failSafeStatus, needsScale, scaledValue,
  type DisruptedPods, type Expected,
} from './budget.js';
export { expectedScale, type ExpectedScale, type ScaleSources } from './scale.js';
