/**
 * Which volume a claim may bind to, as Kubernetes' PV controller matches them
 * (`volume.FindMatchingVolume`): same class, every requested access mode offered, at least the
 * requested size, the claim's label selector, not already bound or reserved for another claim,
 * reachable from the selected node when there is one; the smallest such volume wins, and a volume
 * reserved for this very claim (`claimRef` set by an administrator) wins over all others.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from '../../api/kinds.js';
import { fromLabelSelector } from '../../api/labels.js';
import { Quantity, quantityOf } from '../../api/quantity.js';
import { compileTerms, type NodeSelectorTerm } from '../../scheduler/node-selector.js';

export function requestedStorage(claim: PersistentVolumeClaim): Quantity | undefined {
  return quantityOf(claim.spec.resources?.requests?.['storage']);
}

export function capacityOf(pv: PersistentVolume): Quantity | undefined {
  return quantityOf(pv.spec.capacity?.['storage']);
}

/** True when `pv` is reachable from `node` (no nodeAffinity: from everywhere). */
export function reachableFrom(pv: PersistentVolume, node: Node): boolean {
  const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms as NodeSelectorTerm[] | undefined;
  if (!terms?.length) return true;
  return compileTerms(terms)({ name: node.metadata.name ?? '', labels: node.metadata.labels ?? {} });
}

/** The volume reserved for `claim` through its claimRef (name and, when set, uid). */
export function reservedFor(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec.claimRef;
  if (!ref) return false;
  return ref.name === claim.metadata.name && ref.namespace === claim.metadata.namespace && (!ref.uid || ref.uid === claim.metadata.uid);
}

function fits(pv: PersistentVolume, claim: PersistentVolumeClaim, node: Node | undefined): boolean {
  if (pv.metadata.deletionTimestamp) return false;
  if (pv.spec.claimRef && !reservedFor(pv, claim)) return false;
  if (!pv.spec.claimRef && pv.status?.phase !== 'Available') return false;
  if ((pv.spec.storageClassName ?? '') !== (claim.spec.storageClassName ?? '')) return false;
  if ((pv.spec.volumeMode ?? 'Filesystem') !== (claim.spec.volumeMode ?? 'Filesystem')) return false;
  const modes = pv.spec.accessModes ?? [];
  if (!(claim.spec.accessModes ?? []).every((m) => modes.includes(m))) return false;
  const want = requestedStorage(claim);
  const have = capacityOf(pv);
  if (!want || !have || have.cmp(want) < 0) return false;
  if (claim.spec.selector) {
    try {
      if (!fromLabelSelector(claim.spec.selector).matches(pv.metadata.labels ?? {})) return false;
    } catch {
      return false;
    }
  }
  return node ? reachableFrom(pv, node) : true;
}

/** The best volume for `claim` among `volumes`, or undefined. */
export function findVolume(volumes: readonly PersistentVolume[], claim: PersistentVolumeClaim, node?: Node): PersistentVolume | undefined {
  let best: PersistentVolume | undefined;
  for (const pv of volumes) {
    if (!fits(pv, claim, node)) continue;
    if (reservedFor(pv, claim)) return pv;
    if (!best || capacityOf(pv)!.cmp(capacityOf(best)!) < 0) best = pv;
  }
  return best;
}
