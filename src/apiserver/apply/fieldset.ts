/**
 * Sets of field paths, as structured-merge-diff keeps them for server-side apply, and their
 * FieldsV1 form (`metadata.managedFields[].fieldsV1`).
 *
 * A path is a list of path elements, each written as in FieldsV1:
 *   `f:<name>` a field of a struct or a key of a map, `k:<json>` a list item by its map keys
 *   (`k:{"containerPort":80,"protocol":"TCP"}`, keys sorted), `v:<json>` an item of a set list,
 *   `i:<n>` an item of an atomic-less list by index.
 * A node is a member when the path ending there is in the set; a node may also have children.
 * In FieldsV1 a member with children carries `".": {}`; a member without children is `{}`.
 */

export type PathElement = string;
export type Path = readonly PathElement[];

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.child(path[i]!);
    node.members.add(path[path.length - 1]!);
  }

  /** The child node at `pe`, made when missing. */
  child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  has(path: Path): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1; i++) {
      node = node.children.get(path[i]!);
      if (!node) return false;
    }
    return path.length > 0 && node.members.has(path[path.length - 1]!);
  }

  /** True when the set holds `path` or anything below it. */
  hasPrefix(path: Path): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1; i++) {
      node = node.children.get(path[i]!);
      if (!node) return false;
    }
    const last = path[path.length - 1]!;
    return node.members.has(last) || (node.children.get(last)?.isEmpty() === false);
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  union(o: FieldSet): FieldSet {
    const out = this.clone();
    out.addAll(o);
    return out;
  }

  private addAll(o: FieldSet): void {
    for (const m of o.members) this.members.add(m);
    for (const [pe, c] of o.children) this.child(pe).addAll(c);
  }

  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      const d = oc ? c.difference(oc) : c.clone();
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (!oc) continue;
      const i = c.intersection(oc);
      if (!i.isEmpty()) out.children.set(pe, i);
    }
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c.clone());
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).isEmpty() && o.difference(this).isEmpty();
  }

  /** Every member path, parents before their children, in sorted order. */
  *paths(prefix: Path = []): Generator<Path> {
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort(comparePe);
    for (const pe of keys) {
      const p = [...prefix, pe];
      if (this.members.has(pe)) yield p;
      const c = this.children.get(pe);
      if (c) yield* c.paths(p);
    }
  }

  /** The FieldsV1 object. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort(comparePe);
    for (const pe of keys) {
      const c = this.children.get(pe);
      const inner = c && !c.isEmpty() ? c.toFieldsV1() : {};
      if (c && !c.isEmpty() && this.members.has(pe)) out[pe] = { '.': {}, ...inner };
      else if (c && !c.isEmpty()) out[pe] = inner;
      else if (this.members.has(pe)) out[pe] = {};
    }
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return s;
    for (const [pe, inner] of Object.entries(v as Record<string, unknown>)) {
      if (pe === '.') continue;
      const rec = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
      const keys = Object.keys(rec);
      if (keys.length === 0 || keys.includes('.')) s.members.add(pe);
      if (keys.some((k) => k !== '.')) s.children.set(pe, FieldSet.fromFieldsV1(rec));
    }
    return s;
  }
}

/** Field names first, then keys, values, indices; '.' would sort before all in FieldsV1. */
function comparePe(a: string, b: string): number {
  const rank = (s: string) => ('fkvi'.indexOf(s[0] ?? '') + 4) % 4;
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export const fieldPe = (name: string): PathElement => `f:${name}`;
export const indexPe = (i: number): PathElement => `i:${i}`;
export const valuePe = (v: unknown): PathElement => `v:${JSON.stringify(v)}`;
/** A map-list item by its keys, sorted by key name as structured-merge-diff writes them. */
export function keyPe(keys: Readonly<Record<string, unknown>>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(keys).sort()) sorted[k] = keys[k];
  return `k:${JSON.stringify(sorted)}`;
}

/** A path as Kubernetes prints it in conflicts: `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  return path.map((pe) => {
    const body = pe.slice(2);
    switch (pe[0]) {
      case 'f':
        return `.${body}`;
      case 'i':
        return `[${body}]`;
      case 'v':
        return `[=${body}]`;
      case 'k': {
        const keys = JSON.parse(body) as Record<string, unknown>;
        return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      default:
        return pe;
    }
  }).join('');
}
