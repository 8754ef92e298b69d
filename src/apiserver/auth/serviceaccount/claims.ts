/**
 * The claims of service-account tokens, as Kubernetes' pkg/serviceaccount/claims.go writes them.
 *
 * Bound tokens (TokenRequest, projected volumes) carry the standard claims and a private
 * `kubernetes.io` claim naming the namespace, the account and what the token is bound to (a pod,
 * with its node, or a secret); they expire. Legacy tokens (the `kubernetes.io/service-account-token`
 * Secrets) carry flat `kubernetes.io/serviceaccount/*` claims, the issuer
 * `kubernetes/serviceaccount`, and never expire: they live as long as their Secret.
 */
import { randomUUID } from 'node:crypto';
import { SERVICE_ACCOUNT_PREFIX } from '../user.js';

export interface ObjectRef {
  readonly name: string;
  readonly uid: string;
}

export interface KubernetesClaim {
  readonly namespace: string;
  readonly serviceaccount: ObjectRef;
  readonly pod?: ObjectRef;
  readonly secret?: ObjectRef;
  readonly node?: ObjectRef;
  /** Seconds since the epoch after which using the token is logged as stale (the extended
   * expiry of projected tokens). */
  readonly warnafter?: number;
}

export interface BoundClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number;
  readonly jti: string;
  readonly 'kubernetes.io': KubernetesClaim;
}

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export interface LegacyClaims {
  readonly iss: typeof LEGACY_ISSUER;
  readonly sub: string;
  readonly 'kubernetes.io/serviceaccount/namespace': string;
  readonly 'kubernetes.io/serviceaccount/secret.name': string;
  readonly 'kubernetes.io/serviceaccount/service-account.name': string;
  readonly 'kubernetes.io/serviceaccount/service-account.uid': string;
}

/** `system:serviceaccount:NS:NAME`. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

export interface BoundClaimsInput {
  readonly issuer: string;
  readonly namespace: string;
  readonly serviceAccount: ObjectRef;
  readonly audiences: readonly string[];
  /** Lifetime in seconds from `now`. */
  readonly expirationSeconds: number;
  readonly now?: Date;
  readonly pod?: ObjectRef;
  readonly secret?: ObjectRef;
  readonly node?: ObjectRef;
  /** Seconds from `now` after which use is only warned about (0: none). */
  readonly warnAfterSeconds?: number;
}

export function boundClaims(i: BoundClaimsInput): BoundClaims {
  const now = Math.floor((i.now ?? new Date()).getTime() / 1000);
  const k: KubernetesClaim = {
    namespace: i.namespace,
    serviceaccount: { name: i.serviceAccount.name, uid: i.serviceAccount.uid },
    ...(i.pod ? { pod: { name: i.pod.name, uid: i.pod.uid } } : {}),
    ...(i.secret ? { secret: { name: i.secret.name, uid: i.secret.uid } } : {}),
    ...(i.node ? { node: { name: i.node.name, uid: i.node.uid } } : {}),
    ...(i.warnAfterSeconds ? { warnafter: now + i.warnAfterSeconds } : {}),
  };
  return {
    iss: i.issuer,
    sub: serviceAccountUsername(i.namespace, i.serviceAccount.name),
    aud: [...i.audiences],
    exp: now + i.expirationSeconds,
    iat: now,
    nbf: now,
    jti: randomUUID(),
    'kubernetes.io': k,
  };
}

export function legacyClaims(namespace: string, serviceAccount: ObjectRef, secretName: string): LegacyClaims {
  return {
    iss: LEGACY_ISSUER,
    sub: serviceAccountUsername(namespace, serviceAccount.name),
    'kubernetes.io/serviceaccount/namespace': namespace,
    'kubernetes.io/serviceaccount/secret.name': secretName,
    'kubernetes.io/serviceaccount/service-account.name': serviceAccount.name,
    'kubernetes.io/serviceaccount/service-account.uid': serviceAccount.uid,
  };
}
