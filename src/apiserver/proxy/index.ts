/**
 * The `proxy` subresources of pods, services and nodes: `…/NAME[:PORT]/proxy/PATH` relayed to
 * the pod, a ready endpoint of the service, or the node, with every method, the query and the
 * body passed on and the answer streamed back. Authorization (`pods/proxy`, …) happened before.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, NoResourceError } from '../../api/errors.js';
import type { Endpoints, Node, Pod, Service } from '../../api/kinds.js';
import { endpoints, nodes, pods, services } from '../../api/resources.js';
import type { ApiContext } from '../http/context.js';
import type { ResourceRequest } from '../http/requestinfo.js';
import { nodeTarget, podTarget, serviceTarget, type ProxyObjects, type ProxyTarget } from './locate.js';
import { relay, type Dial } from './relay.js';
import { backendPath } from './backendpath.js';
import { rewriteLocation } from './location.js';

export { splitSchemeNamePort } from './schemename.js';
export { backendPath } from './backendpath.js';

function objectsIn(ctx: ApiContext, namespace: string | undefined): ProxyObjects {
  return {
    pod: async (name) => (await ctx.registry(pods).get(namespace, name)) as Pod,
    service: async (name) => (await ctx.registry(services).get(namespace, name)) as Service,
    endpoints: async (name) => (await ctx.registry(endpoints).get(namespace, name)) as Endpoints,
    node: async (name) => (await ctx.registry(nodes).get(undefined, name)) as Node,
  };
}

function dialFor(ctx: ApiContext, t: ProxyTarget): Dial {
  if (t.via === 'kubelet') {
    const dialer = ctx.nodeDialer;
    if (!dialer) throw new BadRequestError(`node ${t.nodeName ?? ''} does not serve proxy`);
    return (o) => dialer.request(t.nodeName!, o);
  }
  return async (o) => {
    const options = { host: t.host, port: t.port, method: o.method, path: o.path, headers: o.headers };
    // kube-apiserver's proxy transport does not verify pods' certificates either.
    return t.scheme === 'https' ? https.request({ ...options, rejectUnauthorized: false }) : http.request(options);
  };
}

export async function serveProxy(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest): Promise<void> {
  const objects = objectsIn(ctx, info.namespace);
  const id = info.name!;
  let t: ProxyTarget;
  if (info.group !== '') throw new NoResourceError();
  if (info.resource === 'pods') t = await podTarget(objects, id);
  else if (info.resource === 'services') t = await serviceTarget(objects, id);
  else if (info.resource === 'nodes') t = await nodeTarget(objects, id);
  else throw new NoResourceError();
  // api, v1, [namespaces, NS,] RESOURCE, NAME, proxy
  const { path: sub, query, base } = backendPath(req.url ?? '/', info.namespace !== undefined ? 7 : 5);
  if (sub === undefined && !req.headers.upgrade) {
    // kube-apiserver sends a request for the proxy's root to its directory form.
    const rawPath = (req.url ?? '/').split('?')[0]!;
    res.writeHead(301, { Location: `${rawPath}/${query}` });
    res.end();
    return;
  }
  const where = t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
  const authority = req.headers.host ?? req.headers[':authority'];
  const origin = `https://${String(authority ?? '')}`;
  await relay(req, res, dialFor(ctx, t), (sub ?? '/') + query, where, where, (l) => rewriteLocation(l, where, base, origin));
}
