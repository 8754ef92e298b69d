/** DeleteOptions from a request's body and query (a DELETE, or an Eviction's `deleteOptions`). */
import { BadRequestError } from '../../api/errors.js';
import { isRecord } from '../../api/types.js';
import type { DeleteOptions } from '../registry/registry.js';
import { intParam, isDryRun } from './query.js';

export function deleteOptionsOf(body: Record<string, unknown>, q: URLSearchParams): DeleteOptions {
  const grace = intParam(q, 'gracePeriodSeconds') ?? (typeof body['gracePeriodSeconds'] === 'number' ? body['gracePeriodSeconds'] : undefined);
  let policy = q.get('propagationPolicy') ?? (body['propagationPolicy'] as string | undefined);
  if (policy === undefined && body['orphanDependents'] === true) policy = 'Orphan';
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw new BadRequestError(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const pre = isRecord(body['preconditions']) ? (body['preconditions'] as DeleteOptions['preconditions']) : undefined;
  const dryRun = isDryRun(q) || (Array.isArray(body['dryRun']) && body['dryRun'].includes('All'));
  return {
    ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(pre ? { preconditions: pre } : {}),
    dryRun,
  };
}
