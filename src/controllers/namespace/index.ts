/** The namespace controller: empties terminating namespaces, then finalizes them. */
export { NamespaceController, kubernetesFinalizer, type NamespaceControllerOptions } from './controller.js';
export { deleteContent, namespacedResources, summarise, type ContentReport } from './content.js';
