/**
 * Object metadata, label selectors and annotations, as Kubernetes' ValidateObjectMeta,
 * ValidateObjectMetaUpdate, ValidateLabelSelector and ValidateAnnotations check them.
 */
import type { FieldError } from '../errors.js';
import { validateLabels } from '../labels.js';
import { isRecord, type LabelSelector } from '../types.js';
import { child, forbidden, immutable, index, invalid, invalidRendered, renderStringMap, required, tooLong } from './field.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, type NameValidator } from './names.js';

export const TotalAnnotationSizeLimitB = 256 * 1024;
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Kubernetes' ValidateAnnotations: qualified keys (case-insensitive), at most 256 KiB in all. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isRecord(annotations)) return [invalid(path, annotations, 'must be a map of strings')];
  const errs: FieldError[] = [];
  let size = 0;
  for (const k of Object.keys(annotations).sort()) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    const v = annotations[k];
    size += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (size > TotalAnnotationSizeLimitB) errs.push(tooLong(path, TotalAnnotationSizeLimitB));
  return errs;
}

function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (refs === undefined || refs === null) return [];
  if (!Array.isArray(refs)) return [invalid(path, refs, 'must be a list')];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs) {
    const r = isRecord(ref) ? ref : {};
    const apiVersion = typeof r['apiVersion'] === 'string' ? r['apiVersion'] : '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) errs.push(invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!r['kind']) errs.push(invalid(child(path, 'kind'), r['kind'] ?? '', 'kind must not be empty'));
    if (!r['name']) errs.push(invalid(child(path, 'name'), r['name'] ?? '', 'name must not be empty'));
    if (!r['uid']) errs.push(invalid(child(path, 'uid'), r['uid'] ?? '', 'uid must not be empty'));
    if (r['controller'] === true) {
      const cur = `${String(r['kind'])}/${String(r['name'])}`;
      if (firstController) {
        errs.push(invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      } else firstController = cur;
    }
  }
  return errs;
}

/** Finalizer names: qualified names; `kube` also requires unprefixed ones to be Kubernetes' own. */
export function validateFinalizers(finalizers: unknown, path: string, kube = false): FieldError[] {
  if (finalizers === undefined || finalizers === null) return [];
  if (!Array.isArray(finalizers)) return [invalid(path, finalizers, 'must be a list of strings')];
  const errs: FieldError[] = [];
  for (const f of finalizers) {
    const name = typeof f === 'string' ? f : String(f);
    const msgs = isQualifiedName(name);
    for (const msg of msgs) errs.push(invalid(path, name, msg));
    if (kube && msgs.length === 0 && !name.includes('/') && !standardFinalizers.has(name)) {
      errs.push(invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

export interface MetaOptions {
  /** How the kind's names are checked. */
  readonly name: NameValidator;
  /** False for cluster-scoped kinds, which may not carry a namespace. */
  readonly namespaced: boolean;
}

/** Kubernetes' ValidateObjectMeta. The namespace's presence is the registry's business; its form
 * and its absence on cluster-scoped kinds are checked here. */
export function validateObjectMeta(meta: unknown, opts: MetaOptions, path = 'metadata'): FieldError[] {
  if (!isRecord(meta)) return [required(path)];
  const errs: FieldError[] = [];
  const generateName = meta['generateName'];
  if (typeof generateName === 'string' && generateName !== '') {
    for (const msg of opts.name(generateName, true)) errs.push(invalid(child(path, 'generateName'), generateName, msg));
  }
  const name = meta['name'];
  if (name === undefined || name === null || name === '') {
    errs.push(required(child(path, 'name'), 'name or generateName is required'));
  } else if (typeof name !== 'string') {
    errs.push(invalid(child(path, 'name'), name, 'must be a string'));
  } else {
    for (const msg of opts.name(name, false)) errs.push(invalid(child(path, 'name'), name, msg));
  }
  const ns = meta['namespace'];
  if (typeof ns === 'string' && ns !== '') {
    if (!opts.namespaced) errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
    else for (const msg of isDNS1123Label(ns)) errs.push(invalid(child(path, 'namespace'), ns, msg));
  }
  for (const k of ['generation', 'deletionGracePeriodSeconds']) {
    const v = meta[k];
    if (typeof v === 'number' && v < 0) errs.push(invalid(child(path, k), v, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta['labels'], child(path, 'labels')));
  errs.push(...validateAnnotations(meta['annotations'], child(path, 'annotations')));
  errs.push(...validateOwnerReferences(meta['ownerReferences'], child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(meta['finalizers'], child(path, 'finalizers')));
  return errs;
}

/** Kubernetes' ValidateObjectMetaUpdate: identity fields are immutable, and an object being
 * deleted takes no new finalizers. */
export function validateObjectMetaUpdate(meta: unknown, old: unknown, path = 'metadata'): FieldError[] {
  if (!isRecord(meta) || !isRecord(old)) return [];
  const errs: FieldError[] = [];
  for (const k of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    if ((meta[k] ?? '') !== (old[k] ?? '')) errs.push(immutable(child(path, k), meta[k] ?? ''));
  }
  if (old['deletionTimestamp']) {
    const before = new Set(Array.isArray(old['finalizers']) ? old['finalizers'] : []);
    const added = (Array.isArray(meta['finalizers']) ? (meta['finalizers'] as unknown[]) : []).filter((f) => !before.has(f));
    if (added.length) {
      errs.push(forbidden(child(path, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`));
    }
  }
  return errs;
}

/** A LabelSelector as Go prints it with `%#v` (for `field is immutable` and friends). */
export function renderLabelSelector(sel: unknown): string {
  if (!isRecord(sel)) return 'null';
  const ml = isRecord(sel['matchLabels']) ? (sel['matchLabels'] as Record<string, string>) : undefined;
  const exprs = Array.isArray(sel['matchExpressions']) ? sel['matchExpressions'] : undefined;
  const reqs = exprs === undefined
    ? '[]v1.LabelSelectorRequirement(nil)'
    : `[]v1.LabelSelectorRequirement{${exprs.map((e) => {
      const r = isRecord(e) ? e : {};
      const values = Array.isArray(r['values']) ? `[]string{${r['values'].map((v) => JSON.stringify(v)).join(', ')}}` : '[]string(nil)';
      return `v1.LabelSelectorRequirement{Key:${JSON.stringify(r['key'] ?? '')}, Operator:${JSON.stringify(r['operator'] ?? '')}, Values:${values}}`;
    }).join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${renderStringMap(ml)}, MatchExpressions:${reqs}}`;
}

/** Kubernetes' ValidateLabelSelector (matchLabels and each matchExpression). */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  if (!isRecord(sel)) return [invalid(path, sel, 'must be a label selector')];
  const errs = validateLabels(sel['matchLabels'], child(path, 'matchLabels'));
  const exprs = sel['matchExpressions'];
  if (exprs !== undefined && exprs !== null && !Array.isArray(exprs)) {
    errs.push(invalid(child(path, 'matchExpressions'), exprs, 'must be a list'));
    return errs;
  }
  (Array.isArray(exprs) ? exprs : []).forEach((e, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    const r = isRecord(e) ? e : {};
    const values = Array.isArray(r['values']) ? (r['values'] as unknown[]) : [];
    switch (r['operator']) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(child(p, 'operator'), r['operator'] ?? '', 'not a valid selector operator'));
    }
    const k = typeof r['key'] === 'string' ? r['key'] : '';
    for (const msg of isQualifiedName(k)) errs.push(invalid(child(p, 'key'), k, msg));
    values.forEach((v, vi) => {
      for (const msg of isValidLabelValue(String(v))) errs.push(invalid(index(child(p, 'values'), vi), v, msg));
    });
  });
  return errs;
}

/** True when `sel` is a LabelSelector with neither matchLabels nor matchExpressions. */
export function isEmptySelector(sel: LabelSelector | Record<string, unknown>): boolean {
  const s = sel as Record<string, unknown>;
  const ml = isRecord(s['matchLabels']) ? Object.keys(s['matchLabels']).length : 0;
  const me = Array.isArray(s['matchExpressions']) ? s['matchExpressions'].length : 0;
  return ml + me === 0;
}

/** `Invalid value: v1.LabelSelector{…}: <detail>` at `path`. */
export function invalidSelector(path: string, sel: unknown, detail: string): FieldError {
  return invalidRendered(path, renderLabelSelector(sel), detail);
}
