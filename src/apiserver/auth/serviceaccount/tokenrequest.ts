/**
 * TokenRequest (`POST .../serviceaccounts/NAME/token`, what `kubectl create token` and the node
 * agent ask): a signed token for the account, for the requested audiences (the API server's by
 * default) and lifetime (1 h by default, at least 10 min, capped by
 * `--service-account-max-token-expiration`), optionally bound to a pod, secret or node of the
 * account's namespace so that it dies with that object. As kube-apiserver's TokenREST, a
 * pod-bound token asked for with the projected volume's 3607 s lives a year
 * (`--service-account-extend-token-expiration`) and only warns after 3607 s; the status still
 * reports the requested expiry, which is when the agent refreshes it.
 */
import { BadRequestError, ConflictError, InvalidError } from '../../../api/errors.js';
import { isRecord, type KubeObject } from '../../../api/types.js';
import { nodes, pods, secrets, serviceAccounts, type ResourceType } from '../../../api/resources.js';
import { invalid } from '../../../api/validation/field.js';
import type { FieldError } from '../../../api/errors.js';
import { kubeTime } from '../../../api/time.js';
import { boundClaims, type ObjectRef } from './claims.js';
import type { TokenSigner } from './issuer.js';

/** Reads an object or throws the registry's NotFoundError. */
export type ObjectGetter = (resource: ResourceType, namespace: string | undefined, name: string) => Promise<KubeObject>;

/** The projected volume's lifetime, which kube-apiserver extends (pkg/serviceaccount). */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
export const EXPIRATION_EXTENSION_SECONDS = 365 * 24 * 60 * 60;
export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

export interface TokenRequestOptions {
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  /** `--service-account-max-token-expiration` in seconds (0: no cap). */
  readonly maxExpirationSeconds?: number;
  /** `--service-account-extend-token-expiration` (default true). */
  readonly extendExpiration?: boolean;
}

type Obj = Record<string, unknown>;

const GROUP = 'authentication.k8s.io';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function refOf(o: KubeObject): ObjectRef {
  return { name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' };
}

export class TokenRequests {
  constructor(private readonly signer: TokenSigner, private readonly opts: TokenRequestOptions, private readonly get: ObjectGetter) {}

  /** Answers a TokenRequest for `namespace/name`: the request, defaulted, with its status. */
  async create(namespace: string, name: string, body: unknown, now = new Date()): Promise<Obj> {
    if (!isRecord(body)) throw new BadRequestError('TokenRequest in version "v1" cannot be handled as a TokenRequest: the body must be an object');
    const meta = isRecord(body['metadata']) ? body['metadata'] : {};
    if (meta['name'] !== undefined && meta['name'] !== '' && meta['name'] !== name) {
      throw new InvalidError('TokenRequest', GROUP, name, [invalid('metadata.name', meta['name'], 'must match the service account name if specified')]);
    }
    if (meta['namespace'] !== undefined && meta['namespace'] !== '' && meta['namespace'] !== namespace) {
      throw new InvalidError('TokenRequest', GROUP, name, [invalid('metadata.namespace', meta['namespace'], 'must match the service account namespace if specified')]);
    }
    const account = await this.get(serviceAccounts, namespace, name);
    const spec: Obj = isRecord(body['spec']) ? { ...body['spec'] } : {};
    const audiences = Array.isArray(spec['audiences']) && spec['audiences'].length > 0 ? spec['audiences'].map(str) : [...this.opts.apiAudiences];
    const asked = spec['expirationSeconds'] === undefined || spec['expirationSeconds'] === null ? DEFAULT_EXPIRATION_SECONDS : spec['expirationSeconds'];
    if (typeof asked !== 'number' || !Number.isInteger(asked)) {
      throw new BadRequestError('TokenRequest in version "v1" cannot be handled as a TokenRequest: spec.expirationSeconds must be an integer');
    }
    let expirationSeconds = asked;
    const errs: FieldError[] = [];
    if (expirationSeconds < MIN_EXPIRATION_SECONDS) errs.push(invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
    if (expirationSeconds > MAX_EXPIRATION_SECONDS) errs.push(invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
    if (errs.length) throw new InvalidError('TokenRequest', GROUP, '', errs);

    let pod: KubeObject | undefined;
    let secret: KubeObject | undefined;
    let node: ObjectRef | undefined;
    const bound = isRecord(spec['boundObjectRef']) ? spec['boundObjectRef'] : undefined;
    if (bound) {
      const kind = str(bound['kind']);
      const apiVersion = str(bound['apiVersion']);
      const refName = str(bound['name']);
      const refUid = str(bound['uid']);
      let uid = '';
      if (apiVersion === 'v1' && kind === 'Pod') {
        pod = await this.get(pods, namespace, refName);
        if ((pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName !== name) {
          throw new BadRequestError(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
        }
        uid = pod.metadata.uid ?? '';
        const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
        if (nodeName) {
          // A missing node still goes into the token by name, as kube-apiserver does.
          const n = await this.get(nodes, undefined, nodeName).catch(() => undefined);
          node = { name: nodeName, uid: n?.metadata.uid ?? '' };
        }
      } else if (apiVersion === 'v1' && kind === 'Secret') {
        secret = await this.get(secrets, namespace, refName);
        uid = secret.metadata.uid ?? '';
      } else if (apiVersion === 'v1' && kind === 'Node') {
        const n = await this.get(nodes, undefined, refName);
        node = refOf(n);
        uid = node.uid;
      } else {
        const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
        const version = apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion;
        throw new BadRequestError(`cannot bind token to object of type ${group ? `${group}/` : ''}${version}, Kind=${kind}`);
      }
      if (refUid && refUid !== uid) {
        throw new ConflictError(kind, '', refName, `the UID in the bound object reference (${refUid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
    }
    const max = this.opts.maxExpirationSeconds ?? 0;
    if (max > 0 && expirationSeconds > max) expirationSeconds = max;
    let exp = expirationSeconds;
    let warnAfter = 0;
    const kubeAudiences = audiences.every((a) => this.opts.apiAudiences.includes(a));
    if ((this.opts.extendExpiration ?? true) && pod && expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && kubeAudiences) {
      warnAfter = exp;
      exp = EXPIRATION_EXTENSION_SECONDS;
    }
    const claims = boundClaims({
      issuer: this.opts.issuer,
      namespace,
      serviceAccount: refOf(account),
      audiences,
      expirationSeconds: exp,
      now,
      ...(pod ? { pod: refOf(pod) } : {}),
      ...(secret ? { secret: refOf(secret) } : {}),
      ...(node ? { node } : {}),
      warnAfterSeconds: warnAfter,
    });
    const token = await this.signer.sign(claims);
    return {
      kind: 'TokenRequest',
      apiVersion: `${GROUP}/v1`,
      metadata: { name, namespace, creationTimestamp: kubeTime(now) },
      spec: { ...spec, audiences, expirationSeconds, ...(bound ? { boundObjectRef: bound } : {}) },
      status: { token, expirationTimestamp: kubeTime(new Date(now.getTime() + expirationSeconds * 1000)) },
    };
  }
}
