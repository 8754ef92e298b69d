/**
 * One schema catalog for every served kind. It feeds `/openapi/v3` (so kubectl's validation hands
 * over to the server, and `kubectl explain` works) and the server's own strict field validation.
 *
 * Strict validation errors, as the API server should report them (Kubernetes' wording): a 400
 * BadRequest whose message is
 *   `<Kind> in version "<version>" cannot be handled as a <Kind>: strict decoding error: <errors>`
 * where `<errors>` joins, with `, `, each `duplicate field "<path>"` (from
 * {@link findDuplicateFields}) then each `unknown field "<path>"` (from {@link unknownFields}).
 * Under `fieldValidation=Warn` each becomes a `Warning: 299 - "<error>"` header instead.
 */
import type { KubeObject } from '../types.js';
import { definition, kindEntry, resolve } from './catalog.js';
import type { Schema } from './dsl.js';
import { unknownPaths } from './strict.js';

export { findDuplicateFields, maxStrictErrors } from './strict.js';
export { openApiV3Document, openApiV3Index, type OpenApiResource } from './openapi.js';
export { openApiV2Document, toV2Schema, type OpenApiGroupVersion } from './openapiv2.js';
export { encodeSwaggerDocument } from './gnostic.js';
export { definitions, kindCatalog, resolve, type KindEntry } from './catalog.js';
export type { Schema } from './dsl.js';

/** Paths of fields in `obj` that the kind's schema does not know, e.g. `spec.replicass` or
 * `spec.template.spec.containers[0].imagee`, in document order. `group`/`version`/`kind` are the
 * served version the client used (before conversion). Kinds without a schema have none. */
export function unknownFields(group: string, version: string, kind: string, obj: KubeObject): string[] {
  const s = schemaFor(group, version, kind);
  return s ? unknownPaths(s, obj) : [];
}

/** The top-level schema of a kind (or its list, `PodList`), or undefined when skiff has none. */
export function schemaFor(group: string, version: string, kind: string): Schema | undefined {
  const e = kindEntry(group, version, kind);
  return e ? definition(e.definition) : undefined;
}

/** Kubernetes' name of the definition of a kind, e.g. `io.k8s.api.core.v1.Pod`. */
export function definitionNameFor(group: string, version: string, kind: string): string | undefined {
  return kindEntry(group, version, kind)?.definition;
}

/** The schema at a field path below a kind (`['spec', 'containers']`), looking through lists and
 * maps to their elements — what `explain pods.spec.containers` describes. */
export function schemaAt(group: string, version: string, kind: string, path: readonly string[]): Schema | undefined {
  let s = schemaFor(group, version, kind);
  for (const field of path) {
    if (!s) return undefined;
    let r = resolve(s);
    while (r.t === 'array' || r.t === 'map') r = resolve(r.t === 'array' ? r.items : r.values);
    s = r.t === 'object' ? (Object.prototype.hasOwnProperty.call(r.properties, field) ? r.properties[field] : undefined) : undefined;
  }
  return s;
}

/** The strategic merge patch key of the list at `path` below a kind (`['spec', 'containers']` →
 * `name`), or undefined for lists that are replaced whole. */
export function patchMergeKey(group: string, version: string, kind: string, path: readonly string[]): string | undefined {
  const s = schemaAt(group, version, kind, path);
  if (!s) return undefined;
  const r = resolve(s);
  return r.t === 'array' ? r.mergeKey : undefined;
}
