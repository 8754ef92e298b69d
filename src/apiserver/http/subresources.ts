/** Subresources: `status`, `scale` (autoscaling/v1 Scale), `binding`, `eviction` and `log` of pods,
 * `finalize` of namespaces. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ConflictError, InvalidError, MethodNotAllowedError, NoResourceError } from '../../api/errors.js';
import { approvalUpdate } from '../registry/certificates/csr.js';
import type { ServedVersion, ScaleSubresource } from '../../api/resources.js';
import { isRecord, type KubeObject } from '../../api/types.js';
import { fromLabelSelector, fromMap } from '../../api/labels.js';
import type { ApiContext } from './context.js';
import type { ResourceRequest } from './requestinfo.js';
import type { Registry } from '../registry/registry.js';
import { negotiateObject } from './negotiate.js';
import { renderObject } from './render.js';
import { sendJson, successStatus } from './status.js';
import { fieldValidation, includeObject, isDryRun } from './query.js';
import { readObject } from './decode.js';
import { decodeBody, mediaType, readBody } from './body.js';
import { patchObject } from './patch.js';
import { applyPatch, patchTypeOf } from '../patch/index.js';
import { kubeTime } from '../../api/time.js';
import { logQueryString, podLogOptions } from './logoptions.js';
import { relayPortForward, relayStream } from '../podstream.js';
import { serveProxy } from '../proxy/index.js';
import { awaitResourceVersion, checkBodyResourceVersion } from './resourceversion.js';
import { writerOf } from './fieldmanager.js';
import { evictPod } from './eviction.js';
import { serveEphemeralContainers } from './ephemeral.js';

export async function serveSubresource(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  sv: ServedVersion,
  registry: Registry,
  q: URLSearchParams,
): Promise<void> {
  const r = sv.resource;
  const name = info.name!;
  const reply = (code: number, obj: KubeObject) => {
    const out = renderObject(obj, sv, negotiateObject(req.headers.accept), registry.strategy.printer, includeObject(q));
    sendJson(res, code, out.body, out.contentType);
  };
  switch (info.subresource) {
    case 'status':
    case 'finalize': {
      if (info.subresource === 'finalize' && r.plural !== 'namespaces') break;
      if (info.subresource === 'status' && !r.subresources.status) break;
      const sub = info.subresource === 'status' ? ('status' as const) : undefined;
      if (info.verb === 'get') {
        await awaitResourceVersion(ctx.hub, q.get('resourceVersion'));
        return reply(200, await registry.get(info.namespace, name));
      }
      if (info.verb === 'update') {
        const obj = await readObject(req, res, sv, fieldValidation(q));
        obj.metadata.namespace = info.namespace;
        const wantRv = obj.metadata.resourceVersion;
        checkBodyResourceVersion(wantRv);
        return reply(200, await registry.guaranteedUpdate(info.namespace, name, (current) => {
          if (wantRv && wantRv !== current.metadata.resourceVersion) {
            throw new ConflictError(r.plural, r.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
          }
          // finalize may only change spec.finalizers; status may only change status.
          if (!sub) return { ...current, spec: { ...(current.spec ?? {}), finalizers: obj.spec?.['finalizers'] ?? [] } };
          return obj;
        }, { dryRun: isDryRun(q), writer: writerOf(req, q, sv, 'UpdateOptions', info.subresource), ...(sub ? { subresource: sub } : {}) }));
      }
      if (info.verb === 'patch' && sub) return reply(200, await patchObject(req, res, sv, registry, info, q, sub));
      throw new MethodNotAllowedError();
    }
    case 'approval': {
      if (!r.subresources.approval) break;
      if (info.verb === 'get') return reply(200, await registry.get(info.namespace, name));
      const approve = (next: KubeObject, current: KubeObject): KubeObject => {
        ctx.checkApprover?.(current);
        const out = approvalUpdate(next, current);
        const errors = registry.strategy.validateStatusUpdate(out, current);
        if (errors.length) throw new InvalidError(r.kind, r.group, name, errors);
        return out;
      };
      if (info.verb === 'patch') return reply(200, await patchObject(req, res, sv, registry, info, q, undefined, { name: 'approval', finish: approve }));
      if (info.verb !== 'update') throw new MethodNotAllowedError();
      const obj = await readObject(req, res, sv, fieldValidation(q));
      const wantRv = obj.metadata.resourceVersion;
      checkBodyResourceVersion(wantRv);
      return reply(200, await registry.guaranteedUpdate(undefined, name, (current) => {
        if (wantRv && wantRv !== current.metadata.resourceVersion) {
          throw new ConflictError(r.plural, r.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
        }
        return approve(obj, current);
      }, { dryRun: isDryRun(q), trusted: true, writer: writerOf(req, q, sv, 'UpdateOptions', 'approval') }));
    }
    case 'scale': {
      const spec = r.subresources.scale;
      if (!spec) break;
      await serveScale(req, res, info, sv, registry, spec, q);
      return;
    }
    case 'binding': {
      if (!r.subresources.binding) break;
      if (info.verb !== 'create') throw new MethodNotAllowedError();
      await bindPod(req, res, info, registry);
      return;
    }
    case 'eviction': {
      if (!r.subresources.eviction) break;
      if (info.verb !== 'create') throw new MethodNotAllowedError();
      await evictPod(ctx, req, res, info, q);
      return;
    }
    case 'ephemeralcontainers': {
      if (!r.subresources.ephemeralContainers) break;
      await serveEphemeralContainers(req, res, info, sv, registry, q, reply);
      return;
    }
    case 'token': {
      if (!r.subresources.token || !ctx.tokenRequest) break;
      if (info.verb !== 'create') throw new MethodNotAllowedError();
      const body = decodeBody(await readBody(req), mediaType(req) || 'application/json', 'TokenRequest');
      sendJson(res, 201, await ctx.tokenRequest(info.namespace ?? '', name, body));
      return;
    }
    case 'exec':
    case 'attach': {
      if (!r.subresources.streams) break;
      if (info.verb !== 'get' && info.verb !== 'create') throw new MethodNotAllowedError();
      await relayStream(info.subresource, ctx.nodeDialer, await registry.get(info.namespace, name), q, req, res);
      return;
    }
    case 'portforward': {
      if (!r.subresources.streams) break;
      if (info.verb !== 'get' && info.verb !== 'create') throw new MethodNotAllowedError();
      await relayPortForward(ctx.nodeDialer, await registry.get(info.namespace, name), q, req, res);
      return;
    }
    case 'proxy': {
      if (!r.subresources.proxy) break;
      await serveProxy(ctx, req, res, info);
      return;
    }
    case 'log': {
      if (!r.subresources.log) break;
      if (info.verb !== 'get') throw new MethodNotAllowedError();
      // Options are converted and validated before the pod is read, as kube-apiserver does.
      const logQuery = logQueryString(podLogOptions(q, name));
      const pod = await registry.get(info.namespace, name);
      if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) {
        throw new BadRequestError(`pod ${name} does not have a host assigned`);
      }
      if (!ctx.podLogs) throw new BadRequestError(`the node of pod ${name} does not serve logs`);
      await ctx.podLogs(pod, logQuery, req, res);
      return;
    }
  }
  throw new NoResourceError();
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!isRecord(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function selectorString(sel: unknown): string {
  // A custom resource's labelSelectorPath names the selector already serialized.
  if (typeof sel === 'string') return sel;
  if (!isRecord(sel)) return '';
  if ('matchLabels' in sel || 'matchExpressions' in sel) return fromLabelSelector(sel).toString();
  return fromMap(sel as Record<string, string>).toString();
}

function toScale(obj: KubeObject, spec: ScaleSubresource): KubeObject {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: (getPath(obj, spec.specReplicasPath) as number | undefined) ?? 0 },
    status: {
      replicas: (getPath(obj, spec.statusReplicasPath) as number | undefined) ?? 0,
      ...(spec.labelSelectorPath ? { selector: selectorString(getPath(obj, spec.labelSelectorPath)) } : {}),
    },
  };
}

async function serveScale(
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  sv: ServedVersion,
  registry: Registry,
  spec: ScaleSubresource,
  q: URLSearchParams,
): Promise<void> {
  const name = info.name!;
  const r = sv.resource;
  if (info.verb === 'get') {
    sendJson(res, 200, toScale(await registry.get(info.namespace, name), spec));
    return;
  }
  if (info.verb !== 'update' && info.verb !== 'patch') throw new MethodNotAllowedError();
  // kubectl's `scale --current-replicas` PUTs without a Content-Type: treat it as JSON.
  const raw = await readBody(req);
  const type = mediaType(req);
  const body = decodeBody(raw, info.verb === 'update' ? 'application/json' : 'application/json');
  const patchType = info.verb === 'patch' ? patchTypeOf(type) : undefined;
  if (patchType === 'apply') throw new BadRequestError('server-side apply is not supported on scale');
  const updated = await registry.guaranteedUpdate(info.namespace, name, (current) => {
    const scale = toScale(current, spec);
    let next: unknown = body;
    if (patchType) next = applyPatch(patchType, scale, body, { group: 'autoscaling', version: 'v1', kind: 'Scale', name });
    if (!isRecord(next) || !isRecord(next['spec'])) throw new BadRequestError('Scale must have a spec');
    const meta = isRecord(next['metadata']) ? next['metadata'] : {};
    if (info.verb === 'update') checkBodyResourceVersion(meta['resourceVersion']);
    if (info.verb === 'update' && meta['resourceVersion'] && meta['resourceVersion'] !== current.metadata.resourceVersion) {
      throw new ConflictError(r.plural, r.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const replicas = next['spec']['replicas'];
    if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas))) {
      throw new BadRequestError(`Scale in version "v1" cannot be handled as a Scale: spec.replicas must be an integer`);
    }
    setPath(current as unknown as Record<string, unknown>, spec.specReplicasPath, replicas ?? 0);
    return current;
  }, { dryRun: isDryRun(q), writer: writerOf(req, q, sv, info.verb === 'update' ? 'UpdateOptions' : 'PatchOptions', 'scale') });
  sendJson(res, 200, toScale(updated, spec));
}

async function bindPod(req: IncomingMessage, res: ServerResponse, info: ResourceRequest, registry: Registry): Promise<void> {
  const body = decodeBody(await readBody(req), mediaType(req) || 'application/json');
  const target = isRecord(body) && isRecord(body['target']) ? body['target'] : undefined;
  const node = typeof target?.['name'] === 'string' ? target['name'] : '';
  if (!node) throw new BadRequestError('a binding must name a target node (target.name)');
  const name = info.name!;
  await registry.guaranteedUpdate(info.namespace, name, (pod) => {
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    if (pod.metadata.deletionTimestamp) {
      throw new ConflictError('pods', '', name, 'pod is being deleted, cannot be assigned to a host');
    }
    if (spec.nodeName) {
      throw new ConflictError('pods', '', name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    }
    spec.nodeName = node;
    const status = (pod.status ??= {}) as { conditions?: { type: string }[] };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTime() } as never);
    status.conditions = conditions;
    return pod;
  }, { trusted: true });
  sendJson(res, 201, successStatus());
}
