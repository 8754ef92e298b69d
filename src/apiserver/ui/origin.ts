/**
 * Cross-site request checks for the web view. The session cookie is SameSite=Strict, so browsers
 * do not send it with cross-site requests at all; these checks are the second lock: a request
 * that changes state must say it comes from this origin (Origin, Fetch Metadata) and echo the
 * session's CSRF token, which only the UI's own pages can read.
 */
import type { IncomingMessage } from 'node:http';
import { ForbiddenError } from '../../api/errors.js';
import { csrfMatches, type UiSession } from './sessions.js';

const safeMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return safeMethods.has(method);
}

/** Whether the browser says the request comes from a page of this server's own origin. Clients
 * that are not browsers send neither header, and are no cross-site risk. */
export function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host ?? (req.headers as Record<string, string | undefined>)[':authority'];
  return host !== undefined && origin === `https://${host}`;
}

/** Throws 403 unless a state-changing request on a UI session is same-origin with its CSRF token. */
export function checkCsrf(req: IncomingMessage, method: string, session: UiSession): void {
  if (isSafeMethod(method)) return;
  if (!sameOrigin(req)) throw new ForbiddenError('cross-site request refused: the web view only accepts requests from its own pages');
  if (!csrfMatches(session, req.headers['x-csrf-token'])) {
    throw new ForbiddenError('missing or wrong X-CSRF-Token: state-changing requests of a web view session must carry the session\'s CSRF token');
  }
}
