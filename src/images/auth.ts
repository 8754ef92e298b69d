/**
 * Registry authentication as the distribution spec describes it: a 401 carries a
 * `WWW-Authenticate` challenge; for `Bearer` we ask the named token service (realm) for a token
 * for the service and scope, sending Basic credentials when we have them; for `Basic` we send the
 * credentials themselves. Tokens are cached until shortly before they expire.
 */
import { createHash } from 'node:crypto';
import { AuthError } from './errors.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** `Bearer realm="https://auth",service="reg",scope="repository:x:pull"` → challenges (several may share one header). */
export function parseChallenges(header: string): Challenge[] {
  const out: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skip = (chars: string) => {
    while (i < header.length && chars.includes(header[i]!)) i++;
  };
  const token = () => {
    const start = i;
    while (i < header.length && !' \t,="'.includes(header[i]!)) i++;
    return header.slice(start, i);
  };
  while (i < header.length) {
    skip(' \t,');
    const word = token();
    if (!word) break;
    skip(' \t');
    if (header[i] !== '=') {
      out.push({ scheme: word.toLowerCase(), params: {} });
      continue;
    }
    i++;
    skip(' \t');
    let value = '';
    if (header[i] === '"') {
      for (i++; i < header.length && header[i] !== '"'; i++) value += header[i] === '\\' ? (header[++i] ?? '') : header[i];
      i++;
    } else {
      value = token();
    }
    const current = out[out.length - 1];
    if (current) current.params[word.toLowerCase()] = value;
  }
  return out;
}

/** Tells credentials apart in in-memory cache keys (a token or header got with one user name and
 * password is never handed to a request made with other credentials, or none). */
export function credentialKey(c: Credentials | undefined): string {
  return c ? createHash('sha256').update(`${c.username}\u0000${c.password}`).digest('hex') : '';
}

export function basicAuth(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

interface CachedToken {
  readonly header: string;
  readonly expires: number;
}

/** Tokens by realm, service, scope and the credentials they were issued for. */
export class TokenCache {
  readonly #tokens = new Map<string, CachedToken>();

  constructor(readonly timeoutMs: number) {}

  /** The Authorization header that answers `challenge` for `scope`. */
  async authorize(challenge: Challenge, scope: string, creds: Credentials | undefined): Promise<string> {
    if (challenge.scheme === 'basic') {
      if (!creds) throw new AuthError('the registry wants a user name and password (Basic auth) and none are configured', 401);
      return basicAuth(creds);
    }
    if (challenge.scheme !== 'bearer') throw new AuthError(`unsupported auth scheme "${challenge.scheme}"`, 401);
    const realm = challenge.params.realm;
    if (!realm) throw new AuthError('Bearer challenge without a realm', 401);
    const service = challenge.params.service ?? '';
    const wanted = challenge.params.scope ?? scope;
    const key = `${realm}\n${service}\n${wanted}\n${credentialKey(creds)}`;
    const cached = this.#tokens.get(key);
    if (cached && cached.expires > Date.now()) return cached.header;
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    if (wanted) url.searchParams.set('scope', wanted);
    let res: Response;
    try {
      res = await fetch(url, { headers: creds ? { authorization: basicAuth(creds) } : {}, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new AuthError(`token service ${url.origin} unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!res.ok) throw new AuthError(`token service ${url.origin} refused (HTTP ${res.status})`, res.status);
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new AuthError(`token service ${url.origin} answered without JSON`);
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new AuthError(`token service ${url.origin} answered without a token`);
    // The spec's default lifetime is 60 s; renew a little early.
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    const header = `Bearer ${token}`;
    this.#tokens.set(key, { header, expires: Date.now() + Math.max(1, lifetime - 10) * 1000 });
    return header;
  }
}
