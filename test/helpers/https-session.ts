/** HTTPS requests to a test API server as a browser would make them for the web view: with a
 * session cookie, Origin and CSRF headers chosen by the test. */
import https from 'node:https';
import type { ApiServer } from '../../src/apiserver/index.js';
import type { KeyAndCert } from '../../src/apiserver/certs.js';

export interface SessionResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** `client` presents a client certificate on the connection. */
export function sessionRequest(server: ApiServer, method: string, path: string, headers: Record<string, string> = {}, body?: string, client?: KeyAndCert): Promise<SessionResponse> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: u.hostname, port: Number(u.port), method, path, ca: server.caCert, ...(client ?? {}), headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.once('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body);
  });
}

/** Signs in with a token; the cookie pair (`name=value`) and the session's CSRF token. */
export async function signIn(server: ApiServer, token: string, extra: Record<string, unknown> = {}): Promise<{ cookie: string; csrf: string; user: string }> {
  const res = await sessionRequest(server, 'POST', '/ui/session', {}, JSON.stringify({ token, ...extra }));
  if (res.status !== 201) throw new Error(`sign-in: ${res.status} ${res.body}`);
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = set[0]!.split(';')[0]!;
  const body = JSON.parse(res.body) as { csrfToken: string; user: string };
  return { cookie, csrf: body.csrfToken, user: body.user };
}
