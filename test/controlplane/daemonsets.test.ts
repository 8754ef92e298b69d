/** SCENARIOS S16–S20 on simulated nodes with the real kubectl: the seeds' daemon sets (legacy
 * group switched on), one pod per node as nodes join and leave, node selectors following labels,
 * delete with pods. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Pod } from '../../src/api/kinds.js';
import { daemonSets } from '../../src/api/resources.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, seed, suffix } from './fixtures.js';

describe('daemon sets on simulated nodes', () => {
  let c: SimCluster;
  const ns = 'default';
  before(async () => {
    c = await startSimCluster({ nodes: 3, server: { runtimeConfig: 'extensions/v1beta1/daemonsets=true' } });
  });
  after(async () => {
    await c.stop();
  });

  const onNodes = (selector: string, want: readonly string[]) =>
    waitFor(`pods of ${selector} on ${want.join(',')}`, async () => {
      const list = live(await podsWith(c.client, ns, selector));
      const nodes = list.map((p) => p.spec.nodeName ?? '').sort();
      return JSON.stringify(nodes) === JSON.stringify([...want].sort()) && list.every((p) => p.status?.phase === 'Running') ? list : undefined;
    }, 20_000);

  test('S17: one pod on every node; a node that joins gets one, a node that leaves loses it', async () => {
    const name = `fluentd-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('dameonset.yaml', { 'fluentd-elasticsearch': name }) });
    const names = c.fleet.agents.map((a) => a.nodeName);
    const first = await onNodes(`name=${name}`, names);
    // Placed by labels, not by resource fit (S19): no scheduler event, nodeName set at creation.
    assert.ok(first.every((p: Pod) => p.spec.nodeName));

    const joined = await c.fleet.addNode();
    await onNodes(`name=${name}`, [...names, joined.nodeName]);
    const ds = await waitFor('ds status', async () => {
      const d = await c.client.get<DaemonSet>(daemonSets, ns, name);
      return d.status?.desiredNumberScheduled === names.length + 1 && d.status.numberReady === names.length + 1 ? d : undefined;
    });
    assert.equal(ds.status?.currentNumberScheduled, names.length + 1);
    assert.equal(ds.status?.numberMisscheduled, 0);

    await c.fleet.kill(joined.nodeName);
    await c.kubectl.ok(['delete', 'node', joined.nodeName]);
    await onNodes(`name=${name}`, names);

    const described = await c.kubectl.ok(['describe', 'ds', name]);
    assert.match(described, new RegExp(`Desired Number of Nodes Scheduled: ${names.length}`));
    assert.match(described, /Number of Nodes Misscheduled: 0/);

    // S20: deleting the daemon set takes its pods.
    await c.kubectl.ok(['delete', 'ds', name]);
    await waitFor('ds pods gone', async () => (await podsWith(c.client, ns, `name=${name}`)).length === 0, 20_000);
  });

  test('S18: a node selector follows node labels as they are set and removed', async () => {
    const app = `checkRam${suffix()}`;
    const name = `ram-check-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('daemonset-free-nodeselector.yaml', { 'ram-check': name, 'app: checkRam': `app: ${app}` }) });
    const [n1, n2] = c.fleet.agents.map((a) => a.nodeName);
    await onNodes(`app=${app}`, []);
    await c.kubectl.ok(['label', 'nodes', n2!, 'runDS=ok']);
    await onNodes(`app=${app}`, [n2!]);
    assert.match(await c.kubectl.ok(['get', 'nodes', '--show-labels']), /runDS=ok/);
    await c.kubectl.ok(['label', 'nodes', n1!, 'runDS=ok']);
    await onNodes(`app=${app}`, [n1!, n2!]);
    await c.kubectl.ok(['label', 'nodes', n2!, 'runDS-']);
    await onNodes(`app=${app}`, [n1!]);
    const wide = await c.kubectl.ok(['get', 'pod', `--selector=app=${app}`, '-o', 'wide']);
    assert.match(wide, new RegExp(`${name}-\\S+\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.\\S+\\s+${n1}`));
    await c.kubectl.ok(['label', 'nodes', n1!, 'runDS-']);
    await onNodes(`app=${app}`, []);
    await c.kubectl.ok(['delete', 'ds', name]);
  });
});
