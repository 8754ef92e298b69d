/** Who is asking: Kubernetes' user.Info, and the well-known users and groups. */

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Members bypass authorization, as kube-apiserver's privileged group. */
export const MASTERS = 'system:masters';
export const AUTHENTICATED = 'system:authenticated';
export const SERVICE_ACCOUNTS = 'system:serviceaccounts';
/** Nodes are `system:node:NAME` in `system:nodes` (their client certificates say so). */
export const NODE_USER_PREFIX = 'system:node:';
export const NODES = 'system:nodes';

/** The node a user is, or undefined: Kubernetes' NodeIdentifier (name prefix and group both). */
export function nodeOf(user: UserInfo): string | undefined {
  if (!user.name.startsWith(NODE_USER_PREFIX) || !user.groups.includes(NODES)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length) || undefined;
}
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** `system:serviceaccount:NS:NAME` → [NS, NAME], or undefined for other users. */
export function serviceAccountOf(user: string): [string, string] | undefined {
  if (!user.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = user.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return [parts[0], parts[1]];
}

/** The groups a service account user is in (besides `system:authenticated`). */
export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS, `${SERVICE_ACCOUNTS}:${namespace}`];
}
