/**
 * The API machinery's face: object types, the error catalog, the resource table, label and field
 * selectors, quantities, defaulting, validation and legacy conversion. (The OpenAPI schemas live in
 * `./schema/` and are imported from there.)
 */
export * from './types.js';
export * from './errors.js';
export * from './resources.js';
export * from './kinds.js';
export * from './quantity.js';
export { kubeTime, microTime } from './time.js';
export {
  parseSelector, fromLabelSelector, fromMap, mapMatches, selectorOf, everythingSelector, nothingSelector,
  requirementToString, validateLabels, type Selector, type Requirement, type Operator,
} from './labels.js';
export { parseRequirements } from './selector-grammar.js';
export {
  parseFieldSelector, fieldSelectorOf, selectableFields, supportedFields, checkSupportedFields,
  type FieldSelector, type FieldRequirement,
} from './fields.js';
export {
  applyDefaults, prepareJobSelector, jobLabels, defaultPodSpec, defaultPodTemplate, defaultContainer,
  defaultPullPolicy, imageTag,
} from './defaults/index.js';
export {
  validateObject, validateObjectUpdate, validateObjectMeta, validateObjectMetaUpdate, validateAnnotations,
  validateLabelSelector, validatePodSpec, validatePodTemplateSpec, validateTolerations, validateResources,
  names as validationNames, field as fieldErrors,
} from './validation/index.js';
export {
  extensionsConverters, normalizeSelector, selectorFromTemplate, LEGACY_API_VERSION, type Converter,
} from './conversion/index.js';
