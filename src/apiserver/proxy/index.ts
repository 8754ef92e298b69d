/**
 * The `proxy` subresources of pods, services and nodes: `…/NAME[:PORT]/proxy/PATH` relayed to
 * the pod, a ready endpoint of the service, or the node, with every method, the query and the
 * body passed on and the answer streamed back. Authorization (`pods/proxy`, …) happened before.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, NoResourceError } from '../../api/errors.js';
import type { Endpoints, Node, Pod, Service } from '../../api/kinds.js';
import { endpoints, nodes, pods, services } from '../../api/resources.js';
import type { ApiContext } from '../http/context.js';
import type { ResourceRequest } from '../http/requestinfo.js';
import { nodeTarget, podTarget, serviceTarget, type ProxyObjects, type ProxyTarget } from './locate.js';
import { relay, type Dial } from './relay.js';

export { splitSchemeNamePort } from './schemename.js';

/** The raw path below `…/proxy` (undefined when the request ends at `proxy` itself) and the query. */
function backendPath(rawUrl: string, segmentsBefore: number): { path: string | undefined; query: string } {
  const q = rawUrl.indexOf('?');
  const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  const query = q >= 0 ? rawUrl.slice(q) : '';
  // Leading slashes are not segments (Kubernetes' splitPath); count the segments up to `proxy`.
  let i = 0;
  while (rawPath[i] === '/') i++;
  for (let n = 0; n < segmentsBefore && i <= rawPath.length; n++) {
    const next = rawPath.indexOf('/', i);
    i = next < 0 ? rawPath.length + 1 : next + 1;
  }
  if (i > rawPath.length) return { path: undefined, query };
  const rest = rawPath.slice(i);
  // Cleaned as path.Join cleans it (no way above the backend's root), a trailing slash kept.
  const cleaned = path.posix.normalize('/' + rest);
  return { path: rest.endsWith('/') && !cleaned.endsWith('/') ? cleaned + '/' : cleaned, query };
}

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
  const { path: sub, query } = backendPath(req.url ?? '/', info.namespace !== undefined ? 7 : 5);
  if (sub === undefined && !req.headers.upgrade) {
    // kube-apiserver sends a request for the proxy's root to its directory form.
    const rawPath = (req.url ?? '/').split('?')[0]!;
    res.writeHead(301, { Location: `${rawPath}/${query}` });
    res.end();
    return;
  }
  const where = t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
  await relay(req, res, dialFor(ctx, t), (sub ?? '/') + query, where, where);
}
