/** One live agent per node name: who may register a name, table-driven against a real in-process API server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, Node } from '../../src/api/kinds.js';
import { leases, nodes } from '../../src/api/resources.js';
import { microTime } from '../../src/api/time.js';
import { agentInstanceAnnotation, checkNodeClaim, NodeNameInUseError } from '../../src/agent/index.js';
import { nodeBuilder } from '../helpers/builders.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
});
after(async () => {
  await cluster.stop();
});

interface Case {
  readonly name: string;
  /** The instance on the existing Node (undefined: no Node; '' : a Node without one). */
  readonly holder?: string;
  /** Seconds since the holder's lease was renewed (undefined: no lease). */
  readonly renewedAgo?: number;
  readonly refused: boolean;
}

const me = 'instance-me';
const cases: Case[] = [
  { name: 'a new name', refused: false },
  { name: 'a node from before instances were stated', holder: '', renewedAgo: 1, refused: false },
  { name: 'our own node (a restart)', holder: me, renewedAgo: 1, refused: false },
  { name: 'another agent renewing its lease', holder: 'instance-other', renewedAgo: 3, refused: true },
  { name: 'another agent silent for longer than the lease', holder: 'instance-other', renewedAgo: 41, refused: false },
  { name: 'another agent that never renewed', holder: 'instance-other', refused: false },
];

for (const c of cases) {
  test(`node claim: ${c.name}`, async () => {
    const name = `claim-${suffix()}`;
    if (c.holder !== undefined) {
      const n = nodeBuilder(name).build() as Node;
      if (c.holder) n.metadata.annotations = { [agentInstanceAnnotation]: c.holder };
      n.status = { addresses: [{ type: 'InternalIP', address: '127.9.0.9' }] };
      await cluster.client.create(nodes, n);
    }
    if (c.renewedAgo !== undefined) {
      const lease: Lease = { metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(new Date(Date.now() - c.renewedAgo * 1000)) } };
      await cluster.client.create(leases, lease);
    }
    const claim = checkNodeClaim(cluster.client, name, me);
    if (!c.refused) return claim;
    await assert.rejects(claim, (err: Error) => {
      assert.ok(err instanceof NodeNameInUseError);
      assert.match(err.message, new RegExp(`^node "${name}" is run by another live agent at 127\\.9\\.0\\.9 \\(its lease was renewed \\d+s ago\\): give this agent another name with --node-name`));
      return true;
    });
  });
}
