/**
 * The service-account token authenticator (Kubernetes' pkg/serviceaccount jwt.go and claims.go /
 * legacy.go validators): a signed token of a known issuer, meant for one of the audiences asked
 * for, not expired, whose account — and pod or secret, when bound to one — still exists with the
 * uid in the token, authenticates as `system:serviceaccount:NS:NAME` in `system:serviceaccounts`
 * and `system:serviceaccounts:NS`. Bound objects are read from the watch cache, falling back to
 * the store for one written a moment ago.
 */
import type { ResourceType } from '../../../api/resources.js';
import { nodes, pods, secrets, serviceAccounts } from '../../../api/resources.js';
import type { KubeObject } from '../../../api/types.js';
import { AUTHENTICATED, serviceAccountGroups, type UserInfo } from '../user.js';
import { LEGACY_ISSUER, serviceAccountUsername, type KubernetesClaim } from './claims.js';
import type { TokenSigner } from './issuer.js';

/** An object by resource, namespace and name, or undefined when there is none. */
export type ObjectLookup = (resource: ResourceType, namespace: string | undefined, name: string) => Promise<KubeObject | undefined>;

export interface TokenAuthentication {
  /** Set when the token authenticates. */
  readonly user?: UserInfo;
  /** Why a token of ours does not (TokenReview's status.error). */
  readonly error?: string;
  /** The audiences the token was accepted for. */
  readonly audiences?: readonly string[];
}

/** go-jose's default leeway for exp and nbf. */
const LEEWAY_SECONDS = 60;

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function ref(v: unknown): { name: string; uid: string } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  return { name: str(r['name']), uid: str(r['uid']) };
}

/** Whether a bound object counts as deleted: gone a minute past its deletion time (pods keep
 * their token through their grace period, as kube-apiserver's validator allows). */
function deleted(obj: KubeObject, nowMs: number): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return ts !== undefined && Date.parse(ts) < nowMs - LEEWAY_SECONDS * 1000;
}

export class ServiceAccountAuthenticator {
  constructor(
    private readonly signer: TokenSigner,
    /** `--service-account-issuer` values accepted (the first is the one tokens are issued with). */
    private readonly issuers: readonly string[],
    /** `--api-audiences` (default: the issuer). */
    readonly apiAudiences: readonly string[],
    private readonly lookup: ObjectLookup,
  ) {}

  /**
   * Undefined when the token is not a service-account token of this server (another
   * authenticator may know it); otherwise the user or why not. `audiences` are those the
   * caller identifies as (TokenReview's spec.audiences), the API server's by default.
   */
  async authenticate(token: string, audiences: readonly string[] = this.apiAudiences, nowMs = Date.now()): Promise<TokenAuthentication | undefined> {
    const claims = await this.signer.verify(token);
    if (!claims) return undefined;
    const iss = str(claims['iss']);
    if (iss === LEGACY_ISSUER) return this.legacy(token, claims, audiences);
    if (!this.issuers.includes(iss)) return undefined;
    const tokenAuds = Array.isArray(claims['aud']) ? claims['aud'].map(str) : [str(claims['aud'])];
    const accepted = audiences.filter((a) => tokenAuds.includes(a));
    if (accepted.length === 0) return { error: `token audiences ${JSON.stringify(tokenAuds)} is invalid for the target audiences ${JSON.stringify(audiences)}` };
    const now = Math.floor(nowMs / 1000);
    const exp = claims['exp'];
    if (typeof exp !== 'number' || now > exp + LEEWAY_SECONDS) return { error: 'service account token has expired' };
    const nbf = claims['nbf'];
    if (typeof nbf === 'number' && now < nbf - LEEWAY_SECONDS) return { error: 'service account token is not valid yet' };
    const k = claims['kubernetes.io'] as Partial<KubernetesClaim> | undefined;
    const namespace = str(k?.namespace);
    const sa = ref(k?.serviceaccount);
    if (!namespace || !sa?.name) return { error: 'service account token claims could not be validated due to unexpected private claim' };
    const account = await this.lookup(serviceAccounts, namespace, sa.name);
    if (!account || deleted(account, nowMs)) return { error: `service account ${namespace}/${sa.name} has been deleted` };
    if (account.metadata.uid !== sa.uid) return { error: `service account UID (${sa.uid}) does not match claim (${account.metadata.uid ?? ''})` };
    const extra: Record<string, string[]> = {};
    const secretRef = ref(k?.secret);
    if (secretRef) {
      const secret = await this.lookup(secrets, namespace, secretRef.name);
      if (!secret || deleted(secret, nowMs)) return { error: `secret ${namespace}/${secretRef.name} has been deleted` };
      if (secret.metadata.uid !== secretRef.uid) return { error: `secret UID (${secretRef.uid}) does not match service account secret ref claim (${secret.metadata.uid ?? ''})` };
    }
    const podRef = ref(k?.pod);
    if (podRef) {
      const pod = await this.lookup(pods, namespace, podRef.name);
      if (!pod || deleted(pod, nowMs)) return { error: `pod ${namespace}/${podRef.name} has been deleted` };
      if (pod.metadata.uid !== podRef.uid) return { error: `pod UID (${podRef.uid}) does not match service account pod ref claim (${pod.metadata.uid ?? ''})` };
      extra[EXTRA_POD_NAME] = [podRef.name];
      extra[EXTRA_POD_UID] = [podRef.uid];
    }
    const nodeRef = ref(k?.node);
    if (nodeRef) {
      // A pod-bound token names its node for information; only a node-bound one needs the node.
      if (!podRef) {
        const node = await this.lookup(nodes, undefined, nodeRef.name);
        if (!node || deleted(node, nowMs)) return { error: `node ${nodeRef.name} has been deleted` };
        if (node.metadata.uid !== nodeRef.uid) return { error: `node UID (${nodeRef.uid}) does not match service account node ref claim (${node.metadata.uid ?? ''})` };
      }
      extra[EXTRA_NODE_NAME] = [nodeRef.name];
      if (nodeRef.uid) extra[EXTRA_NODE_UID] = [nodeRef.uid];
    }
    const jti = str(claims['jti']);
    if (jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${jti}`];
    return { user: this.user(namespace, sa.name, sa.uid, extra), audiences: accepted };
  }

  /** Secret-based tokens: valid while the Secret holds this very token for the account's uid. */
  private async legacy(token: string, claims: Record<string, unknown>, audiences: readonly string[]): Promise<TokenAuthentication> {
    const namespace = str(claims['kubernetes.io/serviceaccount/namespace']);
    const secretName = str(claims['kubernetes.io/serviceaccount/secret.name']);
    const saName = str(claims['kubernetes.io/serviceaccount/service-account.name']);
    const saUid = str(claims['kubernetes.io/serviceaccount/service-account.uid']);
    if (!namespace || !secretName || !saName || !saUid) return { error: 'service account token claims could not be validated' };
    const secret = await this.lookup(secrets, namespace, secretName);
    if (!secret || secret.metadata.deletionTimestamp) return { error: `secret ${namespace}/${secretName} has been deleted` };
    const data = (secret as KubeObject & { data?: Record<string, string> }).data ?? {};
    if (Buffer.from(data['token'] ?? '', 'base64').toString('utf8') !== token) return { error: 'token does not match the secret' };
    const account = await this.lookup(serviceAccounts, namespace, saName);
    if (!account || account.metadata.deletionTimestamp) return { error: `service account ${namespace}/${saName} has been deleted` };
    if (account.metadata.uid !== saUid) return { error: `service account UID (${saUid}) does not match claim (${account.metadata.uid ?? ''})` };
    return { user: this.user(namespace, saName, saUid, {}), audiences: [...audiences] };
  }

  private user(namespace: string, name: string, uid: string, extra: Record<string, string[]>): UserInfo {
    return {
      name: serviceAccountUsername(namespace, name),
      uid,
      groups: [...serviceAccountGroups(namespace), AUTHENTICATED],
      ...(Object.keys(extra).length ? { extra } : {}),
    };
  }
}
