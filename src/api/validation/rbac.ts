/**
 * rbac.authorization.k8s.io/v1 validation (pkg/apis/rbac/validation): rules need verbs and either
 * groups and resources or non-resource URLs (never both; never URLs in a namespaced Role);
 * bindings name a role of the right kind in the RBAC group and subjects of known kinds; a
 * binding's roleRef never changes.
 */
import type { FieldError } from '../errors.js';
import { invalid, invalidRendered, notSupported, required } from './field.js';
import { validateLabelSelector } from './meta.js';
import { isDNS1123Subdomain, nameIsPathSegment } from './names.js';

type Obj = Record<string, unknown>;
const RBAC_GROUP = 'rbac.authorization.k8s.io';

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function rec(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** Go's %#v of a []string, as field.Invalid renders it: `[]string{"a", "b"}`. */
function goList(v: unknown[]): string {
  return `[]string{${v.map((x) => JSON.stringify(String(x))).join(', ')}}`;
}

function validateRule(rule: Obj, path: string, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(rule['verbs']).length === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = arr(rule['nonResourceURLs']);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalidRendered(`${path}.nonResourceURLs`, goList(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule['apiGroups']).length > 0 || arr(rule['resources']).length > 0 || arr(rule['resourceNames']).length > 0) {
      errs.push(invalidRendered(`${path}.nonResourceURLs`, goList(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (arr(rule['apiGroups']).length === 0) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (arr(rule['resources']).length === 0) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: Obj, namespaced: boolean): FieldError[] {
  return arr(obj['rules']).flatMap((r, i) => validateRule(rec(r), `rules[${i}]`, namespaced));
}

export function validateRole(obj: Obj): FieldError[] {
  return validateRules(obj, true);
}

export function validateClusterRole(obj: Obj): FieldError[] {
  const errs = validateRules(obj, false);
  const agg = obj['aggregationRule'];
  if (agg !== undefined && agg !== null) {
    const sels = arr(rec(agg)['clusterRoleSelectors']);
    if (sels.length === 0) errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    sels.forEach((s, i) => errs.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

function validateSubject(s: Obj, path: string, clusterBinding: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = typeof s['name'] === 'string' ? s['name'] : '';
  if (name === '') errs.push(required(`${path}.name`));
  switch (s['kind']) {
    case 'ServiceAccount':
      if (name !== '') for (const m of isDNS1123Subdomain(name)) errs.push(invalid(`${path}.name`, name, m));
      if ((s['apiGroup'] ?? '') !== '') errs.push(notSupported(`${path}.apiGroup`, s['apiGroup'], ['']));
      if (clusterBinding && !s['namespace']) errs.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s['apiGroup'] !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, s['apiGroup'] ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s['kind'] ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: Obj, clusterBinding: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = rec(obj['roleRef']);
  if (ref['apiGroup'] !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref['apiGroup'] ?? '', [RBAC_GROUP]));
  const kinds = clusterBinding ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(String(ref['kind']))) errs.push(notSupported('roleRef.kind', ref['kind'] ?? '', kinds));
  const name = typeof ref['name'] === 'string' ? ref['name'] : '';
  if (name === '') errs.push(required('roleRef.name'));
  else for (const m of nameIsPathSegment(name, false)) errs.push(invalid('roleRef.name', name, m));
  arr(obj['subjects']).forEach((s, i) => errs.push(...validateSubject(rec(s), `subjects[${i}]`, clusterBinding)));
  return errs;
}

export const validateRoleBinding = (obj: Obj): FieldError[] => validateBinding(obj, false);
export const validateClusterRoleBinding = (obj: Obj): FieldError[] => validateBinding(obj, true);

/** roleRef is immutable: a binding to another role is a new binding. */
export function validateRoleRefUpdate(obj: Obj, old: Obj): FieldError[] {
  return JSON.stringify(obj['roleRef']) === JSON.stringify(old['roleRef']) ? [] : [invalid('roleRef', obj['roleRef'], 'cannot change roleRef')];
}
