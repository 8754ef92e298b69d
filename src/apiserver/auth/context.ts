/**
 * The user a request acts as, carried through the registry pipeline (Kubernetes' request
 * context): the RBAC registry's escalation checks read it. The server's own writes (bootstrap
 * policy, aggregation) run outside any request and carry no user, so they are not checked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserInfo } from './user.js';

const current = new AsyncLocalStorage<UserInfo>();

export function runAs<T>(user: UserInfo, fn: () => T): T {
  return current.run(user, fn);
}

/** Runs `fn` as the server itself (no request user). */
export function runAsServer<T>(fn: () => T): T {
  return current.exit(fn);
}

export function requestUser(): UserInfo | undefined {
  return current.getStore();
}
