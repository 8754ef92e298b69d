/** The endpointslice and endpointslice-mirroring controllers: services and hand-made Endpoints → EndpointSlices. */
export { EndpointSliceController, byServiceAndManager, sliceOwnerIndex, type EndpointSliceControllerOptions } from './controller.js';
export { EndpointSliceMirroringController, mirroredGroups, skipMirrorLabel, maxMirroredAddresses } from './mirroring.js';
export { controllerName, mirroringControllerName, desiredGroups, endpointFor, maxEndpointsPerSlice, podInSlices, portsKey, sliceLabels, type PortGroup } from './desired.js';
export { planSlices, type SlicePlan, type SliceShape } from './reconcile.js';
