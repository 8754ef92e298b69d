/** Server-side apply and field ownership (`metadata.managedFields`). */
export { FieldSet, pathString, type Path, type PathElement } from './fieldset.js';
export { kindType, typeOf, type TypeNode } from './typed.js';
export { openApiType } from './openapi.js';
export { toFieldSet, compare } from './fields.js';
export { mergeApplied } from './merge.js';
export { trackUpdate, managerOf, decodeManaged, encodeManaged, MAX_UPDATE_MANAGERS, type Writer, type ManagerEntry } from './managed.js';
export { applyConfig, conflictError, LAST_APPLIED, type ApplyOptions } from './apply.js';
