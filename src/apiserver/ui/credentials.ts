/**
 * How a request made with a web view session authenticates: as the session's bearer token or
 * client certificate, through the same authentication and authorization chain as any client, so
 * RBAC sees the user who signed in. A request that carries its own Authorization header is not
 * a session request, whatever cookies it has.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../auth/index.js';
import { sessionCookie } from './cookies.js';
import { checkCsrf } from './origin.js';
import type { UiSessions } from './sessions.js';

export interface SessionCredentials {
  readonly headers: IncomingHttpHeaders;
  readonly certUser?: UserInfo;
}

/** The credentials a session cookie stands for, or undefined (no cookie, or an ended session:
 * the request is then as anonymous as one without it). Throws 403 on a cross-site write. */
export function sessionCredentials(sessions: UiSessions, req: IncomingMessage, res: ServerResponse, method: string): SessionCredentials | undefined {
  if (req.headers.authorization !== undefined) return undefined;
  const s = sessions.lookup(sessionCookie(req.headers));
  if (!s) return undefined;
  checkCsrf(req, method, s);
  // Held until the response ends, so signing out can cut a watch or log stream still open.
  const open = {
    destroy: () => {
      // An HTTP/2 response is ended through its stream.
      const stream = (res as unknown as { stream?: { destroy(): void } }).stream;
      if (stream) stream.destroy();
      else res.destroy();
    },
  };
  s.open.add(open);
  res.once('close', () => s.open.delete(open));
  if (s.token !== undefined) return { headers: { ...req.headers, authorization: `Bearer ${s.token}` } };
  return { headers: req.headers, ...(s.certUser ? { certUser: s.certUser } : {}) };
}
