/** The endpoints controller: services' selectors → Endpoints objects. */
export { EndpointsController, lastChangeTriggerTime, type EndpointsControllerOptions } from './controller.js';
export { endpointSubsets, endpointsLabels, endpointsUpToDate, podIsReady, podVerdict, resolveTargetPort, type PodVerdict } from './subsets.js';
export { byNamespace, hasSelector, ServicePodsTrigger } from './servicepods.js';
