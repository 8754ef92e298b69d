/**
 * Authentication by bearer token and authorization by role. Tokens live in the data dir
 * (`tokens.json`); the first start creates an admin token (for the kubeconfig) and a join token
 * (role `node`, for agents). No anonymous access, except the health and version endpoints that
 * Kubernetes also leaves public.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ForbiddenError, UnauthorizedError } from '../api/errors.js';
import type { RequestInfo } from './http/requestinfo.js';
import { tightenFile } from '../util/private-files.js';

export type Role = 'admin' | 'view' | 'node';

export interface TokenEntry {
  readonly token: string;
  readonly user: string;
  readonly role: Role;
}

export interface User {
  readonly name: string;
  readonly role: Role;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Reads `file`, creating it with an admin and a node token when absent. */
export function ensureTokens(file: string): TokenEntry[] {
  if (existsSync(file)) {
    tightenFile(file); // an older skiff wrote it with the umask's mode
    return JSON.parse(readFileSync(file, 'utf8')) as TokenEntry[];
  }
  const tokens: TokenEntry[] = [
    { token: newToken(), user: 'admin', role: 'admin' },
    { token: newToken(), user: 'system:node-joiner', role: 'node' },
  ];
  writeFileSync(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
  return tokens;
}

export class Authenticator {
  private readonly byToken: Map<string, User>;

  constructor(tokens: readonly TokenEntry[]) {
    this.byToken = new Map(tokens.map((t) => [t.token, { name: t.user, role: t.role }]));
  }

  /** The user behind an Authorization header, or undefined. */
  authenticate(header: string | undefined): User | undefined {
    if (!header) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return undefined;
    const given = Buffer.from(m[1]!);
    for (const [token, user] of this.byToken) {
      const t = Buffer.from(token);
      if (t.length === given.length && timingSafeEqual(t, given)) return user;
    }
    return undefined;
  }
}

const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

const readVerbs = new Set(['get', 'list', 'watch']);

/** What a node agent may write: its node and lease, pods' status, events; read everything. */
const nodeWritable = new Set(['nodes', 'leases', 'events', 'pods', 'endpoints']);

export function isPublic(path: string): boolean {
  return publicPaths.has(path);
}

/** Throws UnauthorizedError / ForbiddenError. */
export function authorize(user: User | undefined, info: RequestInfo, path: string): void {
  if (isPublic(path)) return;
  if (!user) throw new UnauthorizedError();
  if (user.role === 'admin') return;
  if (info.kind === 'other') return; // discovery, openapi, metrics: read-only
  if (readVerbs.has(info.verb)) return;
  if (user.role === 'node' && nodeWritable.has(info.resource)) return;
  const what = `${info.resource}${info.group ? '.' + info.group : ''}${info.subresource ? '/' + info.subresource : ''}`;
  throw new ForbiddenError(
    `${what}${info.name ? ` "${info.name}"` : ''} is forbidden: User "${user.name}" cannot ${info.verb} resource "${info.resource}" in API group "${info.group}"` +
      (info.namespace ? ` in the namespace "${info.namespace}"` : ''),
  );
}
