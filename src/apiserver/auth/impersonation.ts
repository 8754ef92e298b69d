/**
 * Impersonation (`Impersonate-User`, `Impersonate-Group` headers, kubectl `--as`/`--as-group`):
 * the caller needs the `impersonate` verb on each `users`, `groups` (or `serviceaccounts` in the
 * account's namespace) it asks to act as; the request then runs as that identity, with
 * `system:authenticated` (and a service account's groups) added as Kubernetes adds them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestError } from '../../api/errors.js';
import { forbidden, type Attributes } from './attributes.js';
import { AUTHENTICATED, serviceAccountGroups, serviceAccountOf, type UserInfo } from './user.js';

function headerValues(h: string | string[] | undefined): string[] {
  if (h === undefined) return [];
  return (Array.isArray(h) ? h : h.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** The identity a request acts as: `user` itself without impersonation headers. Throws 403 when
 * `authorize` refuses an impersonation. */
export function impersonate(user: UserInfo, headers: IncomingHttpHeaders, authorize: (a: Attributes) => boolean): UserInfo {
  const asUser = headers['impersonate-user'];
  const groups = headerValues(headers['impersonate-group']);
  if (asUser === undefined && groups.length === 0) return user;
  if (asUser === undefined || Array.isArray(asUser) || asUser === '') {
    throw new BadRequestError('requested impersonation of groups without impersonating a user');
  }
  const check = (resource: string, name: string, namespace = ''): void => {
    const a: Attributes = { user, resourceRequest: true, verb: 'impersonate', namespace, group: '', version: 'v1', resource, subresource: '', name };
    if (!authorize(a)) throw forbidden(a);
  };
  const sa = serviceAccountOf(asUser);
  const out: string[] = [];
  if (sa) {
    check('serviceaccounts', sa[1], sa[0]);
    out.push(...serviceAccountGroups(sa[0]));
  } else {
    check('users', asUser);
  }
  for (const g of groups) {
    check('groups', g);
    if (!out.includes(g)) out.push(g);
  }
  if (!out.includes(AUTHENTICATED)) out.push(AUTHENTICATED);
  return { name: asUser, groups: out };
}
