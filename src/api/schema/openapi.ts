/**
 * OpenAPI 3.0 documents per group/version, as `/openapi/v3/<api|apis/G>/<V>` serves them.
 *
 * kubectl ≥ 1.27 reads them for two things. Validation: it looks for a PATCH operation whose
 * `x-kubernetes-group-version-kind` is the object's and which lists the `fieldValidation` query
 * parameter; it then sends `?fieldValidation=Strict` and leaves checking to the server (every
 * PATCH carrying that GVK must list it: kubectl stops at the first one it meets). `kubectl
 * explain`: it takes the GVK from the operations on the resource's paths and renders the
 * `components.schemas` entry whose `x-kubernetes-group-version-kind` lists it.
 */
import { closure, definitions, kindEntry, metaKindGroupVersions } from './catalog.js';
import { emitDefinition, refPrefix } from './emit.js';

export interface OpenApiResource {
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly subresources: readonly string[];
  /** The verbs the server serves on it (discovery's `verbs`): the document lists an operation only
   * where the server answers it, so that no client is sent to a 405. */
  readonly verbs: readonly string[];
  /** Only created, never stored or read (the access reviews): one POST path. */
  readonly createOnly?: boolean;
}

type Json = Record<string, unknown>;
interface Gvk { readonly group: string; readonly version: string; readonly kind: string }

const media = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const patchMedia = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

function content(ref: string, types = media): Json {
  const out: Json = {};
  for (const t of types) out[t] = { schema: { $ref: refPrefix + ref } };
  return out;
}

function query(name: string, description: string, type: 'string' | 'boolean' | 'integer' = 'string'): Json {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const p = {
  pretty: query('pretty', "If 'true', the output is pretty printed."),
  dryRun: query('dryRun', 'When present, the request is processed but not persisted. `All` is the only value.'),
  fieldManager: query('fieldManager', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: query('fieldValidation', 'What the server does with unknown or duplicate fields: `Ignore` (drop them), `Warn` (drop them and answer with a warning per field) or `Strict` (fail the request).'),
  force: query('force', 'Apply requests only: take ownership of conflicting fields.', 'boolean'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'Seconds before the object is deleted; 0 means immediately.', 'integer'),
  propagationPolicy: query('propagationPolicy', 'Whether and how dependents are deleted: `Orphan`, `Background` or `Foreground`.'),
  labelSelector: query('labelSelector', 'Only objects whose labels match this selector.'),
  fieldSelector: query('fieldSelector', 'Only objects whose fields match this selector.'),
  limit: query('limit', 'The most items to return; a continue token fetches the rest.', 'integer'),
  continue: query('continue', 'The token from a previous limited list.'),
  resourceVersion: query('resourceVersion', 'Which version of the data the answer may come from; for watches, where to start.'),
  watch: query('watch', 'Stream changes instead of returning a list.', 'boolean'),
  timeoutSeconds: query('timeoutSeconds', 'Ends a list or watch after this many seconds.', 'integer'),
  name: { name: 'name', in: 'path', description: 'name of the object', required: true, schema: { type: 'string', uniqueItems: true } },
  namespace: { name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects', required: true, schema: { type: 'string', uniqueItems: true } },
};
const listParams = [p.labelSelector, p.fieldSelector, p.limit, p.continue, p.resourceVersion, p.timeoutSeconds, p.watch];
const writeParams = [p.dryRun, p.fieldManager, p.fieldValidation];

function camel(s: string): string {
  return s.split(/[^A-Za-z0-9]/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function groupWord(group: string): string {
  return group === '' ? 'Core' : camel(group.replace(/\.k8s\.io$/, ''));
}

function definitionName(gvk: Gvk): string {
  const e = kindEntry(gvk.group, gvk.version, gvk.kind);
  if (!e) throw new Error(`schema: no definition for ${gvk.group}/${gvk.version} ${gvk.kind}`);
  return e.definition;
}

function responses(ref: string, codes: readonly string[]): Json {
  const out: Json = {};
  for (const c of codes) out[c] = { description: c === '201' ? 'Created' : c === '202' ? 'Accepted' : 'OK', content: content(ref) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

interface OpSpec { id: string; action: string; gvk: Gvk; description: string }

function op(o: OpSpec, tag: string, parameters: readonly Json[], responseRef: string, codes: readonly string[], body?: { ref: string; types?: readonly string[] }): Json {
  const out: Json = {
    tags: [tag],
    description: o.description,
    operationId: o.id,
    parameters: [...parameters],
    responses: responses(responseRef, codes),
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version },
  };
  if (body) out['requestBody'] = { content: content(body.ref, [...(body.types ?? ['*/*'])]), required: true };
  return out;
}

/** `GET /openapi/v3` body for the given enabled group/versions. */
export function openApiV3Index(groupVersions: readonly { group: string; version: string }[]): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions) {
    const path = gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}` };
  }
  return { paths };
}

function resourcePaths(group: string, version: string, r: OpenApiResource, paths: Record<string, Json>, used: Set<string>): void {
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const tag = `${group === '' ? 'core' : group.replace(/\.k8s\.io$/, '')}_${version}`;
  const gvk: Gvk = { group, version, kind: r.kind };
  const def = definitionName(gvk);
  const ns = r.namespaced ? 'Namespaced' : '';
  const base = `${groupWord(group)}${camel(version)}`;
  // Reviews have no list kind: they are only ever created.
  if (r.createOnly ?? !kindEntry(group, version, `${r.kind}List`)) {
    used.add(def);
    paths[r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`] = {
      post: op({ id: `create${base}${ns}${r.kind}`, action: 'post', gvk, description: `create a ${r.kind}` }, tag, writeParams, def, ['200', '201', '202'], { ref: def }),
      parameters: r.namespaced ? [p.namespace, p.pretty] : [p.pretty],
    };
    return;
  }
  const listDef = definitionName({ ...gvk, kind: `${r.kind}List` });
  used.add(def).add(listDef);
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const scope = r.namespaced ? [p.namespace, p.pretty] : [p.pretty];
  const deleteParams = [p.dryRun, p.gracePeriodSeconds, p.propagationPolicy];
  const status = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
  const deleteBody = { ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions' };
  const patchBody = { ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', types: patchMedia };
  const what = r.kind;

  const has = (verb: string) => r.verbs.includes(verb);
  paths[collection] = {
    ...(has('list') || has('watch') ? { get: op({ id: `list${base}${ns}${r.kind}`, action: 'list', gvk, description: `list or watch objects of kind ${what}` }, tag, listParams, listDef, ['200']) } : {}),
    ...(has('create') ? { post: op({ id: `create${base}${ns}${r.kind}`, action: 'post', gvk, description: `create a ${what}` }, tag, writeParams, def, ['200', '201', '202'], { ref: def }) } : {}),
    ...(has('deletecollection') ? {
      delete: op({ id: `delete${base}Collection${ns}${r.kind}`, action: 'deletecollection', gvk, description: `delete a collection of ${what}` }, tag, [...deleteParams, ...listParams], status, ['200'], deleteBody),
    } : {}),
    parameters: scope,
  };
  paths[`${collection}/{name}`] = {
    ...(has('get') ? { get: op({ id: `read${base}${ns}${r.kind}`, action: 'get', gvk, description: `read the specified ${what}` }, tag, [], def, ['200']) } : {}),
    ...(has('update') ? { put: op({ id: `replace${base}${ns}${r.kind}`, action: 'put', gvk, description: `replace the specified ${what}` }, tag, writeParams, def, ['200', '201'], { ref: def }) } : {}),
    ...(has('patch') ? { patch: op({ id: `patch${base}${ns}${r.kind}`, action: 'patch', gvk, description: `partially update the specified ${what}` }, tag, [...writeParams, p.force], def, ['200', '201'], patchBody) } : {}),
    ...(has('delete') ? { delete: op({ id: `delete${base}${ns}${r.kind}`, action: 'delete', gvk, description: `delete a ${what}` }, tag, deleteParams, def, ['200', '202'], deleteBody) } : {}),
    parameters: [p.name, ...scope],
  };
  // A namespaced resource across all namespaces is only listed and watched (kube-apiserver serves
  // no create or deletecollection there).
  if (r.namespaced && (has('list') || has('watch'))) {
    paths[`${prefix}/${r.plural}`] = {
      get: op({ id: `list${base}${r.kind}ForAllNamespaces`, action: 'list', gvk, description: `list or watch objects of kind ${what} in all namespaces` }, tag, listParams, listDef, ['200']),
      parameters: [p.pretty],
    };
  }
  for (const sub of r.subresources) {
    const item = `${collection}/{name}/${sub}`;
    const params = [p.name, ...scope];
    const word = camel(sub);
    if (sub === 'status' || sub === 'scale' || sub === 'approval') {
      const subGvk = sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk;
      const subDef = definitionName(subGvk);
      used.add(subDef);
      paths[item] = {
        get: op({ id: `read${base}${ns}${r.kind}${word}`, action: 'get', gvk: subGvk, description: `read ${sub} of the specified ${what}` }, tag, [], subDef, ['200']),
        put: op({ id: `replace${base}${ns}${r.kind}${word}`, action: 'put', gvk: subGvk, description: `replace ${sub} of the specified ${what}` }, tag, writeParams, subDef, ['200', '201'], { ref: subDef }),
        patch: op({ id: `patch${base}${ns}${r.kind}${word}`, action: 'patch', gvk: subGvk, description: `partially update ${sub} of the specified ${what}` }, tag, [...writeParams, p.force], subDef, ['200', '201'], patchBody),
        parameters: params,
      };
    } else if (sub === 'binding') {
      const bGvk = { group: '', version: 'v1', kind: 'Binding' };
      const bDef = definitionName(bGvk);
      used.add(bDef);
      paths[item] = {
        post: op({ id: `create${base}${ns}${r.kind}Binding`, action: 'post', gvk: bGvk, description: `create binding of a ${what}` }, tag, writeParams, bDef, ['200', '201', '202'], { ref: bDef }),
        parameters: params,
      };
    } else if (sub === 'eviction') {
      const eGvk = { group: 'policy', version: 'v1', kind: 'Eviction' };
      const eDef = definitionName(eGvk);
      used.add(eDef);
      paths[item] = {
        post: op({ id: `create${base}${ns}${r.kind}Eviction`, action: 'post', gvk: eGvk, description: `create eviction of a ${what}` }, tag, writeParams, eDef, ['200', '201', '202'], { ref: eDef }),
        parameters: params,
      };
    } else if (sub === 'token') {
      const tGvk = { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
      const tDef = definitionName(tGvk);
      used.add(tDef);
      paths[item] = {
        post: op({ id: `create${base}${ns}${r.kind}Token`, action: 'post', gvk: tGvk, description: `create token of a ${what}` }, tag, writeParams, tDef, ['200', '201', '202'], { ref: tDef }),
        parameters: params,
      };
    } else if (sub === 'log') {
      paths[item] = {
        get: {
          tags: [tag],
          description: `read log of the specified ${what}`,
          operationId: `read${base}${ns}${r.kind}Log`,
          parameters: [
            query('container', 'The container whose log to return; may be omitted when the pod has one container.'),
            query('follow', 'Stream the log as it grows.', 'boolean'),
            query('previous', 'The log of the previous, terminated run of the container.', 'boolean'),
            query('sinceSeconds', 'Only lines from the last this many seconds.', 'integer'),
            query('tailLines', 'Only this many lines from the end.', 'integer'),
            query('timestamps', 'Prefix each line with its RFC 3339 timestamp.', 'boolean'),
            query('limitBytes', 'The most bytes to return.', 'integer'),
          ],
          responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': { description: 'Unauthorized' } },
          'x-kubernetes-action': 'get',
          'x-kubernetes-group-version-kind': { group, kind: r.kind, version },
        },
        parameters: params,
      };
    }
  }
}

const cache = new Map<string, unknown>();

/** `GET /openapi/v3/<api|apis/G>/<V>`: paths for each resource and the schemas they use. Built
 * once per group/version and resource set, then shared: callers must not modify it. */
export function openApiV3Document(group: string, version: string, resources: readonly OpenApiResource[]): unknown {
  const key = JSON.stringify([group, version, resources]);
  let doc = cache.get(key);
  if (doc === undefined) cache.set(key, (doc = buildDocument(group, version, resources)));
  return doc;
}

function buildDocument(group: string, version: string, resources: readonly OpenApiResource[]): unknown {
  const paths: Record<string, Json> = {};
  const used = new Set<string>([
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
    'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
  ]);
  for (const r of resources) resourcePaths(group, version, r, paths, used);
  if (metaKindGroupVersions.some((gv) => gv.group === group && gv.version === version)) used.add('io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent');
  const schemas: Record<string, unknown> = {};
  for (const name of [...closure(used)].sort()) schemas[name] = emitDefinition(name, definitions[name]!);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}
