/** CustomResourceDefinitions: the CRD's own validation and custom resources against their
 * structural schema (the schema itself: ../schema/structural.ts). */
export { validateCustomResourceDefinition } from './validate.js';
export { pruneAndDefault, validateValue } from './values.js';
export { structuralSchemaOf, structuralProblems, type StructuralSchema } from '../schema/structural.js';
export { defaultCustomResourceDefinition } from './defaults.js';
export { crdResourceType } from './resource.js';
