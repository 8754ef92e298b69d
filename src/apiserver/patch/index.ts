/** Applying PATCH bodies of every type Kubernetes accepts. */
import fastJsonPatch from 'fast-json-patch';
import { BadRequestError, UnsupportedMediaTypeError, InvalidError } from '../../api/errors.js';
import { applyMergePatch, type ListStrategy } from './merge.js';
import { resolve, schemaAt } from '../../api/schema/index.js';

/** What is patched: the served group/version/kind (its schema gives the list merge keys). */
export interface PatchTarget {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
}

/** The strategic-merge behaviour of the list at `path`, read from the kind's schema. */
function listStrategyOf(t: PatchTarget): (path: readonly string[]) => ListStrategy | undefined {
  return (path) => {
    const s = schemaAt(t.group, t.version, t.kind, path);
    if (!s) return undefined;
    const r = resolve(s);
    if (r.t !== 'array' || !r.strategy?.split(',').includes('merge')) return undefined;
    return r.mergeKey ? { mergeKey: r.mergeKey } : {};
  };
}

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
export function applyPatch(type: Exclude<PatchType, 'apply'>, doc: unknown, patch: unknown, target: PatchTarget): unknown {
  const { kind, name } = target;
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
  return applyMergePatch(doc, patch, type === 'strategic' ? { strategic: true, listStrategy: listStrategyOf(target) } : { strategic: false });
}
