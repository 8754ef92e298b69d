/**
 * The reconciler's plan, free of I/O (after Kubernetes' `reconciler.reconcileByAddressType`): given
 * the endpoints wanted, grouped by port set, and the slices that exist, which slices to create,
 * update and delete. Churn is kept low the way Kubernetes keeps it: an endpoint stays in the slice
 * it is in; new endpoints fill slices being updated anyway, then slices with room, then new ones
 * of at most `max` endpoints. A service without endpoints keeps one empty placeholder slice.
 */
import { isDeepStrictEqual } from 'node:util';
import type { EndpointSlice, EndpointSliceEndpoint, EndpointSlicePort } from '../../api/kinds.js';
import { portsKey, type PortGroup } from './desired.js';

export interface SliceShape {
  readonly labels: Record<string, string>;
  readonly addressType: EndpointSlice['addressType'];
}

export interface SlicePlan {
  /** Bodies without names (the caller sets generateName and owner). */
  readonly create: { ports: EndpointSlicePort[]; endpoints: EndpointSliceEndpoint[] }[];
  /** Existing slices with their new content. */
  readonly update: EndpointSlice[];
  readonly delete: EndpointSlice[];
}

const byAddress = (a: EndpointSliceEndpoint, b: EndpointSliceEndpoint): number => {
  const x = a.addresses[0] ?? '';
  const y = b.addresses[0] ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

function isPlaceholder(s: EndpointSlice): boolean {
  return (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0;
}

/** The plan that makes `existing` publish exactly `groups`. */
export function planSlices(groups: ReadonlyMap<string, PortGroup>, existing: readonly EndpointSlice[], shape: SliceShape, max: number, placeholder = true): SlicePlan {
  const create: SlicePlan['create'] = [];
  const update: EndpointSlice[] = [];
  const del: EndpointSlice[] = [];
  const placed = new Set<string>();
  // Slices kept, per group, with their (new) endpoint lists and whether they changed.
  const kept = new Map<string, { slice: EndpointSlice; endpoints: EndpointSliceEndpoint[]; changed: boolean }[]>();
  const total = [...groups.values()].reduce((n, g) => n + g.endpoints.size, 0);
  if (total === 0) return placeholder ? placeholderPlan(existing, shape) : { create: [], update: [], delete: [...existing] };

  for (const slice of existing) {
    const key = portsKey(slice.ports ?? []);
    const group = groups.get(key);
    if (!group || slice.addressType !== shape.addressType) {
      del.push(slice);
      continue;
    }
    let changed = !isDeepStrictEqual(slice.metadata.labels ?? {}, shape.labels);
    const endpoints: EndpointSliceEndpoint[] = [];
    for (const e of slice.endpoints ?? []) {
      const address = e.addresses?.[0];
      const want = address !== undefined ? group.endpoints.get(address) : undefined;
      if (!want || placed.has(address!)) {
        changed = true;
        continue;
      }
      placed.add(address!);
      if (!isDeepStrictEqual(e, want)) changed = true;
      endpoints.push(want);
    }
    if (endpoints.length === 0) {
      del.push(slice);
      continue;
    }
    const list = kept.get(key) ?? [];
    list.push({ slice, endpoints, changed });
    kept.set(key, list);
  }

  for (const [key, group] of groups) {
    const fresh = [...group.endpoints.values()].filter((e) => !placed.has(e.addresses[0]!)).sort(byAddress);
    const slices = (kept.get(key) ?? []).sort((a, b) => Number(b.changed) - Number(a.changed));
    for (const k of slices) {
      while (fresh.length > 0 && k.endpoints.length < max) {
        k.endpoints.push(fresh.shift()!);
        k.changed = true;
      }
    }
    while (fresh.length > 0) create.push({ ports: group.ports, endpoints: fresh.splice(0, max) });
  }

  for (const list of kept.values()) {
    for (const k of list) {
      if (!k.changed) continue;
      update.push({ ...k.slice, metadata: { ...k.slice.metadata, labels: shape.labels }, endpoints: k.endpoints.sort(byAddress) });
    }
  }

  return { create, update, delete: del };
}

/** Nothing to publish: one placeholder stays (or is made), so clients see the service is known. */
function placeholderPlan(existing: readonly EndpointSlice[], shape: SliceShape): SlicePlan {
  const keep = existing.find((s) => isPlaceholder(s) && s.addressType === shape.addressType);
  const update = keep && !isDeepStrictEqual(keep.metadata.labels ?? {}, shape.labels) ? [{ ...keep, metadata: { ...keep.metadata, labels: shape.labels } }] : [];
  return { create: keep ? [] : [{ ports: [], endpoints: [] }], update, delete: existing.filter((s) => s !== keep) };
}
