/**
 * The node's heartbeat: a Lease in `kube-node-lease` named for the node, renewed every
 * `renewSeconds` (kubelet: a quarter of the 40 s duration). The node lifecycle controller reads
 * `renewTime`; a node that stops renewing is declared unreachable.
 */
import type { Lease } from '../api/kinds.js';
import { leases } from '../api/resources.js';
import { ApiError } from '../api/errors.js';
import type { RestClient } from '../client/rest.js';
import { microTime } from '../api/time.js';

export const nodeLeaseNamespace = 'kube-node-lease';
export const leaseDurationSeconds = 40;


export async function renewNodeLease(client: RestClient, nodeName: string, nodeUid: string | undefined): Promise<void> {
  const now = microTime();
  try {
    await client.patch(leases, nodeLeaseNamespace, nodeName, { spec: { holderIdentity: nodeName, renewTime: now } });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
    const lease: Lease = {
      metadata: {
        name: nodeName,
        namespace: nodeLeaseNamespace,
        ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
      },
      spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime: now },
    };
    try {
      await client.create(leases, lease);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  }
}
