/** Query parameters shared by the REST verbs, converted as kube-apiserver's parameter codec does. */
import { BadRequestError, InvalidError, type FieldError } from '../../api/errors.js';
import { parseSelector } from '../../api/labels.js';
import { parseFieldSelector, checkSupportedFields } from '../../api/fields.js';
import { forbidden, notSupported } from '../../api/validation/field.js';
import type { ListQuery } from '../registry/list.js';
import type { IncludeObject } from './render.js';
import { parseInt64 } from './numbers.js';
import { checkResourceVersion } from './resourceversion.js';
import { queryBool } from '../../api/querybool.js';

export { queryBool };

/** The boolean query parameter `name` (its first value), see {@link queryBool}. */
export function boolParam(q: URLSearchParams, name: string): boolean {
  return queryBool(q.get(name));
}

/** Like {@link boolParam}, but undefined when absent (Kubernetes' `*bool` options). */
export function optionalBoolParam(q: URLSearchParams, name: string): boolean | undefined {
  return q.has(name) ? boolParam(q, name) : undefined;
}

/** An int64 query parameter parsed as Go's strconv.ParseInt; the empty string counts as absent
 * here (as skiff always did). Garbage is 400 with Go's message. */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  return Number(parseInt64(v));
}

function invalidListOptions(errors: FieldError[]): InvalidError {
  return new InvalidError('ListOptions', 'meta.k8s.io', '', errors);
}

/** ListOptions checks of kube-apiserver (ValidateListOptions), for a list or a watch; the
 * WatchList feature (sendInitialEvents) counts as enabled. 422 Invalid, kind ListOptions. */
export function validateListOptions(q: URLSearchParams, watch: boolean): void {
  const rv = q.get('resourceVersion') ?? '';
  const match = q.get('resourceVersionMatch') ?? '';
  const cont = q.get('continue') ?? '';
  const initial = optionalBoolParam(q, 'sendInitialEvents');
  const errs: FieldError[] = [];
  if (watch) {
    if (initial !== undefined && match !== 'NotOlderThan') {
      errs.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    }
    if (match !== '') {
      if (initial === undefined) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (cont !== '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
  } else {
    if (match !== '') {
      if (rv === '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
      if (cont !== '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
      if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
      if (match === 'Exact' && rv === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
    if (initial !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  if (errs.length > 0) throw invalidListOptions(errs);
}

/** The ListOptions of a list or watch: converted (400 on garbage), then validated (422). */
export function listQuery(q: URLSearchParams, kind: string, watch = false): ListQuery {
  const limit = intParam(q, 'limit');
  intParam(q, 'timeoutSeconds');
  const rv = q.get('resourceVersion');
  if (rv !== null) checkResourceVersion(rv);
  validateListOptions(q, watch);
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  const fieldSelector = fs ? parseFieldSelector(fs) : undefined;
  if (fieldSelector) checkSupportedFields(kind, fieldSelector);
  return {
    ...(ls ? { labelSelector: parseSelector(ls) } : {}),
    ...(fieldSelector ? { fieldSelector } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(q.get('continue') ? { continue: q.get('continue')! } : {}),
    ...(rv !== null ? { resourceVersion: rv } : {}),
    ...(q.get('resourceVersionMatch') ? { resourceVersionMatch: q.get('resourceVersionMatch')! } : {}),
  };
}

export function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === 'None' || v === 'Object') return v;
  return 'Metadata';
}

export function isDryRun(q: URLSearchParams): boolean {
  const v = q.getAll('dryRun');
  if (v.some((x) => x !== 'All')) throw new BadRequestError(`unsupported dryRun value: ${v.join(',')}`);
  return v.length > 0;
}

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export function fieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Ignore' || v === 'Warn' || v === 'Strict') return v;
  throw new BadRequestError(`fieldValidation parameter unsupported: ${v} - valid values are Ignore, Warn and Strict`);
}
