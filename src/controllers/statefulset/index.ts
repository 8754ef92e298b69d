/** The stateful set controller and its pure plan. */
export { StatefulSetController, podNameLabel, podIndexLabel } from './controller.js';
export { planStatefulSet, ordinalOf, maxUnavailableOf, startOrdinal, type StatefulAction, type StatefulPlan, type StatefulStatus } from './plan.js';
