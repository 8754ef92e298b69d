/** PATCH with `application/apply-patch+yaml`: server-side apply (create when absent). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, InvalidError, NotFoundError } from '../../api/errors.js';
import type { ServedVersion } from '../../api/resources.js';
import { apiVersionOf, type KubeObject } from '../../api/types.js';
import type { ResourceRequest } from './requestinfo.js';
import { toServed } from './render.js';
import { boolParam, fieldValidation, isDryRun } from './query.js';
import { checkFields, checkObject, fromServed } from './decode.js';
import { decodeBody, readBody } from './body.js';
import type { Registry } from '../registry/registry.js';
import { noteRequestObject } from '../audit/index.js';
import { applyConfig } from '../apply/index.js';
import { writerOf } from './fieldmanager.js';

/** Objects an apply created (answered 201 rather than 200). */
const created = new WeakSet<KubeObject>();
export function createdByApply(obj: KubeObject): boolean {
  return created.has(obj);
}

function invalidPatchOptions(field: string, detail: string): InvalidError {
  return new InvalidError('PatchOptions', 'meta.k8s.io', '', [{ type: 'FieldValueRequired', field, detail }]);
}

/** kube-apiserver's ValidatePatchOptions: apply needs a field manager; only apply takes force. */
export function checkPatchOptions(q: URLSearchParams, apply: boolean): void {
  if (apply && !q.get('fieldManager')) throw invalidPatchOptions('fieldManager', 'Required value: is required for apply patch');
  if (!apply && q.has('force')) {
    throw new InvalidError('PatchOptions', 'meta.k8s.io', '', [{ type: 'FieldValueForbidden', field: 'force', detail: 'Forbidden: may not be specified for non-apply patch' }]);
  }
}

export async function applyObject(
  req: IncomingMessage,
  res: ServerResponse,
  sv: ServedVersion,
  registry: Registry,
  info: ResourceRequest,
  q: URLSearchParams,
  subresource?: 'status',
): Promise<KubeObject> {
  checkPatchOptions(q, true);
  const raw = await readBody(req);
  // JSON is YAML, but a JSON body (what most clients send) parses far faster as JSON.
  const json = raw.trimStart().startsWith('{');
  const value = decodeBody(raw, json ? 'application/json' : 'application/apply-patch+yaml', sv.resource.kind);
  noteRequestObject(req, value);
  const config = checkObject(sv, value);
  const want = apiVersionOf(sv.group, sv.version);
  if (config.apiVersion === undefined || config.kind === undefined) {
    throw new BadRequestError(`invalid object type: ${String(config.apiVersion ?? '')}, Kind=${String(config.kind ?? '')}`);
  }
  if (config.metadata.managedFields !== undefined) {
    throw new BadRequestError('metadata.managedFields must be nil');
  }
  if (config.metadata.name !== undefined && config.metadata.name !== info.name) {
    throw new BadRequestError(`the name of the object (${config.metadata.name}) does not match the name on the URL (${info.name ?? ''})`);
  }
  checkFields(sv, config, json ? raw : undefined, fieldValidation(q), res, json ? undefined : raw);
  const writer = writerOf(req, q, sv, 'PatchOptions', subresource);
  const opts = {
    ...writer,
    force: boolParam(q, 'force'),
    resetStatus: sv.resource.subresources.status === true && subresource !== 'status',
  };
  const dryRun = isDryRun(q);
  // The applied configuration is compared in the stored form, like every other write.
  const stored = fromServed(sv, { ...config, apiVersion: want, kind: sv.resource.kind, metadata: { ...config.metadata, name: info.name } });
  const t = registry.fieldType;
  try {
    return await registry.guaranteedUpdate(info.namespace, info.name!, (current) => {
      const next = applyConfig(current, stored, t, opts);
      return fromServed(sv, toServed(next, sv));
    }, { dryRun, ownManagedFields: true, ...(subresource ? { subresource } : {}) });
  } catch (err) {
    if (!(err instanceof NotFoundError) || subresource) throw err;
  }
  // Apply to an object that does not exist creates it.
  const obj = applyConfig(undefined, stored, t, opts);
  if (sv.resource.namespaced) obj.metadata.namespace = info.namespace;
  const out = await registry.create(obj, { dryRun, ownManagedFields: true });
  created.add(out);
  return out;
}
