/**
 * A pod's image pull secrets, as the kubelet gathers them (getPullSecretsForPod): each Secret the
 * pod's `imagePullSecrets` names, read from its namespace when a pull happens; one that cannot be
 * read is left out with a `FailedToRetrieveImagePullSecret` Warning and the pull goes on without
 * it. A pod that names none uses its ServiceAccount's `imagePullSecrets` — in Kubernetes the
 * ServiceAccount admission plugin copies those into such a pod when it is created; skiff has no
 * such plugin, so the agent reads them at pull time to the same effect.
 */
import type { Pod, Secret } from '../api/kinds.js';
import type { KubeObject } from '../api/types.js';
import { secrets as secretsResource, serviceAccounts } from '../api/resources.js';
import { ApiError } from '../api/errors.js';
import type { RestClient } from '../client/rest.js';
import type { Credentials } from '../images/index.js';
import { dockerConfigOf } from './dockercfg.js';
import { Keyring } from './keyring.js';

/** What a runtime that pulls asks for each image: the credentials to try, in order (none: pull anonymously). */
export type PullCredentialsResolver = (image: string) => Promise<readonly Credentials[]>;

export type PullSecretWarning = (reason: string, message: string) => void;

interface ServiceAccount extends KubeObject {
  imagePullSecrets?: { name?: string }[];
}

/** The pull secrets' names: the pod's own, else its ServiceAccount's (empty names skipped, as the
 * kubelet skips them). */
export async function pullSecretNames(client: RestClient, pod: Pod): Promise<string[]> {
  const own = pod.spec.imagePullSecrets ?? [];
  if (own.length) return own.flatMap((r) => (r.name ? [r.name] : []));
  const account = pod.spec.serviceAccountName || pod.spec.serviceAccount || 'default';
  try {
    const sa = await client.get<ServiceAccount>(serviceAccounts, pod.metadata.namespace ?? 'default', account);
    return (sa.imagePullSecrets ?? []).flatMap((r) => (r.name ? [r.name] : []));
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return [];
    throw err;
  }
}

/** The Secrets behind the names; those that cannot be read are reported once per call and skipped. */
export async function podPullSecrets(client: RestClient, pod: Pod, warn: PullSecretWarning): Promise<Secret[]> {
  const names = await pullSecretNames(client, pod);
  const found: Secret[] = [];
  const failed: string[] = [];
  for (const name of names) {
    try {
      found.push(await client.get<Secret>(secretsResource, pod.metadata.namespace ?? 'default', name));
    } catch {
      failed.push(name);
    }
  }
  if (failed.length) warn('FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${failed.join(', ')}); attempting to pull the image may not succeed.`);
  return found;
}

/** The keyring of these Secrets; a pull secret that cannot be parsed throws (DockerConfigError),
 * failing the pull as the kubelet's does. */
export function keyringOf(pullSecrets: readonly Secret[]): Keyring {
  const ring = new Keyring();
  for (const s of pullSecrets) {
    const config = dockerConfigOf(s);
    if (config) ring.add(config);
  }
  return ring;
}

/** For StartOptions: resolves the pod's credentials for an image when (and only when) the runtime pulls. */
export function pullCredentialsFor(host: { readonly client: RestClient }, pod: Pod, warn: PullSecretWarning): PullCredentialsResolver {
  return async (image) => keyringOf(await podPullSecrets(host.client, pod, warn)).lookup(image);
}
