/**
 * kubectl's client-side apply patch: a three-way strategic merge patch from `original` (the
 * last-applied configuration), `modified` (the manifest now) and `current` (the live object).
 *
 * Fields the manifest sets that differ from the live object are patched to the manifest's values;
 * fields the last apply set and this manifest no longer has are deleted (`null`, or
 * `$patch: delete` for an item of a keyed list); fields only the live object has (server defaults,
 * other writers' fields) are left alone. Keyed lists (containers by name, ports by containerPort…)
 * merge item by item and carry `$setElementOrder` so the server keeps the manifest's order;
 * other lists are replaced whole when they differ.
 */
import { isRecord } from '../../api/types.js';

type Json = unknown;
type JsonMap = Record<string, Json>;

/** The merge key of the list at a field path (item paths look through lists), or undefined. */
export type MergeKeyOf = (path: readonly string[]) => string | undefined;

/** The patch (`{}` when nothing needs to change). */
export function threeWayMergePatch(original: JsonMap | undefined, modified: JsonMap, current: JsonMap, mergeKeyOf: MergeKeyOf): JsonMap {
  return diffMap(original, modified, current, mergeKeyOf, []);
}

function diffMap(original: JsonMap | undefined, modified: JsonMap, current: JsonMap | undefined, mk: MergeKeyOf, path: readonly string[]): JsonMap {
  const patch: JsonMap = {};
  for (const k of Object.keys(original ?? {})) {
    if (!(k in modified) && current && k in current) patch[k] = null;
  }
  for (const [k, m] of Object.entries(modified)) {
    const c = current?.[k];
    const o = original?.[k];
    if (m === null || m === undefined) {
      if (c !== undefined && c !== null) patch[k] = null;
      continue;
    }
    if (isRecord(m) && isRecord(c)) {
      const sub = diffMap(isRecord(o) ? o : undefined, m, c, mk, [...path, k]);
      if (Object.keys(sub).length) patch[k] = sub;
      continue;
    }
    if (Array.isArray(m) && Array.isArray(c)) {
      const key = mk([...path, k]);
      if (key && m.every(isRecord) && c.every(isRecord)) {
        const items = diffKeyedList(Array.isArray(o) ? o.filter(isRecord) : [], m, c, key, mk, [...path, k]);
        if (items.length) {
          patch[`$setElementOrder/${k}`] = m.map((i) => ({ [key]: i[key] }));
          patch[k] = items;
        }
        continue;
      }
    }
    if (!deepEqual(m, c)) patch[k] = m;
  }
  return patch;
}

function diffKeyedList(original: JsonMap[], modified: JsonMap[], current: JsonMap[], key: string, mk: MergeKeyOf, path: readonly string[]): JsonMap[] {
  const byKey = (list: JsonMap[], id: Json) => list.find((i) => deepEqual(i[key], id));
  const out: JsonMap[] = [];
  for (const m of modified) {
    const c = byKey(current, m[key]);
    if (!c) {
      out.push(m);
      continue;
    }
    const sub = diffMap(byKey(original, m[key]), m, c, mk, path);
    if (Object.keys(sub).length) out.push({ [key]: m[key], ...sub });
  }
  for (const o of original) {
    if (!byKey(modified, o[key]) && byKey(current, o[key])) out.push({ [key]: o[key], $patch: 'delete' });
  }
  return out;
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
