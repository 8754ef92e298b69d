/** Validation as Kubernetes does it: every field error at once. Implemented per kind. */
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../types.js';

/** Errors in a new object of `kind` (stored form, after defaulting). */
export function validateObject(kind: string, obj: KubeObject): FieldError[] {
  void kind;
  void obj;
  return [];
}

/** Errors in an update of `old` to `obj` (both stored form, after defaulting). */
export function validateObjectUpdate(kind: string, obj: KubeObject, old: KubeObject): FieldError[] {
  void old;
  return validateObject(kind, obj);
}
