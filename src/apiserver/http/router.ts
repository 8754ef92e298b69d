/** The request entry point: authentication, authorization, routing, metrics, errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NoResourceError, MethodNotAllowedError } from '../../api/errors.js';
import type { Authenticator } from '../auth.js';
import { authorize } from '../auth.js';
import type { ApiMetrics } from '../metrics.js';
import type { ApiContext } from './context.js';
import { parseRequestInfo } from './requestinfo.js';
import { sendError, sendJson, toApiError } from './status.js';
import { serveResource } from './rest.js';
import { aggregatedDiscovery, legacyApiVersions, legacyGroup, legacyGroupList, legacyResourceList } from './discovery.js';
import { discoveryContentType, negotiateDiscovery } from './negotiate.js';
import type { OpenApiDocs } from './openapi.js';

export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly [k: string]: string;
}

export interface RouterDeps {
  readonly ctx: ApiContext;
  readonly auth: Authenticator;
  readonly metrics: ApiMetrics;
  readonly openapi: OpenApiDocs;
  readonly version: VersionInfo;
  readonly ready: () => boolean;
}

export function makeHandler(deps: RouterDeps) {
  const { ctx, metrics } = deps;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'https://skiff');
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    const verb = info.kind === 'resource' ? info.verb : (req.method ?? 'GET').toLowerCase();
    const resource = info.kind === 'resource' ? info.resource : '';
    const isWatch = verb === 'watch';
    if (isWatch) metrics.watchers.inc();
    res.on('finish', () => {
      metrics.requests.inc({
        verb,
        group: info.kind === 'resource' ? info.group : '',
        resource,
        subresource: info.kind === 'resource' ? (info.subresource ?? '') : '',
        code: String(res.statusCode),
      });
      if (!isWatch) metrics.duration.observe({ verb, resource }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    if (isWatch) res.on('close', () => metrics.watchers.dec());
    const run = async (): Promise<void> => {
      authorize(deps.auth.authenticate(req.headers.authorization), info, url.pathname);
      if (info.kind === 'resource') return serveResource(ctx, req, res, info, url.searchParams);
      return serveOther(deps, req, res, url);
    };
    run().catch((err: unknown) => {
      const e = toApiError(err);
      if (e.code >= 500) console.error(`${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      sendError(res, e);
    });
  };
}

async function serveOther(deps: RouterDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { ctx } = deps;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new MethodNotAllowedError();
  switch (path) {
    case '/healthz':
    case '/livez':
      return plain(res, 200, 'ok');
    case '/readyz':
      return deps.ready() ? plain(res, 200, 'ok') : plain(res, 503, '[-]watch-cache failed: not ready\nreadyz check failed');
    case '/version':
      return sendJson(res, 200, deps.version);
    case '/metrics': {
      const text = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType });
      res.end(text);
      return;
    }
    case '/api':
    case '/apis': {
      const f = negotiateDiscovery(req.headers.accept);
      const core = path === '/api';
      const body = f === 'legacy' ? (core ? legacyApiVersions(ctx.serverAddress) : legacyGroupList(ctx.runtime)) : aggregatedDiscovery(ctx.runtime, core, f);
      res.setHeader('Vary', 'Accept');
      return sendJson(res, 200, body, discoveryContentType(f));
    }
  }
  if (path === '/openapi/v2') return deps.openapi.serveV2(req, res);
  if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
    return sendJson(res, 200, deps.openapi.get(path.slice('/openapi/v3'.length)));
  }
  const gv = /^\/(?:api\/(v1)|apis\/([^/]+)(?:\/([^/]+))?)$/.exec(path);
  if (gv) {
    const body = gv[1] ? legacyResourceList(ctx.runtime, '', gv[1]) : gv[3] ? legacyResourceList(ctx.runtime, gv[2]!, gv[3]) : legacyGroup(ctx.runtime, gv[2]!);
    if (body) return sendJson(res, 200, body);
  }
  throw new NoResourceError();
}

function plain(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
