/**
 * Service accounts on the server side: the signing key, the token authenticator, TokenRequest,
 * and the ServiceAccount admission plugin, composed once from the server's options.
 */
import path from 'node:path';
import { NotFoundError } from '../../../api/errors.js';
import { serviceAccounts, type ResourceType } from '../../../api/resources.js';
import type { KubeObject } from '../../../api/types.js';
import type { Registry } from '../../registry/registry.js';
import { objectKey } from '../../registry/keys.js';
import type { WatchCacheHub } from '../../watchcache.js';
import { ServiceAccountAdmission } from './admission.js';
import { ServiceAccountAuthenticator, type ObjectLookup } from './authenticator.js';
import { DEFAULT_ISSUER, TokenSigner } from './issuer.js';
import { ensureSigningKeys } from './keys.js';
import { TokenRequests } from './tokenrequest.js';

export { ServiceAccountAuthenticator, type TokenAuthentication, type ObjectLookup, EXTRA_POD_NAME, EXTRA_POD_UID, EXTRA_NODE_NAME, EXTRA_NODE_UID, EXTRA_CREDENTIAL_ID } from './authenticator.js';
export { DEFAULT_ISSUER, TokenSigner, looksLikeJwt } from './issuer.js';
export { ensureSigningKeys, keyIdOf, type SigningKeys } from './keys.js';
export { boundClaims, legacyClaims, serviceAccountUsername, LEGACY_ISSUER, type BoundClaims, type LegacyClaims, type KubernetesClaim } from './claims.js';
export { TokenRequests, WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS, EXPIRATION_EXTENSION_SECONDS, DEFAULT_EXPIRATION_SECONDS } from './tokenrequest.js';
export {
  ServiceAccountAdmission, tokenVolume, DEFAULT_SERVICE_ACCOUNT, TOKEN_MOUNT_PATH, TOKEN_VOLUME_PREFIX, ROOT_CA_CONFIGMAP, SERVICE_ACCOUNT_PLUGIN,
} from './admission.js';

export interface ServiceAccountOptions {
  /** `--service-account-issuer`: the first signs, all are accepted (default the in-cluster URL). */
  readonly issuers?: readonly string[];
  /** `--api-audiences` (default: the first issuer). */
  readonly apiAudiences?: readonly string[];
  /** `--service-account-max-token-expiration` in seconds (default: no cap). */
  readonly maxTokenExpirationSeconds?: number;
  /** `--service-account-extend-token-expiration` (default true). */
  readonly extendTokenExpiration?: boolean;
}

export interface ServiceAccountAuth {
  readonly signer: TokenSigner;
  readonly issuer: string;
  readonly authenticator: ServiceAccountAuthenticator;
  readonly tokenRequests: TokenRequests;
  readonly admission: ServiceAccountAdmission;
}

/** Everything service accounts need on the server, the key made in `<dataDir>/pki` if absent. */
export function serviceAccountAuth(dataDir: string, hub: WatchCacheHub, registry: (r: ResourceType) => Registry, opts: ServiceAccountOptions = {}): ServiceAccountAuth {
  const signer = new TokenSigner(ensureSigningKeys(path.join(dataDir, 'pki')));
  const issuers = opts.issuers?.length ? opts.issuers : [DEFAULT_ISSUER];
  const issuer = issuers[0]!;
  const apiAudiences = opts.apiAudiences?.length ? opts.apiAudiences : [issuer];
  // The watch cache first; the store for what was written a moment ago.
  const lookup: ObjectLookup = async (r, namespace, name) => {
    const cached = hub.cacheFor(r).objects.get(objectKey(r, namespace, name));
    if (cached) return cached;
    try {
      return await registry(r).get(namespace, name);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  };
  const get = (r: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> => registry(r).get(namespace, name);
  return {
    signer,
    issuer,
    authenticator: new ServiceAccountAuthenticator(signer, issuers, apiAudiences, lookup),
    tokenRequests: new TokenRequests(signer, {
      issuer,
      apiAudiences,
      ...(opts.maxTokenExpirationSeconds !== undefined ? { maxExpirationSeconds: opts.maxTokenExpirationSeconds } : {}),
      ...(opts.extendTokenExpiration !== undefined ? { extendExpiration: opts.extendTokenExpiration } : {}),
    }, get),
    admission: new ServiceAccountAdmission((namespace, name) => lookup(serviceAccounts, namespace, name)),
  };
}
