/** PATCH on an object or its status subresource. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServedVersion } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { UnsupportedMediaTypeError } from '../../api/errors.js';
import type { ResourceRequest } from './requestinfo.js';
import { toServed } from './render.js';
import { fieldValidation, isDryRun } from './query.js';
import { checkFields, checkObject, fromServed } from './decode.js';
import { decodeBody, mediaType, readBody } from './body.js';
import { applyPatch, patchTypeOf } from '../patch/index.js';
import type { Registry } from '../registry/registry.js';
import { noteRequestObject } from '../audit/index.js';
import { applyObject, checkPatchOptions } from './apply.js';
import { writerOf } from './fieldmanager.js';

/** PATCH on the object or its status: the patch applies to the served version of the current
 * object, and the result goes through the normal update path (with retries on conflicts). */
export async function patchObject(
  req: IncomingMessage,
  res: ServerResponse,
  sv: ServedVersion,
  registry: Registry,
  info: ResourceRequest,
  q: URLSearchParams,
  subresource?: 'status',
  /** A subresource with rules of its own (CSR approval): turns the patched object into the write,
   * which the registry then stores as given (`trusted`). */
  own?: { readonly name: string; finish(patched: KubeObject, current: KubeObject): KubeObject },
): Promise<KubeObject> {
  const type = patchTypeOf(mediaType(req));
  if (type === 'apply' && own) throw new UnsupportedMediaTypeError(`server-side apply is not supported on ${own.name}; use a merge, strategic or JSON patch`);
  if (type === 'apply') return applyObject(req, res, sv, registry, info, q, subresource);
  if (type === 'strategic' && sv.custom) {
    // Custom resources have no patch strategies to merge by, as in Kubernetes.
    throw new UnsupportedMediaTypeError('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  }
  checkPatchOptions(q, false);
  const raw = await readBody(req);
  const patch = decodeBody(raw, 'application/json');
  noteRequestObject(req, patch);
  const mode = fieldValidation(q);
  return registry.guaranteedUpdate(
    info.namespace,
    info.name!,
    (current) => {
      const served = toServed(current, sv);
      const patched = checkObject(sv, applyPatch(type, served, patch, { group: sv.group, version: sv.version, kind: sv.resource.kind, name: info.name! }));
      checkFields(sv, patched, undefined, mode, res);
      return own ? own.finish(fromServed(sv, patched), current) : fromServed(sv, patched);
    },
    { dryRun: isDryRun(q), writer: writerOf(req, q, sv, 'PatchOptions', subresource ?? own?.name), ...(subresource ? { subresource } : {}), ...(own ? { trusted: true } : {}) },
  );
}
