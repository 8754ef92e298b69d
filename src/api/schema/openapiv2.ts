/**
 * The Swagger 2.0 document `GET /openapi/v2` serves, translated from the OpenAPI v3 documents of the
 * enabled group/versions so the two never disagree.
 *
 * kubectl 1.20–1.26 read it for everything schema-driven: `explain` (definitions found by their
 * `x-kubernetes-group-version-kind`), client-side validation (unknown or missing required fields),
 * the dry-run check of `diff` and `apply --dry-run=server` (a PATCH operation with the kind's GVK
 * must list `dryRun`), and the strategic merge patches of `apply` and `diff` (patch strategy and
 * merge key per list). Newer kubectl fetch it too before falling back to v3.
 *
 * The v2 shapes differ from v3 where old parsers (kube-openapi's proto model) need them to:
 * a described ref is `{$ref, description}` (they do not follow `allOf`), int-or-string and quantity
 * are `type: string` (any JSON value passes a string check), free-form objects are `type: object`,
 * and an object that takes keys beyond its properties drops its properties (a parsed "kind" flags
 * every other key as unknown; a map accepts them).
 */
import { openApiV3Document, type OpenApiResource } from './openapi.js';

type Json = Record<string, unknown>;

export interface OpenApiGroupVersion {
  readonly group: string;
  readonly version: string;
  readonly resources: readonly OpenApiResource[];
}

const v3Prefix = '#/components/schemas/';
const v2Prefix = '#/definitions/';

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A v3 schema object as Swagger 2.0 writes it. */
export function toV2Schema(s: Json): Json {
  const allOf = s['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && typeof allOf[0]['$ref'] === 'string') {
    const { allOf: _drop, ...rest } = s;
    return toV2Schema({ ...rest, $ref: allOf[0]['$ref'] });
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    return { ...(s['description'] ? { description: s['description'] } : {}), type: 'string', ...(s['format'] ? { format: s['format'] } : {}) };
  }
  const out: Json = {};
  const freeForm = s['x-kubernetes-preserve-unknown-fields'] === true || (isObject(s['properties']) && isObject(s['additionalProperties']));
  for (const [k, v] of Object.entries(s)) {
    if (k === 'x-kubernetes-preserve-unknown-fields') continue;
    if (freeForm && (k === 'properties' || k === 'additionalProperties' || k === 'required')) continue;
    if (k === '$ref' && typeof v === 'string') out[k] = v.startsWith(v3Prefix) ? v2Prefix + v.slice(v3Prefix.length) : v;
    else if ((k === 'items' || k === 'additionalProperties') && isObject(v)) out[k] = toV2Schema(v);
    else if (k === 'properties' && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, p]) => [name, toV2Schema(p as Json)]));
    else out[k] = v;
  }
  if (freeForm) out['type'] = 'object';
  return out;
}

/** A v3 parameter (`schema: {type}`) as a v2 one (the type inline). */
function toV2Parameter(p: Json): Json {
  const { schema, ...rest } = p;
  return { ...rest, ...(isObject(schema) ? schema : {}) };
}

function toV2Operation(op: Json): Json {
  const out: Json = {};
  const requestBody = op['requestBody'];
  const bodyContent = isObject(requestBody) && isObject(requestBody['content']) ? requestBody['content'] : undefined;
  const responses = isObject(op['responses']) ? op['responses'] : {};
  const produces = Object.values(responses).map((r) => (isObject(r) && isObject(r['content']) ? Object.keys(r['content']) : [])).find((t) => t.length > 0) ?? [];
  if (bodyContent) out['consumes'] = Object.keys(bodyContent);
  if (typeof op['description'] === 'string') out['description'] = op['description'];
  out['operationId'] = op['operationId'];
  const parameters = (Array.isArray(op['parameters']) ? (op['parameters'] as Json[]) : []).map(toV2Parameter);
  if (bodyContent) {
    const first = Object.values(bodyContent)[0];
    const schema = isObject(first) && isObject(first['schema']) ? toV2Schema(first['schema']) : {};
    parameters.unshift({ in: 'body', name: 'body', required: true, schema });
  }
  if (parameters.length > 0) out['parameters'] = parameters;
  if (produces.length > 0) out['produces'] = produces;
  const v2Responses: Json = {};
  for (const [code, r] of Object.entries(responses)) {
    if (!isObject(r)) continue;
    const content = isObject(r['content']) ? Object.values(r['content'])[0] : undefined;
    v2Responses[code] = { description: r['description'], ...(isObject(content) && isObject(content['schema']) ? { schema: toV2Schema(content['schema']) } : {}) };
  }
  out['responses'] = v2Responses;
  out['schemes'] = ['https'];
  for (const [k, v] of Object.entries(op)) {
    if (k === 'tags' || k.startsWith('x-')) out[k] = v;
  }
  return out;
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function toV2PathItem(item: Json): Json {
  const out: Json = {};
  for (const m of methods) if (isObject(item[m])) out[m] = toV2Operation(item[m]);
  if (Array.isArray(item['parameters'])) out['parameters'] = (item['parameters'] as Json[]).map(toV2Parameter);
  return out;
}

/** The Swagger 2.0 document of the given group/versions (each with the resources it serves). A new
 * object per call: callers cache what they serve. */
export function openApiV2Document(gvs: readonly OpenApiGroupVersion[]): Json {
  const paths: Json = {};
  const definitions: Record<string, Json> = {};
  let version = '';
  for (const gv of gvs) {
    const v3 = openApiV3Document(gv.group, gv.version, gv.resources) as Json;
    version ||= String((v3['info'] as Json | undefined)?.['version'] ?? '');
    for (const [path, item] of Object.entries(v3['paths'] as Json)) paths[path] = toV2PathItem(item as Json);
    const schemas = (v3['components'] as Json)['schemas'] as Json;
    for (const [name, s] of Object.entries(schemas)) definitions[name] ??= toV2Schema(s as Json);
  }
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort().map((k) => [k, paths[k]]));
  const sortedDefinitions = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: version || 'unversioned' },
    paths: sortedPaths,
    definitions: sortedDefinitions,
    securityDefinitions: {
      BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' },
    },
    security: [{ BearerToken: [] }],
  };
}
