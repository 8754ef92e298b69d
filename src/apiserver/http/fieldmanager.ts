/** The field manager a write is recorded under, from `fieldManager` or the User-Agent. */
import type { IncomingMessage } from 'node:http';
import { InvalidError } from '../../api/errors.js';
import type { ServedVersion } from '../../api/resources.js';
import { apiVersionOf } from '../../api/types.js';
import { managerOf, type Writer } from '../apply/index.js';

/** kube-apiserver's ValidateFieldManager: at most 128 printable ASCII characters. */
function checkFieldManager(name: string, options: string): void {
  const bad = name.length > 128
    ? 'must be less than or equal to 128 characters'
    : /[^\x20-\x7e]/.test(name) ? 'must only contain printable characters' : undefined;
  if (bad) throw new InvalidError(options, 'meta.k8s.io', '', [{ type: 'FieldValueInvalid', field: 'fieldManager', detail: `Invalid value: ${JSON.stringify(name)}: ${bad}` }]);
}

export function writerOf(req: IncomingMessage, q: URLSearchParams, sv: ServedVersion, options: string, subresource?: string): Writer {
  const explicit = q.get('fieldManager');
  if (explicit) checkFieldManager(explicit, options);
  return {
    manager: managerOf(explicit, req.headers['user-agent']),
    apiVersion: apiVersionOf(sv.group, sv.version),
    ...(subresource ? { subresource } : {}),
  };
}
