/** Reading loosely typed objects and formatting the values tables show: label maps, selectors,
 * container lists. */
import type { ColumnDefinition } from './index.js';

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a path of keys, or undefined. */
export function at(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const k of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function str(o: unknown, ...path: string[]): string {
  const v = at(o, ...path);
  return typeof v === 'string' ? v : '';
}

export function int(o: unknown, ...path: string[]): number {
  const v = at(o, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

export function records(o: unknown, ...path: string[]): Json[] {
  const v = at(o, ...path);
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

export function strings(o: unknown, ...path: string[]): string[] {
  const v = at(o, ...path);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function has(o: unknown, ...path: string[]): boolean {
  const v = at(o, ...path);
  return v !== undefined && v !== null;
}

/** A label map as `k=v,k2=v2`, keys sorted; `<none>` when empty (labels.FormatLabels). */
export function formatLabels(m: unknown): string {
  if (!isRecord(m)) return '<none>';
  const keys = Object.keys(m).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${String(m[k])}`).join(',');
}

/** A label selector's requirements as Kubernetes prints them, sorted by key: `a=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`. A plain label map (legacy daemon set selectors) reads as matchLabels.
 * Returns '' for an empty selector and undefined for an invalid one. */
export function selectorString(sel: unknown): string | undefined {
  if (!isRecord(sel)) return '';
  const reqs: { key: string; text: string }[] = [];
  const labels: Json = { ...(isRecord(sel['matchLabels']) ? sel['matchLabels'] : {}) };
  for (const [k, v] of Object.entries(sel)) {
    if (k !== 'matchLabels' && k !== 'matchExpressions' && typeof v === 'string') labels[k] = v;
  }
  for (const [k, v] of Object.entries(labels)) reqs.push({ key: k, text: `${k}=${String(v)}` });
  const exprs = sel['matchExpressions'];
  for (const e of Array.isArray(exprs) ? exprs : []) {
    if (!isRecord(e) || typeof e['key'] !== 'string') return undefined;
    const key = e['key'];
    const values = (Array.isArray(e['values']) ? e['values'] : []).map(String).sort();
    switch (e['operator']) {
      case 'In':
        reqs.push({ key, text: `${key} in (${values.join(',')})` });
        break;
      case 'NotIn':
        reqs.push({ key, text: `${key} notin (${values.join(',')})` });
        break;
      case 'Exists':
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  // A stable sort by key, as labels.Selector keeps its requirements.
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: `<none>` for an empty or missing selector, `<error>` for a bad one. */
export function formatLabelSelector(sel: unknown): string {
  const s = selectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** Container names and images of a pod spec, each joined with `,`. */
export function containerCells(podSpec: unknown): [string, string] {
  const cs = records(podSpec, 'containers');
  return [cs.map((c) => str(c, 'name')).join(','), cs.map((c) => str(c, 'image')).join(',')];
}

/** Whether the object has a condition of this type with status `True`. */
export function conditionTrue(o: unknown, type: string, ...path: string[]): boolean {
  return records(o, ...(path.length ? path : ['status', 'conditions'])).some((c) => c['type'] === type && c['status'] === 'True');
}

const nameDescription = 'Name must be unique within a namespace (or the cluster, for cluster-scoped kinds).';
const ageDescription = 'CreationTimestamp is the time the server created the object, shown as the time since.';

export function column(name: string, type: ColumnDefinition['type'], description: string, priority = 0): ColumnDefinition {
  return { name, type, format: '', description, priority };
}
export const nameColumn: ColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: nameDescription, priority: 0 };
export const ageColumn: ColumnDefinition = column('Age', 'string', ageDescription);
export const containersColumn = column('Containers', 'string', 'Names of the containers in the pod template.', 1);
export const imagesColumn = column('Images', 'string', 'Images of the containers in the pod template.', 1);
