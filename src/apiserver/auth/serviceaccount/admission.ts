/**
 * The ServiceAccount admission plugin (Kubernetes' plugin/pkg/admission/serviceaccount) on pod
 * creation: a pod without `serviceAccountName` runs as `default`; a pod naming an account that
 * does not exist is refused (403, "error looking up service account NS/NAME: ..."); unless the
 * pod or its account turns `automountServiceAccountToken` off, the pod gets the projected
 * `kube-api-access-XXXXX` volume (a bound token, the cluster CA from `kube-root-ca.crt`, the
 * namespace) mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in every
 * container that has nothing mounted there yet. Mirror pods may not name an account at all.
 */
import { randomInt } from 'node:crypto';
import { ForbiddenError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/types.js';
import type { Container, Pod, PodSpec, Volume } from '../../../api/kinds.js';
import type { WriteHooks } from '../../registry/registry.js';
import { WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS } from './tokenrequest.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** The admission plugin's name in `--disable-admission-plugins`. */
export const SERVICE_ACCOUNT_PLUGIN = 'ServiceAccount';

/** A service account from the cache, else the store; undefined when there is none. */
export type ServiceAccountLookup = (namespace: string, name: string) => Promise<KubeObject | undefined>;

/** utilrand.String's alphabet: no vowels, no confusable characters. */
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** The projected volume as the plugin writes it (default mode 0644 set explicitly). */
export function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

interface ServiceAccountFields {
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
}

export class ServiceAccountAdmission {
  constructor(
    private readonly lookup: ServiceAccountLookup,
    /** Between live lookups of a `default` account the controller may be about to create. */
    private readonly retryIntervalMs = 100 + randomInt(100),
  ) {}

  /** The plugin as a pod registry hook (runs on create, before the pod is stored). */
  hooks(): WriteHooks {
    return {
      beginCreate: async (obj) => {
        await this.admit(obj as unknown as Pod);
        return async () => undefined;
      },
    };
  }

  async admit(pod: Pod): Promise<void> {
    const namespace = pod.metadata.namespace ?? 'default';
    const spec = pod.spec;
    if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) {
      if (spec.serviceAccountName) throw this.forbidden(pod, 'a mirror pod may not reference service accounts');
      return;
    }
    // The deprecated `serviceAccount` names the account when `serviceAccountName` does not.
    if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
    spec.serviceAccount = spec.serviceAccountName;
    const name = spec.serviceAccountName;
    const account = await this.find(namespace, name);
    if (!account) throw this.forbidden(pod, `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`);
    const fields = account as unknown as ServiceAccountFields;
    const automount = (spec as PodSpec & { automountServiceAccountToken?: boolean }).automountServiceAccountToken ?? fields.automountServiceAccountToken ?? true;
    if (automount) mountToken(spec);
    const pullSecrets = (spec as PodSpec & { imagePullSecrets?: { name?: string }[] });
    if (!pullSecrets.imagePullSecrets?.length && fields.imagePullSecrets?.length) {
      pullSecrets.imagePullSecrets = fields.imagePullSecrets.map((s) => ({ name: s.name ?? '' }));
    }
  }

  /** The cache first, then the store: once, or ten times for `default`, which the service
   * account controller creates a moment after its namespace. */
  private async find(namespace: string, name: string): Promise<KubeObject | undefined> {
    const attempts = name === DEFAULT_SERVICE_ACCOUNT ? 10 : 1;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, this.retryIntervalMs));
      const found = await this.lookup(namespace, name);
      if (found) return found;
    }
    return undefined;
  }

  private forbidden(pod: Pod, why: string): ForbiddenError {
    const name = pod.metadata.name ?? '';
    return new ForbiddenError(`pods "${name}" is forbidden: ${why}`, { name, kind: 'pods' });
  }
}

/** Adds the volume and its mounts; a container with something at the mount path keeps it. */
function mountToken(spec: PodSpec): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const volumeName = existing?.name ?? TOKEN_VOLUME_PREFIX + randomSuffix();
  let needed = false;
  const mount = (c: Container): void => {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === TOKEN_MOUNT_PATH)) return;
    (c.volumeMounts ??= []).push({ name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH });
    needed = true;
  };
  for (const c of spec.initContainers ?? []) mount(c);
  for (const c of spec.containers) mount(c);
  if (!existing && needed) (spec.volumes ??= []).push(tokenVolume(volumeName));
}
