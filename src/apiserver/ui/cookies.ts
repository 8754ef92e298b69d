/** The web view's session cookie: read from a request, and the Set-Cookie that sets or clears it. */
import type { IncomingHttpHeaders } from 'node:http';

/** `__Host-` binds the cookie to this origin: Secure, Path=/ and no Domain, or browsers refuse it. */
export const SESSION_COOKIE = '__Host-skiff-ui';

export function sessionCookie(headers: IncomingHttpHeaders): string | undefined {
  const raw = headers.cookie;
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A session cookie: not readable by scripts, sent only over TLS and never with cross-site requests. */
export function setSessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; Secure; SameSite=Strict`;
}

export function clearSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;
}
