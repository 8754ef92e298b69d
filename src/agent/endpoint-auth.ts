/**
 * Who may use the node endpoint, as kubelet decides it: the caller is the client certificate it
 * presented (chaining to the cluster CA, allowing client auth — no bearer tokens here), and what
 * it may do is asked of the API server with a SubjectAccessReview on the node's `nodes/proxy`
 * (logs, exec, attach) or `nodes/log` subresource. Answers are cached as kubelet's webhook
 * authorizer does: allowed for 5 minutes, denied for 30 seconds.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { subjectAccessReviews } from '../api/resources.js';
import type { RestClient } from '../client/rest.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ALLOWED_TTL_MS = 5 * 60_000;
const DENIED_TTL_MS = 30_000;

export interface Caller {
  readonly name: string;
  readonly groups: readonly string[];
}

export interface Refusal {
  readonly code: 401 | 403;
  readonly message: string;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The identity of the verified client certificate on `socket`, if any. */
export function callerOf(socket: unknown): Caller | undefined {
  const s = socket as TLSSocket;
  if (!s || typeof s.getPeerCertificate !== 'function' || !s.authorized) return undefined;
  const cert = s.getPeerCertificate();
  const usages = (cert as { ext_key_usage?: string[] }).ext_key_usage;
  if (!cert?.subject || (usages && !usages.includes(CLIENT_AUTH))) return undefined;
  const name = list(cert.subject.CN)[0];
  if (!name) return undefined;
  return { name, groups: [...list(cert.subject.O), 'system:authenticated'] };
}

const verbs: Readonly<Record<string, string>> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** kubelet's request → attributes mapping, for the paths skiff's endpoint serves. */
export function endpointAttributes(method: string, path: string): { verb: string; subresource: string } {
  const under = (p: string) => path === p || path.startsWith(`${p}/`);
  const subresource = under('/logs') ? 'log' : under('/stats') ? 'stats' : under('/metrics') ? 'metrics' : 'proxy';
  return { verb: verbs[method.toUpperCase()] ?? 'get', subresource };
}

export class EndpointAuthorizer {
  private readonly cache = new Map<string, { allowed: boolean; until: number }>();

  constructor(private readonly client: RestClient, private readonly nodeName: string) {}

  /** Undefined when `req` may go on; why not otherwise. */
  async check(req: IncomingMessage): Promise<Refusal | undefined> {
    const caller = callerOf(req.socket);
    if (!caller) return { code: 401, message: 'Unauthorized' };
    const { verb, subresource } = endpointAttributes(req.method ?? 'GET', new URL(req.url ?? '/', 'https://node').pathname);
    if (await this.allowed(caller, verb, subresource)) return undefined;
    return { code: 403, message: `Forbidden (user=${caller.name}, verb=${verb}, resource=nodes, subresource=${subresource})` };
  }

  private async allowed(caller: Caller, verb: string, subresource: string): Promise<boolean> {
    const key = JSON.stringify([caller.name, caller.groups, verb, subresource]);
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.allowed;
    const review = await this.client.create(subjectAccessReviews, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: { user: caller.name, groups: [...caller.groups], resourceAttributes: { verb, resource: 'nodes', subresource, name: this.nodeName } },
    } as never).catch(() => undefined) as { status?: { allowed?: boolean } } | undefined;
    if (!review) return false; // the API server could not be asked: refused, not cached
    const allowed = review.status?.allowed === true;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(key, { allowed, until: Date.now() + (allowed ? ALLOWED_TTL_MS : DENIED_TTL_MS) });
    return allowed;
  }
}
