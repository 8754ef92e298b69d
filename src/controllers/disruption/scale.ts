/**
 * The scale of the controllers a budget's pods belong to (Kubernetes' getExpectedScale): each
 * distinct controller counted once, a ReplicaSet owned by a Deployment counted as the Deployment,
 * kinds without a cached finder read through their `scale` subresource. Pods without a controller
 * are reported as unmanaged and not counted.
 */
import { resourceTypes } from '../../api/resources.js';
import type { Deployment, Pod, ReplicaSet, ReplicationController } from '../../api/kinds.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { parseApiVersion } from '../../api/types.js';
import type { Informer } from '../../client/informer.js';
import type { RestClient } from '../../client/rest.js';
import { controllerRef, isNotFound } from '../replication/index.js';

export interface ScaleSources {
  readonly client: RestClient;
  readonly rcs: Informer<ReplicationController>;
  readonly rss: Informer<ReplicaSet>;
  readonly deployments: Informer<Deployment>;
}

export interface ExpectedScale {
  readonly total: number;
  readonly unmanaged: readonly string[];
}

interface Found {
  readonly uid: string;
  readonly replicas: number;
}

function cachedOwner<T extends KubeObject>(inf: Informer<T>, ns: string, ref: OwnerReference): T | undefined {
  const o = inf.get(`${ns}/${ref.name}`);
  return o && o.metadata.uid === ref.uid ? o : undefined;
}

const replicasOf = (o: { spec?: { replicas?: number } }): number => o.spec?.replicas ?? 1;

async function findController(src: ScaleSources, ns: string, ref: OwnerReference): Promise<Found | undefined> {
  const group = parseApiVersion(ref.apiVersion).group;
  if (ref.kind === 'ReplicationController' && group === '') {
    const rc = cachedOwner(src.rcs, ns, ref);
    return rc && { uid: ref.uid, replicas: replicasOf(rc) };
  }
  if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
    const rs = cachedOwner(src.rss, ns, ref);
    if (!rs) return undefined;
    const up = controllerRef(rs);
    if (up?.kind === 'Deployment') {
      const d = cachedOwner(src.deployments, ns, up);
      if (d) return { uid: up.uid, replicas: replicasOf(d) };
    }
    return { uid: ref.uid, replicas: replicasOf(rs) };
  }
  // Any other kind with a scale subresource (a StatefulSet, …): ask the server for its Scale.
  const r = resourceTypes.find((t) => t.kind === ref.kind && t.group === group && t.subresources.scale);
  if (!r) return undefined;
  try {
    const scale = (await src.client.request('GET', src.client.path(r, ns, ref.name, 'scale'))) as { metadata?: { uid?: string }; spec?: { replicas?: number } };
    if (scale.metadata?.uid !== undefined && scale.metadata.uid !== ref.uid) return undefined;
    return { uid: ref.uid, replicas: scale.spec?.replicas ?? 0 };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Sums the replicas of the pods' controllers; throws when a pod's controller cannot be found. */
export async function expectedScale(src: ScaleSources, pods: readonly Pod[]): Promise<ExpectedScale> {
  const visited = new Set<string>();
  const counted = new Set<string>();
  const unmanaged: string[] = [];
  let total = 0;
  for (const pod of pods) {
    const ref = controllerRef(pod);
    if (!ref) {
      unmanaged.push(pod.metadata.name ?? '');
      continue;
    }
    if (visited.has(ref.uid)) continue;
    visited.add(ref.uid);
    const found = await findController(src, pod.metadata.namespace ?? '', ref);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name ?? ''}"`);
    // A Deployment is reached through each of its ReplicaSets: count it once.
    if (counted.has(found.uid)) continue;
    counted.add(found.uid);
    total += found.replicas;
  }
  return { total, unmanaged };
}
