/**
 * The scheduler's ClusterView over its cache and informers: namespaces (for namespaceSelector),
 * and the services, replication controllers and replica sets that give a pod without spread
 * constraints its default spreading selector (kube-scheduler's `helper.DefaultSelector`).
 */
import type { Namespace, PersistentVolume, PersistentVolumeClaim, Pod, ReplicaSet, ReplicationController, Service, StorageClass } from '../api/kinds.js';
import { fromLabelSelector, fromMap, selectorOf, type Requirement, type Selector } from '../api/labels.js';
import type { Informer } from '../client/informer.js';
import type { SchedulerCache } from './cache.js';
import type { ClusterView, StorageView } from './framework.js';
import type { ClusterIndex } from './cluster-index.js';
import type { NodeInfo } from './nodeinfo.js';

export const byNamespace = 'namespace';

export interface ViewInformers {
  readonly namespaces: Informer<Namespace>;
  readonly services: Informer<Service>;
  readonly replicationControllers: Informer<ReplicationController>;
  readonly replicaSets: Informer<ReplicaSet>;
  readonly claims?: Informer<PersistentVolumeClaim>;
  readonly volumes?: Informer<PersistentVolume>;
  readonly storageClasses?: Informer<StorageClass>;
  /** Pods, indexed here by the claims they mount (ReadWriteOncePod). */
  readonly pods?: Informer<Pod>;
}

const byClaim = 'scheduler/claim';

export class SchedulerClusterView implements ClusterView {
  readonly storage: StorageView | undefined;

  constructor(private readonly cache: SchedulerCache, private readonly inf: ViewInformers) {
    inf.services.addIndex(byNamespace, (s) => [s.metadata.namespace ?? '']);
    const { claims, volumes, storageClasses, pods } = inf;
    pods?.addIndex(byClaim, (p) => (p.spec.volumes ?? []).flatMap((v) => {
      const claim = (v['persistentVolumeClaim'] as { claimName?: string } | undefined)?.claimName;
      return claim ? [`${p.metadata.namespace ?? ''}/${claim}`] : [];
    }));
    this.storage = claims && volumes && storageClasses && pods ? {
      claim: (ns, name) => claims.get(`${ns}/${name}`),
      volume: (name) => volumes.get(name),
      storageClass: (name) => storageClasses.get(name),
      claimUsers: (ns, name) => pods.byIndex(byClaim, `${ns}/${name}`)
        .filter((p) => p.spec.nodeName && !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'),
    } : undefined;
  }

  get nodes(): readonly NodeInfo[] {
    return this.cache.nodeList;
  }

  get index(): ClusterIndex {
    return this.cache.index;
  }

  namespaceLabels(ns: string): Readonly<Record<string, string>> | undefined {
    return this.inf.namespaces.get(ns)?.metadata.labels ?? (this.inf.namespaces.get(ns) ? {} : undefined);
  }

  *namespaces(): Iterable<readonly [string, Readonly<Record<string, string>>]> {
    for (const n of this.inf.namespaces.list()) yield [n.metadata.name ?? '', n.metadata.labels ?? {}];
  }

  defaultSelector(pod: Pod): Selector | undefined {
    const ns = pod.metadata.namespace ?? '';
    const labels = pod.metadata.labels ?? {};
    const set: Record<string, string> = {};
    for (const s of this.inf.services.byIndex(byNamespace, ns)) {
      const sel = s.spec?.selector as Record<string, string> | undefined;
      if (!sel) continue; // a nil selector selects nothing
      if (fromMap(sel).matches(labels)) Object.assign(set, sel);
    }
    let reqs: Requirement[] = [...fromMap(set).requirements];
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (owner) {
      const key = `${ns}/${owner.name}`;
      const group = owner.apiVersion.includes('/') ? owner.apiVersion.slice(0, owner.apiVersion.indexOf('/')) : '';
      if (owner.kind === 'ReplicationController' && group === '') {
        const rc = this.inf.replicationControllers.get(key);
        if (rc) reqs = [...fromMap({ ...set, ...(rc.spec?.selector as Record<string, string> | undefined) }).requirements];
      } else if (owner.kind === 'ReplicaSet' && group === 'apps') {
        const rs = this.inf.replicaSets.get(key);
        if (rs?.spec?.selector) {
          try {
            reqs = [...reqs, ...fromLabelSelector(rs.spec.selector).requirements];
          } catch {
            // an invalid selector adds nothing, as in kube-scheduler
          }
        }
      }
    }
    return reqs.length === 0 ? undefined : selectorOf(reqs);
  }
}
