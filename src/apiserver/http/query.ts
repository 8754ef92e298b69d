/** Query parameters shared by the REST verbs. */
import { BadRequestError } from '../../api/errors.js';
import { parseSelector } from '../../api/labels.js';
import { parseFieldSelector, checkSupportedFields } from '../../api/fields.js';
import type { ListQuery } from '../registry/list.js';
import type { IncludeObject } from './render.js';

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new BadRequestError(`invalid ${name}: ${v}`);
  return n;
}

export function listQuery(q: URLSearchParams, kind: string): ListQuery {
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  const fieldSelector = fs ? parseFieldSelector(fs) : undefined;
  if (fieldSelector) checkSupportedFields(kind, fieldSelector);
  const limit = intParam(q, 'limit');
  return {
    ...(ls ? { labelSelector: parseSelector(ls) } : {}),
    ...(fieldSelector ? { fieldSelector } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(q.get('continue') ? { continue: q.get('continue')! } : {}),
    ...(q.get('resourceVersion') !== null ? { resourceVersion: q.get('resourceVersion')! } : {}),
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
