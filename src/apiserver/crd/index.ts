/** CustomResourceDefinitions served: the live catalog of served resources, the controller that
 * establishes CRDs and installs their resources, and what each custom resource is. */
export { ServedCatalog } from './catalog.js';
export { CrdController, type CrdControllerDeps } from './controller.js';
export { customResourceOf, type CustomResource } from './served.js';
export { customResourcePrinter } from './printer.js';
