/** The REST verbs on resources: get, list, create, update, patch, delete, deletecollection. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadRequestError,
  ForbiddenError,
  MethodNotAllowedError,
  NoResourceError,
  NotFoundError,
} from '../../api/errors.js';
import { namespaces, type ResourceType, type ServedVersion } from '../../api/resources.js';
import { isRecord, type KubeObject } from '../../api/types.js';
import type { ApiContext } from './context.js';
import { checkPathName, type ResourceRequest } from './requestinfo.js';
import { checkDeletable } from './immortal.js';
import { negotiateObject } from './negotiate.js';
import { renderList, renderObject } from './render.js';
import { sendJson } from './status.js';
import { fieldValidation, includeObject, isDryRun, listQuery } from './query.js';
import { readObject } from './decode.js';
import { awaitResourceVersion } from './resourceversion.js';
import { decodeBody, mediaType, readBody } from './body.js';
import { patchObject } from './patch.js';
import { serveWatch } from './watch.js';
import { serveSubresource } from './subresources.js';
import { addSupportWarnings } from './support-warnings.js';
import type { DeleteOptions } from '../registry/registry.js';
import { noteRequestObject } from '../audit/index.js';
import { writerOf } from './fieldmanager.js';
import { deleteOptionsOf } from './deleteoptions.js';
import { createdByApply } from './apply.js';

/**
 * Which verbs a path serves, as kube-apiserver registers its routes: a namespaced resource's
 * cluster-wide collection (`/api/v1/pods`) only lists and watches; a collection is never updated
 * or patched; a named object is never created; deletecollection only where the resource has it.
 * A path that exists but not for this verb is 405; a path that does not exist is 404.
 */
function checkRoute(r: ResourceType, info: ResourceRequest): void {
  if (!r.namespaced && info.namespace !== undefined) throw new NoResourceError();
  if (r.namespaced && info.namespace === undefined && info.name !== undefined) throw new NoResourceError();
  if (info.name !== undefined) {
    checkPathName(info.name);
    if (info.verb === 'create' && info.subresource === undefined) throw new MethodNotAllowedError();
    return;
  }
  if (info.subresource !== undefined) throw new NoResourceError();
  switch (info.verb) {
    case 'list':
    case 'watch':
      return;
    case 'create':
    case 'deletecollection':
      if (r.namespaced && info.namespace === undefined) throw new MethodNotAllowedError();
      if (!r.verbs.includes(info.verb)) throw new MethodNotAllowedError();
      return;
    default:
      throw new MethodNotAllowedError();
  }
}

export async function serveResource(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, q: URLSearchParams): Promise<void> {
  const sv = ctx.runtime.find(info.group, info.version, info.resource);
  if (!sv) throw new NoResourceError();
  const r = sv.resource;
  checkRoute(r, info);
  if (sv.custom?.warning) res.appendHeader('Warning', `299 - ${JSON.stringify(sv.custom.warning)}`);
  const registry = ctx.registry(r);
  if (info.subresource !== undefined) {
    if (info.name === undefined) throw new NoResourceError();
    await serveSubresource(ctx, req, res, info, sv, registry, q);
    return;
  }
  const format = () => negotiateObject(req.headers.accept);
  const reply = (code: number, obj: KubeObject) => {
    const out = renderObject(obj, sv, format(), registry.strategy.printer, includeObject(q));
    sendJson(res, code, out.body, out.contentType);
  };
  switch (info.verb) {
    case 'get': {
      await awaitResourceVersion(ctx.hub, q.get('resourceVersion'));
      reply(200, await registry.get(info.namespace, info.name!));
      return;
    }
    case 'list': {
      const list = await registry.list(info.namespace, listQuery(q, r.kind));
      const out = renderList(list, sv, format(), registry.strategy.printer, includeObject(q));
      sendJson(res, 200, out.body, out.contentType);
      return;
    }
    case 'watch': {
      await serveWatch(ctx, req, res, sv, registry, info, q);
      return;
    }
    case 'create': {
      const obj = await readObject(req, res, sv, fieldValidation(q));
      setNamespace(obj, info.namespace, r.namespaced);
      if (info.namespace !== undefined) await admitNamespace(ctx, info.namespace, sv, obj);
      const created = await registry.create(obj, { dryRun: isDryRun(q), writer: writerOf(req, q, sv, 'CreateOptions') });
      addSupportWarnings(ctx, created, res);
      reply(201, created);
      return;
    }
    case 'update': {
      const obj = await readObject(req, res, sv, fieldValidation(q));
      setNamespace(obj, info.namespace, r.namespaced);
      const updated = await registry.update(info.namespace, info.name!, obj, { dryRun: isDryRun(q), writer: writerOf(req, q, sv, 'UpdateOptions') });
      addSupportWarnings(ctx, updated, res);
      reply(200, updated);
      return;
    }
    case 'patch': {
      const patched = await patchObject(req, res, sv, registry, info, q);
      addSupportWarnings(ctx, patched, res);
      reply(createdByApply(patched) ? 201 : 200, patched);
      return;
    }
    case 'delete': {
      checkDeletable(r, info.name!);
      const opts = await deleteOptions(req, q);
      const result = await registry.delete(info.namespace, info.name!, opts);
      reply(result.deleted || registry.strategy.finalizersOf(result.object).length === 0 ? 200 : 202, result.object);
      return;
    }
    case 'deletecollection': {
      const opts = await deleteOptions(req, q);
      const list = await registry.list(info.namespace, listQuery(q, r.kind));
      const gone: KubeObject[] = [];
      for (const o of list.items) {
        checkDeletable(r, o.metadata.name!);
        try {
          gone.push((await registry.delete(o.metadata.namespace, o.metadata.name!, opts)).object);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      const out = renderList({ ...list, items: gone }, sv, format(), registry.strategy.printer, includeObject(q));
      sendJson(res, 200, out.body, out.contentType);
      return;
    }
  }
}

function setNamespace(obj: KubeObject, namespace: string | undefined, namespaced: boolean): void {
  if (!namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && obj.metadata.namespace !== namespace) {
    throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = namespace;
}

/** NamespaceLifecycle admission: no new content in a namespace that is missing or terminating. */
async function admitNamespace(ctx: ApiContext, namespace: string, sv: ServedVersion, obj: KubeObject): Promise<void> {
  const nsRegistry = ctx.registry(namespaces);
  let ns = nsRegistry.cache.objects.get(nsRegistry.key(undefined, namespace));
  if (!ns) {
    try {
      ns = await nsRegistry.get(undefined, namespace);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError('namespaces', '', namespace);
      throw err;
    }
  }
  if (ns.metadata.deletionTimestamp !== undefined) {
    const what = `${sv.resource.plural}${sv.group ? '.' + sv.group : ''} "${obj.metadata.name ?? obj.metadata.generateName ?? ''}"`;
    throw new ForbiddenError(`${what} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const raw = await readBody(req);
  let body: Record<string, unknown> = {};
  if (raw.trim() !== '') {
    const v = decodeBody(raw, mediaType(req) || 'application/json');
    if (!isRecord(v)) throw new BadRequestError('DeleteOptions must be an object');
    body = v;
    noteRequestObject(req, v);
  }
  return deleteOptionsOf(body, q);
}
