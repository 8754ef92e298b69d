/** Applying PATCH bodies of every type Kubernetes accepts. */
import fastJsonPatch from 'fast-json-patch';
import { BadRequestError, UnsupportedMediaTypeError, InvalidError } from '../../api/errors.js';
import { applyMergePatch } from './merge.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export function patchTypeOf(mediaType: string): PatchType {
  switch (mediaType) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      throw new UnsupportedMediaTypeError(
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
  }
}

/** Returns the patched document; never mutates `doc`. */
export function applyPatch(type: Exclude<PatchType, 'apply'>, doc: unknown, patch: unknown, kind: string, name: string): unknown {
  if (type === 'json') {
    if (!Array.isArray(patch)) throw new BadRequestError('json patch must be a list of operations');
    try {
      return fastJsonPatch.applyPatch(structuredClone(doc), patch as fastJsonPatch.Operation[], true, false).newDocument;
    } catch (err) {
      const e = err as Error & { name?: string };
      if (e.name === 'TEST_OPERATION_FAILED') {
        throw new InvalidError(kind, '', name, [{ type: 'FieldValueInvalid', field: '', detail: 'the test operation of the json patch failed' }]);
      }
      throw new BadRequestError(`the json patch could not be applied: ${e.message.split('\n')[0] ?? ''}`);
    }
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new BadRequestError('a merge patch must be a JSON object');
  }
  return applyMergePatch(doc, patch, { strategic: type === 'strategic' });
}
