/**
 * Who may do what: the authentication and authorization chain, built once at server start.
 * Authenticators turn a request into a user (bearer tokens today); impersonation may swap it;
 * then `system:masters` pass (kube-apiserver's privileged group) and RBAC decides for the rest.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { UnauthorizedError } from '../../api/errors.js';
import type { RequestInfo } from '../http/requestinfo.js';
import { forbidden, requestAttributes, type Attributes } from './attributes.js';
import { impersonate } from './impersonation.js';
import type { RbacAuthorizer, Decision } from './rbac/authorizer.js';
import { isPublic, type Authenticator } from './tokens.js';
import { MASTERS, type UserInfo } from './user.js';

export { Authenticator, ensureTokens, identityOf, isPublic, newToken, NODE_JOINERS, VIEWERS, type Role, type TokenEntry } from './tokens.js';
export type { UserInfo } from './user.js';
export { runAs, runAsServer, requestUser } from './context.js';

/**
 * Whether the registry must know who writes (the RBAC escalation checks): only for writes of RBAC
 * objects by users outside `system:masters`. Every other request runs without the request-scoped
 * store, so the async-context machinery costs nothing on the hot paths.
 */
export function writerMatters(user: UserInfo | undefined, info: RequestInfo): user is UserInfo {
  return user !== undefined && info.kind === 'resource' && info.group === 'rbac.authorization.k8s.io' &&
    info.verb !== 'get' && info.verb !== 'list' && info.verb !== 'watch' && !user.groups.includes(MASTERS);
}
export type { Attributes } from './attributes.js';

const allow: Decision = { allowed: true, reason: '' };

export class AuthChain {
  constructor(
    readonly authenticator: Authenticator,
    readonly rbac: RbacAuthorizer,
    readonly mode: 'RBAC' | 'AlwaysAllow' = 'RBAC',
  ) {}

  authorize(a: Attributes): Decision {
    if (this.mode === 'AlwaysAllow' || a.user.groups.includes(MASTERS)) return allow;
    return this.rbac.authorize(a);
  }

  /**
   * The user a request acts as, once authenticated, impersonated and authorized; undefined only
   * for the public paths. Throws UnauthorizedError (401) or ForbiddenError (403).
   */
  admit(headers: IncomingHttpHeaders, info: RequestInfo, method: string, path: string): UserInfo | undefined {
    const authn = this.authenticator.authenticate(headers.authorization);
    if (!authn) {
      if (isPublic(path)) return undefined;
      throw new UnauthorizedError();
    }
    const user = headers['impersonate-user'] !== undefined || headers['impersonate-group'] !== undefined
      ? impersonate(authn, headers, (a) => this.authorize(a).allowed)
      : authn;
    if (isPublic(path)) return user;
    const a = requestAttributes(user, info, method);
    const d = this.authorize(a);
    if (!d.allowed) throw forbidden(a, d.reason);
    return user;
  }
}
