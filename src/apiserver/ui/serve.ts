/**
 * The web view's own routes under `/ui/`: its static files, and the session resource —
 * `POST /ui/session` signs in (a bearer token in the body, or the browser's client certificate),
 * `GET /ui/session` says who is signed in (and hands the page its CSRF token), `DELETE` signs out.
 * Everything the pages show comes from the ordinary API paths, as the signed-in user.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ForbiddenError, MethodNotAllowedError, NoResourceError, UnauthorizedError } from '../../api/errors.js';
import { connectionUser, type AuthChain } from '../auth/index.js';
import { readBody } from '../http/body.js';
import { sessionCookie, setSessionCookie, clearSessionCookie } from './cookies.js';
import { checkCsrf, sameOrigin } from './origin.js';
import { staticFile } from './static.js';
import type { UiSession, UiSessions } from './sessions.js';

/** The strictest policy the pages work under: their own scripts and styles, nothing inline,
 * never framed. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function isUiPath(pathname: string): boolean {
  return pathname === '/ui' || pathname.startsWith('/ui/');
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

export async function serveUi(sessions: UiSessions, auth: AuthChain, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const method = req.method ?? 'GET';
  securityHeaders(res);
  if (pathname === '/ui') {
    res.writeHead(301, { Location: '/ui/' });
    res.end();
    return;
  }
  const name = pathname.slice('/ui/'.length);
  if (name === 'session') return serveSession(sessions, auth, req, res, method);
  if (method !== 'GET' && method !== 'HEAD') throw new MethodNotAllowedError();
  const file = staticFile(name === '' ? 'index.html' : name);
  if (!file) throw new NoResourceError();
  res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length, 'Cache-Control': 'no-cache' });
  res.end(method === 'HEAD' ? undefined : file.body);
}

async function serveSession(sessions: UiSessions, auth: AuthChain, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  const current = sessions.lookup(sessionCookie(req.headers));
  switch (method) {
    case 'GET':
      if (!current) throw new UnauthorizedError();
      return answer(res, 200, current);
    case 'DELETE':
      if (current) {
        checkCsrf(req, method, current);
        sessions.end(current.id);
      }
      res.setHeader('Set-Cookie', clearSessionCookie());
      return answer(res, 200, undefined);
    case 'POST':
      return signIn(sessions, auth, req, res);
    default:
      throw new MethodNotAllowedError();
  }
}

/** Signs in. Refused cross-site (login CSRF would sign a victim into the attacker's account). */
async function signIn(sessions: UiSessions, auth: AuthChain, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!sameOrigin(req)) throw new ForbiddenError('cross-site request refused: sign in from the web view\'s own page');
  const text = await readBody(req, 64 * 1024);
  let body: { token?: unknown; idleSeconds?: unknown };
  try {
    body = text.trim() === '' ? {} : (JSON.parse(text) as { token?: unknown });
  } catch {
    throw new BadRequestError('the sign-in body must be JSON: {"token": "..."}');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('the sign-in body must be JSON: {"token": "..."}');
  const unknown = Object.keys(body).filter((k) => k !== 'token' && k !== 'idleSeconds');
  if (unknown.length) throw new BadRequestError(`unknown field${unknown.length > 1 ? 's' : ''} in the sign-in body: ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: "token", "idleSeconds")`);
  const idle = body.idleSeconds;
  if (idle !== undefined && (typeof idle !== 'number' || !Number.isFinite(idle) || idle <= 0)) throw new BadRequestError('idleSeconds must be a positive number');
  const idleMs = idle === undefined ? undefined : idle * 1000;
  let session: UiSession;
  if (body.token !== undefined && body.token !== '') {
    if (typeof body.token !== 'string') throw new BadRequestError('token must be a string');
    const token = body.token.trim();
    const authn = await auth.authenticateToken(token);
    if (!authn?.user) throw new UnauthorizedError();
    session = sessions.create(authn.user, { token }, idleMs);
  } else {
    const certUser = connectionUser(req.socket);
    if (!certUser) throw new UnauthorizedError();
    session = sessions.create(certUser, { certUser }, idleMs);
  }
  res.setHeader('Set-Cookie', setSessionCookie(session.id));
  answer(res, 201, session);
}

function answer(res: ServerResponse, code: number, s: UiSession | undefined): void {
  const body = s
    ? { user: s.user.name, groups: s.user.groups, csrfToken: s.csrf, idleSeconds: s.idleMs / 1000, via: s.token !== undefined ? 'token' : 'certificate' }
    : {};
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
