/**
 * The naming decision apiextensions-apiserver's naming controller makes: a CRD's names are accepted
 * unless another CRD of the same group already serves one of them (its plural, singular or a short
 * name as a resource name; its kind or listKind as a kind). Conflicting CRDs are stored but not
 * served, with `NamesAccepted=False` (`NameConflict`) saying which name is taken.
 */
import { isRecord, type KubeObject } from '../../api/types.js';

export interface Names {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames?: string[];
  categories?: string[];
}

export function requestedNames(crd: KubeObject): Names {
  const n = isRecord(crd.spec?.['names']) ? (crd.spec['names'] as Record<string, unknown>) : {};
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const out: Names = {
    plural: String(n['plural'] ?? ''),
    singular: String(n['singular'] ?? ''),
    kind: String(n['kind'] ?? ''),
    listKind: String(n['listKind'] ?? ''),
  };
  if (strs(n['shortNames']).length) out.shortNames = strs(n['shortNames']);
  if (strs(n['categories']).length) out.categories = strs(n['categories']);
  return out;
}

export function acceptedNamesOf(crd: KubeObject): Names | undefined {
  const a = isRecord(crd.status?.['acceptedNames']) ? (crd.status['acceptedNames'] as unknown as Names) : undefined;
  return a && a.plural ? a : undefined;
}

export function groupOf(crd: KubeObject): string {
  return String(crd.spec?.['group'] ?? '');
}

export interface NamingDecision {
  readonly accepted: boolean;
  /** The `NamesAccepted` condition's reason and message. */
  readonly reason: string;
  readonly message: string;
}

/** Whether `crd`'s requested names are free among `others` (every other CRD, by what they were
 * accepted under). */
export function decideNames(crd: KubeObject, others: readonly KubeObject[]): NamingDecision {
  const group = groupOf(crd);
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const o of others) {
    if (o.metadata.name === crd.metadata.name || groupOf(o) !== group) continue;
    const a = acceptedNamesOf(o);
    if (!a) continue;
    for (const n of [a.plural, a.singular, ...(a.shortNames ?? [])]) if (n) resources.add(n);
    for (const k of [a.kind, a.listKind]) if (k) kinds.add(k);
  }
  const want = requestedNames(crd);
  const taken = [want.plural, want.singular, ...(want.shortNames ?? [])].find((n) => n && resources.has(n))
    ?? [want.kind, want.listKind].find((k) => k && kinds.has(k));
  if (taken !== undefined) return { accepted: false, reason: 'NameConflict', message: `"${taken}" is already in use` };
  return { accepted: true, reason: 'NoConflicts', message: 'no conflicts found' };
}
