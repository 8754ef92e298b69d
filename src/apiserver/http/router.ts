/**
 * The request entry point and its one error boundary: target parsing, routing, authentication,
 * limits and handling all run inside it, so nothing a client sends reaches an uncaught exception.
 * A failure becomes a `Status`; a bug (500) is one log line; a client that went away is not an
 * error at all.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, NoResourceError, MethodNotAllowedError, RequestEntityTooLargeError } from '../../api/errors.js';
import type { Logger } from '../../util/log.js';
import { notePanic, type Auditor } from '../audit/index.js';
import { connectionUser, runAs, writerMatters, type AuthChain } from '../auth/index.js';
import { isReview, serveReview } from '../auth/reviews/index.js';
import { metricsGroup } from '../metricsapi/index.js';
import type { ApiMetrics } from '../metrics.js';
import type { ApiContext } from './context.js';
import { parseRequestInfo, type RequestInfo } from './requestinfo.js';
import { parseTarget, type RequestTarget } from './paths.js';
import { sendError, sendJson, toApiError } from './status.js';
import { serveResource } from './rest.js';
import { aggregatedDiscovery, legacyApiVersions, legacyGroup, legacyGroupList, legacyResourceList } from './discovery.js';
import { discoveryContentType, negotiateDiscovery } from './negotiate.js';
import type { OpenApiDocs } from './openapi.js';
import { isLongRunning, type InflightLimiter } from './inflight.js';
import type { RequestDeadlines } from './deadlines.js';
import { setBodyLimit, type ServingLimits } from './limits.js';
import { healthAnswer, type HealthCheck } from './health.js';
import { ClientWentAwayError } from './brokenbody.js';
import { closeIfBodyPending } from './linger.js';
import { onRequestDone } from './done.js';
import { isUiPath, serveUi, sessionCredentials, type UiSessions } from '../ui/index.js';

export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly [k: string]: string;
}

export interface RouterDeps {
  readonly ctx: ApiContext;
  readonly auth: AuthChain;
  readonly metrics: ApiMetrics;
  readonly openapi: OpenApiDocs;
  readonly version: VersionInfo;
  readonly limits: ServingLimits;
  readonly inflight: InflightLimiter;
  readonly deadlines: RequestDeadlines;
  /** `/readyz`'s checks, in order. */
  readonly readiness: readonly HealthCheck[];
  /** `/healthz`'s and `/livez`'s checks, in order. */
  readonly liveness: readonly HealthCheck[];
  /** Told about every 503, which the store may explain. */
  readonly onUnavailable?: () => void;
  readonly log: Logger;
  /** The audit log, when a policy turned it on. */
  readonly audit?: Auditor;
  /** The web view's sessions, when it is served (`/ui/`). */
  readonly ui?: UiSessions;
}

const methodsWithBody: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function makeHandler(deps: RouterDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    // Errors on the request or response streams (a client resetting mid-body, a write after the
    // end) are the boundary's business, never the process's.
    req.on('error', noop);
    res.on('error', noop);
    serve(deps, req, res).catch((err: unknown) => fail(deps, req, res, err));
  };
}

function noop(): void {}

async function serve(deps: RouterDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ctx, metrics, limits } = deps;
  const started = process.hrtime.bigint();
  const method = req.method ?? 'GET';
  let info: RequestInfo | undefined;
  res.on('finish', () => {
    const verb = info?.kind === 'resource' ? info.verb : method.toLowerCase();
    const resource = info?.kind === 'resource' ? info.resource : '';
    metrics.requests.inc({
      verb,
      group: info?.kind === 'resource' ? info.group : '',
      resource,
      subresource: info?.kind === 'resource' ? (info.subresource ?? '') : '',
      code: String(res.statusCode),
    });
    if (verb !== 'watch') metrics.duration.observe({ verb, resource }, Number(process.hrtime.bigint() - started) / 1e9);
  });
  const target = parseTarget(req.url ?? '/');
  // The web view's pages and sign-in need no credentials; its API calls are ordinary requests.
  if (deps.ui && isUiPath(target.pathname)) return serveUi(deps.ui, deps.auth, req, res, target.pathname);
  const viaSession = deps.ui ? sessionCredentials(deps.ui, req, res, method) : undefined;
  info = parseRequestInfo(method, target.segments, target.pathname, target.searchParams);
  // The audit hook: one record per request, told what authentication and authorization decided
  // (refusals included); it follows the response to its end by itself.
  const audit = deps.audit?.begin(req, res, info, method);
  let user;
  try {
    user = await deps.auth.admit(viaSession?.headers ?? req.headers, info, method, target.pathname, audit?.trace, connectionUser(req.socket) ?? viaSession?.certUser);
  } finally {
    audit?.admitted();
  }
  // A proxied body is the backend's to limit: it streams through unread.
  if (methodsWithBody.has(method) && !(info.kind === 'resource' && info.subresource === 'proxy')) {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.maxRequestBodyBytes) {
      // Do not read (or let Node drain) a body that will be refused anyway: the boundary closes
      // the connection after the answer (closeIfBodyPending).
      throw new RequestEntityTooLargeError(limits.maxRequestBodyBytes);
    }
    setBodyLimit(req, limits.maxRequestBodyBytes);
  }
  const release = deps.inflight.acquire(info, method, `${user?.name ?? ''}@${req.socket?.remoteAddress ?? ''}`, user?.groups?.includes('system:masters') ?? false);
  onRequestDone(req, res, release);
  if (!isLongRunning(info)) deps.deadlines.add(res);
  if (info.kind === 'resource' && info.verb === 'watch') {
    metrics.watchers.inc();
    onRequestDone(req, res, () => metrics.watchers.dec());
  }
  if (info.kind === 'resource') {
    const r = info;
    if (isReview(r)) return serveReview(deps.auth, user!, req, res, r);
    if (r.group === metricsGroup) {
      if (!ctx.metricsApi) throw new NoResourceError();
      return ctx.metricsApi.serve(ctx.runtime, req, res, r, target.searchParams);
    }
    if (writerMatters(user, r)) return runAs(user, () => serveResource(ctx, req, res, r, target.searchParams));
    return serveResource(ctx, req, res, r, target.searchParams);
  }
  return serveOther(deps, req, res, target);
}

/** Whether the client is gone: nothing can be sent, and what failed is not the server's fault. */
function clientGone(res: ServerResponse, err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ERR_HTTP2_STREAM_ERROR') return true;
  const stream = (res as unknown as { stream?: { destroyed: boolean; closed: boolean } }).stream;
  if (stream) return stream.destroyed || stream.closed;
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

function fail(deps: RouterDeps, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  try {
    // Already answered (a deadline's 504): what the handler meets afterwards is its own ending.
    if (err instanceof ClientWentAwayError || res.writableEnded || (!res.headersSent && clientGone(res, err))) {
      deps.log.debug({ method: req.method, url: req.url, reason: err instanceof Error ? err.message : String(err) }, 'client went away');
      if (err instanceof ClientWentAwayError && !res.writableEnded) res.destroy();
      return;
    }
    const e = toApiError(err);
    if (e.code === 503) deps.onUnavailable?.();
    else if (e.code >= 500 && e.code !== 504) {
      // A bug: one line (pino keeps the stack inside it). A 504 is a wait that ran out (a
      // resourceVersion from the future, a request deadline): the client's answer, not a fault.
      deps.log.error({ method: req.method, url: req.url, err: err instanceof ApiError ? e.message : err }, 'request failed');
      if (!(err instanceof ApiError)) notePanic(res, err);
    }
    closeIfBodyPending(req, res);
    sendError(res, e);
  } catch (inner) {
    deps.log.error({ method: req.method, url: req.url, err: inner }, 'could not send an error response');
    res.destroy();
  }
}

/** Paths besides resources that a method other than GET may be refused on (405) rather than not
 * found (404). */
const otherPaths = /^\/(?:(?:healthz|livez|readyz)(?:\/[^/]+)?|version|metrics|api|apis|openapi\/v2|openapi\/v3(?:\/.*)?|api\/[^/]+|apis\/[^/]+(?:\/[^/]+)?)$/;

async function serveOther(deps: RouterDeps, req: IncomingMessage, res: ServerResponse, url: RequestTarget): Promise<void> {
  const { ctx } = deps;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw otherPaths.test(path) || addressesServedResource(ctx, url) ? new MethodNotAllowedError() : new NoResourceError();
  }
  const health = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path);
  if (health) {
    const endpoint = health[1]!;
    const answer = await healthAnswer(endpoint, endpoint === 'readyz' ? deps.readiness : deps.liveness, url.searchParams, health[2]);
    if (!answer) throw new NoResourceError();
    return plain(res, answer.code, answer.text);
  }
  switch (path) {
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

/**
 * Whether a request that parsed as "other" only for its method (OPTIONS, TRACE, or any token a
 * client invents) is on a path a resource route serves: kube-apiserver's router matches the path
 * first and answers 405 for a method it has no route for, 404 only when no route has the path.
 */
function addressesServedResource(ctx: ApiContext, url: RequestTarget): boolean {
  const asGet = parseRequestInfo('GET', url.segments, url.pathname, url.searchParams);
  if (asGet.kind !== 'resource') return false;
  const sv = ctx.runtime.find(asGet.group, asGet.version, asGet.resource);
  if (!sv) return false;
  const r = sv.resource;
  if (r.namespaced ? asGet.namespace === undefined && asGet.name !== undefined : asGet.namespace !== undefined) return false;
  if (asGet.subresource === undefined) return true;
  if (asGet.name === undefined) return false;
  return asGet.subresource === 'finalize' ? r.plural === 'namespaces' : Boolean((r.subresources as Record<string, unknown>)[asGet.subresource]);
}

function plain(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
