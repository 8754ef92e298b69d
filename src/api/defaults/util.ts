/** Small helpers for defaulting plain JSON in place without trusting its shape (validation, which
 * runs later, reports what is malformed; defaulting just leaves it alone). */
import { isRecord } from '../types.js';

export type Obj = Record<string, unknown>;

/** The object at `parent[key]`, created when absent; undefined when something else is there. */
export function ensureObj(parent: Obj, key: string): Obj | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    const o: Obj = {};
    parent[key] = o;
    return o;
  }
  return isRecord(v) ? v : undefined;
}

export function objAt(parent: Obj | undefined, key: string): Obj | undefined {
  const v = parent?.[key];
  return isRecord(v) ? v : undefined;
}

export function records(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** Sets `o[key] = value` when the field is absent (undefined, null or, for strings, empty). */
export function setDefault(o: Obj, key: string, value: unknown): void {
  const cur = o[key];
  if (cur === undefined || cur === null || cur === '') o[key] = value;
}

export function isEmptyMap(v: unknown): boolean {
  return !isRecord(v) || Object.keys(v).length === 0;
}

/** A copy of a label map (defaulting must not alias one map in two places of the object). */
export function copyMap(v: unknown): Record<string, string> {
  return isRecord(v) ? { ...(v as Record<string, string>) } : {};
}
