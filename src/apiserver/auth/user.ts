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
