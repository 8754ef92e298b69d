/** Applies a slice plan through the API (shared by the endpointslice and mirroring controllers). */
import { ApiError } from '../../api/errors.js';
import type { EndpointSlice } from '../../api/kinds.js';
import { endpointSlices } from '../../api/resources.js';
import type { OwnerReference } from '../../api/types.js';
import type { RestClient } from '../../client/rest.js';
import type { SlicePlan, SliceShape } from './reconcile.js';
import type { SliceTracker } from './tracker.js';

export interface SliceTarget extends SliceShape {
  readonly key: string;
  readonly namespace: string;
  /** generateName of new slices: `<service>-`. */
  readonly prefix: string;
  readonly owner: OwnerReference;
}

export async function applyPlan(client: RestClient, tracker: SliceTracker, t: SliceTarget, plan: SlicePlan): Promise<void> {
  // Creates and updates before deletes, so a consumer never sees the service with no endpoints
  // while endpoints move between slices.
  for (const c of plan.create) {
    const body: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { generateName: t.prefix, namespace: t.namespace, labels: t.labels, ownerReferences: [t.owner] },
      addressType: t.addressType,
      endpoints: c.endpoints,
      ports: c.ports,
    };
    tracker.wrote(t.key, await client.create(endpointSlices, body));
  }
  for (const u of plan.update) tracker.wrote(t.key, await client.update(endpointSlices, u));
  for (const d of plan.delete) {
    try {
      await client.delete(endpointSlices, t.namespace, d.metadata.name!, { preconditions: { uid: d.metadata.uid! } });
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
    tracker.deleted(t.key, d.metadata.name!);
  }
}
