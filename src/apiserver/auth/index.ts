/**
 * Who may do what: the authentication and authorization chain, built once at server start.
 * Authenticators turn a request into a user (static bearer tokens, then service-account JWTs,
 * which need the store and so answer asynchronously); impersonation may swap it; then
 * `system:masters` pass (kube-apiserver's privileged group) and RBAC decides for the rest.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { UnauthorizedError } from '../../api/errors.js';
import type { RequestInfo } from '../http/requestinfo.js';
import { forbidden, requestAttributes, type Attributes } from './attributes.js';
import { impersonate } from './impersonation.js';
import type { RbacAuthorizer, Decision } from './rbac/authorizer.js';
import { isPublic, type Authenticator } from './tokens.js';
import { MASTERS, NODE_USER_PREFIX, type UserInfo } from './user.js';
import type { ServiceAccountAuthenticator, TokenAuthentication } from './serviceaccount/authenticator.js';
import type { AdmitTrace } from '../audit/index.js';
import { looksLikeJwt } from './serviceaccount/issuer.js';
import type { NodeAuthorizer } from './node/authorizer.js';

export { Authenticator, BOOTSTRAPPERS, ensureTokens, identityOf, isPublic, newToken, NODE_JOINERS, VIEWERS, type Role, type TokenEntry } from './tokens.js';
export type { UserInfo } from './user.js';
export { runAs, runAsServer, requestUser } from './context.js';
export { connectionUser, tagConnection } from './x509.js';

/**
 * Whether the registry must know who writes: RBAC writes by users outside `system:masters`
 * (escalation checks), CSR writes (the requester is recorded, approvers checked) and every write
 * of a node (NodeRestriction). Every other request runs without the request-scoped store, so the
 * async-context machinery costs nothing on the hot paths.
 */
export function writerMatters(user: UserInfo | undefined, info: RequestInfo): user is UserInfo {
  if (user === undefined || info.kind !== 'resource' || info.verb === 'get' || info.verb === 'list' || info.verb === 'watch') return false;
  // A CSR records who asked for it; approving one needs the signer's approve permission.
  if (info.group === 'certificates.k8s.io') return true;
  // NodeRestriction judges every write of a node by the node it is.
  if (user.name.startsWith(NODE_USER_PREFIX)) return true;
  return info.group === 'rbac.authorization.k8s.io' && !user.groups.includes(MASTERS);
}
export type { Attributes } from './attributes.js';

const allow: Decision = { allowed: true, reason: '' };
const ANONYMOUS: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

export class AuthChain {
  constructor(
    readonly authenticator: Authenticator,
    readonly rbac: RbacAuthorizer,
    readonly mode: 'RBAC' | 'AlwaysAllow' = 'RBAC',
    readonly serviceAccounts?: ServiceAccountAuthenticator,
    readonly node?: NodeAuthorizer,
  ) {}

  /** Who a bearer token stands for (TokenReview asks this too); `audiences` default to the
   * API server's. Undefined when no authenticator knows the token. */
  async authenticateToken(token: string, audiences?: readonly string[]): Promise<TokenAuthentication | undefined> {
    const user = this.authenticator.authenticate(`Bearer ${token}`);
    if (user) return { user, audiences: audiences ?? this.serviceAccounts?.apiAudiences ?? [] };
    if (!this.serviceAccounts || !looksLikeJwt(token)) return undefined;
    return this.serviceAccounts.authenticate(token, audiences);
  }

  private async authenticate(header: string | undefined): Promise<UserInfo | undefined> {
    const user = this.authenticator.authenticate(header);
    if (user || !header) return user;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m || !this.serviceAccounts || !looksLikeJwt(m[1]!)) return undefined;
    return (await this.serviceAccounts.authenticate(m[1]!))?.user;
  }

  /** `--authorization-mode=Node,RBAC`: the first to allow wins; a denial carries every reason. */
  authorize(a: Attributes): Decision {
    if (this.mode === 'AlwaysAllow' || a.user.groups.includes(MASTERS)) return allow;
    const byNode = this.node?.authorize(a);
    if (byNode?.allowed) return allow;
    const d = this.rbac.authorize(a);
    if (d.allowed || !byNode?.reason) return d;
    return { allowed: false, reason: [byNode.reason, d.reason].filter(Boolean).join('\n') };
  }

  /**
   * The user a request acts as, once authenticated, impersonated and authorized; undefined only
   * for the public paths. Throws UnauthorizedError (401) or ForbiddenError (403). `trace` (the
   * audit log's) learns each step's answer as it is known. `certUser` is the identity of the
   * connection's client certificate, if it presented one the CA signed.
   */
  async admit(headers: IncomingHttpHeaders, info: RequestInfo, method: string, path: string, trace?: AdmitTrace, certUser?: UserInfo): Promise<UserInfo | undefined> {
    // A verified client certificate first, then bearer tokens: kube-apiserver's order.
    const authn = certUser ?? await this.authenticate(headers.authorization);
    if (!authn) {
      if (isPublic(path)) {
        // Served without credentials: kube-apiserver's anonymous user, as the audit log names it.
        if (trace) trace.user = ANONYMOUS;
        return undefined;
      }
      throw new UnauthorizedError();
    }
    if (trace) trace.user = authn;
    const user = headers['impersonate-user'] !== undefined || headers['impersonate-group'] !== undefined
      ? impersonate(authn, headers, (a) => this.authorize(a).allowed)
      : authn;
    if (trace && user !== authn) trace.impersonated = user;
    if (isPublic(path)) return user;
    const a = requestAttributes(user, info, method);
    const d = this.authorize(a);
    if (trace) trace.decision = d;
    if (!d.allowed) throw forbidden(a, d.reason);
    return user;
  }
}
