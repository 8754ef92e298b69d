/**
 * Field sets of objects: the fields a value sets (what an applier owns), and what changed between
 * two versions of an object (what an updater comes to own, and what it took from others).
 */
import { isDeepStrictEqual } from 'node:util';
import { isRecord } from '../../api/types.js';
import { FieldSet, fieldPe, type PathElement } from './fieldset.js';
import { isAtomic, itemPe, memberType, type TypeNode } from './typed.js';

type Rec = Record<string, unknown>;

/** The fields `value` sets, as structured-merge-diff's ToFieldSet: scalars, atomic values, list
 * items and map entries are members; a declared struct field is a member only when empty. */
export function toFieldSet(value: unknown, t: TypeNode): FieldSet {
  const s = new FieldSet();
  walk(value, t, s);
  return s;
}

function walk(value: unknown, t: TypeNode, node: FieldSet): void {
  if (Array.isArray(value)) {
    if (t.t !== 'list' || t.listType === 'atomic') return;
    value.forEach((item, i) => addItem(node, itemPe(t, item, i), item, t.items));
    return;
  }
  if (!isRecord(value) || isAtomic(t, value)) return;
  for (const [k, v] of Object.entries(value)) addMember(node, fieldPe(k), v, memberType(t, k), t.t === 'struct' && t.field(k) !== undefined);
}

function addItem(node: FieldSet, pe: PathElement, item: unknown, t: TypeNode): void {
  node.members.add(pe);
  if (!isAtomic(t, item) && (isRecord(item) || Array.isArray(item))) walk(item, t, node.child(pe));
}

function addMember(node: FieldSet, pe: PathElement, v: unknown, t: TypeNode, declared: boolean): void {
  if (v === null || v === undefined || isAtomic(t, v) || !(isRecord(v) || Array.isArray(v))) {
    node.members.add(pe);
    return;
  }
  const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
  if (empty || !declared) node.members.add(pe);
  if (!empty) walk(v, t, node.child(pe));
}

export interface Comparison {
  /** Fields added or given another value. */
  readonly changed: FieldSet;
  /** Fields that went away. */
  readonly removed: FieldSet;
}

/** What changed from `before` to `after`. */
export function compare(before: unknown, after: unknown, t: TypeNode): Comparison {
  const changed = new FieldSet();
  const removed = new FieldSet();
  diff(before, after, t, changed, removed);
  return { changed, removed };
}

function entriesOf(value: unknown, t: TypeNode): Map<PathElement, { v: unknown; t: TypeNode; declared: boolean }> {
  const out = new Map<PathElement, { v: unknown; t: TypeNode; declared: boolean }>();
  if (Array.isArray(value) && t.t === 'list') {
    value.forEach((item, i) => out.set(itemPe(t, item, i), { v: item, t: t.items, declared: false }));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.set(fieldPe(k), { v, t: memberType(t, k), declared: t.t === 'struct' && t.field(k) !== undefined });
    }
  }
  return out;
}

function granular(v: unknown, t: TypeNode): boolean {
  if (Array.isArray(v)) return t.t === 'list' && t.listType !== 'atomic';
  return isRecord(v) && !isAtomic(t, v);
}

function diff(before: unknown, after: unknown, t: TypeNode, changed: FieldSet, removed: FieldSet): void {
  const a = entriesOf(before, t);
  const b = entriesOf(after, t);
  const isList = Array.isArray(after) || Array.isArray(before);
  for (const [pe, nb] of b) {
    const na = a.get(pe);
    if (!na) {
      if (isList) addItem(changed, pe, nb.v, nb.t);
      else addMember(changed, pe, nb.v, nb.t, nb.declared);
      continue;
    }
    if (granular(na.v, nb.t) && granular(nb.v, nb.t) && Array.isArray(na.v) === Array.isArray(nb.v)) {
      const c = changed.child(pe);
      const r = removed.child(pe);
      diff(na.v, nb.v, nb.t, c, r);
      if (c.isEmpty()) changed.children.delete(pe);
      if (r.isEmpty()) removed.children.delete(pe);
    } else if (!isDeepStrictEqual(na.v, nb.v)) {
      changed.members.add(pe);
    }
  }
  for (const pe of a.keys()) if (!b.has(pe)) removed.members.add(pe);
}

/** The value at `path` in `obj`, or undefined. */
export function valueAt(obj: unknown, path: readonly PathElement[], t: TypeNode): unknown {
  let cur = obj;
  let ct = t;
  for (const pe of path) {
    const e = entriesOf(cur, ct).get(pe);
    if (!e) return undefined;
    cur = e.v;
    ct = e.t;
  }
  return cur;
}

/** Removes the field or item at `path` from `obj` (in place); parents stay. */
export function removeAt(obj: Rec, path: readonly PathElement[], t: TypeNode): void {
  let cur: unknown = obj;
  let ct = t;
  let parent: unknown;
  for (let i = 0; i < path.length - 1; i++) {
    const e = entriesOf(cur, ct).get(path[i]!);
    if (!e) return;
    parent = cur;
    cur = e.v;
    ct = e.t;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(cur) && ct.t === 'list') {
    const at = cur.findIndex((item, i) => itemPe(ct, item, i) === last);
    if (at >= 0) cur.splice(at, 1);
  } else if (isRecord(cur) && last.startsWith('f:')) {
    delete cur[last.slice(2)];
  }
  // A list or map left empty goes too, as Kubernetes' omitempty drops it.
  const field = path[path.length - 2];
  const empty = Array.isArray(cur) ? cur.length === 0 : ct.t === 'map' && isRecord(cur) && Object.keys(cur).length === 0;
  if (empty && isRecord(parent) && field?.startsWith('f:')) delete parent[field.slice(2)];
}
