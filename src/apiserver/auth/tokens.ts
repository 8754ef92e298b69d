/**
 * Authentication by bearer token. Tokens live in the data dir (`tokens.json`); the first start
 * creates an admin token (for the kubeconfig) and a join token (role `node`, for agents). An entry
 * names a user and either a legacy role, which maps onto groups that the bootstrap policy binds, or
 * groups of its own (how tests and operators add users). No anonymous access, except the health
 * and version endpoints that Kubernetes also leaves public.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AUTHENTICATED, MASTERS, type UserInfo } from './user.js';
import { tightenFile } from '../../util/private-files.js';

export type Role = 'admin' | 'view' | 'node';

export interface TokenEntry {
  readonly token: string;
  readonly user: string;
  readonly role?: Role;
  /** Groups besides those of the role (and `system:authenticated`, which every user has). */
  readonly groups?: readonly string[];
}

/** The group bootstrap (join) tokens are in: they may only ask for a node's client certificate. */
export const BOOTSTRAPPERS = 'system:bootstrappers';
/** The group the node join token is in besides (kubeadm's default-node-token group). */
export const NODE_JOINERS = 'system:bootstrappers:skiff-node-joiners';
/** The group `view` tokens are in; bound to the `view` ClusterRole. */
export const VIEWERS = 'skiff:viewers';

const roleGroups: Readonly<Record<Role, readonly string[]>> = {
  admin: [MASTERS],
  view: [VIEWERS],
  node: [BOOTSTRAPPERS, NODE_JOINERS],
};

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

/** The identity a token entry stands for. */
export function identityOf(t: TokenEntry): UserInfo {
  const groups = [...((t.role && roleGroups[t.role]) || []), ...(t.groups ?? [])];
  if (!groups.includes(AUTHENTICATED)) groups.push(AUTHENTICATED);
  return { name: t.user, groups };
}

export class Authenticator {
  private readonly byToken: Map<string, UserInfo>;

  constructor(tokens: readonly TokenEntry[]) {
    this.byToken = new Map(tokens.map((t) => [t.token, identityOf(t)]));
  }

  /** The user behind an Authorization header, or undefined. */
  authenticate(header: string | undefined): UserInfo | undefined {
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

/** Paths served without authentication. */
export function isPublic(path: string): boolean {
  return publicPaths.has(path);
}
