/**
 * Pod anti-affinity and scheduling gates on a simulated cluster (API server, controllers,
 * scheduler and two simulated nodes in this process) driven by the real kubectl: what a user
 * creates, what `kubectl get`/`describe` then show.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event, Pod } from '../../src/api/kinds.js';
import { events, pods } from '../../src/api/resources.js';
import { waitFor } from '../helpers/cluster.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { live, podsWith, suffix } from '../controlplane/fixtures.js';

describe('pod affinity and scheduling gates with kubectl', () => {
  let c: SimCluster;
  before(async () => {
    c = await startSimCluster({ nodes: 2 });
  });
  after(async () => {
    await c.stop();
  });

  test('an rc of 3 with required anti-affinity on hostname: 2 replicas on different nodes, the third Pending with FailedScheduling', async () => {
    const name = `spread-${suffix()}`;
    const label = `solo-${suffix()}`;
    const rc = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name },
      spec: {
        replicas: 3,
        selector: { app: label },
        template: {
          metadata: { labels: { app: label } },
          spec: {
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: label } }, topologyKey: 'kubernetes.io/hostname' }] } },
            containers: [{ name: 'app', image: 'nginx:1.25' }],
          },
        },
      },
    };
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(rc) });
    const list = await waitFor('3 pods, 2 of them bound', async () => {
      const l = live(await podsWith(c.client, 'default', `app=${label}`));
      return l.length === 3 && l.filter((p) => p.spec.nodeName).length === 2 ? l : undefined;
    }, 20_000);
    const bound = list.filter((p) => p.spec.nodeName);
    assert.notEqual(bound[0]!.spec.nodeName, bound[1]!.spec.nodeName, 'the two replicas share a node');
    const pending = list.find((p) => !p.spec.nodeName)!;
    const podName = pending.metadata.name!;
    const message = '0/2 nodes are available: 2 node(s) didn\'t match pod anti-affinity rules.';
    const ev = await waitFor('FailedScheduling event', async () =>
      (await c.client.list<Event>(events, 'default')).items.find((e) => e.involvedObject.name === podName && e.reason === 'FailedScheduling'));
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, message);
    // Stays pending: the scheduler does not give in on a later attempt.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await c.client.get<Pod>(pods, 'default', podName)).spec.nodeName, undefined);

    const described = await waitFor('describe shows the condition', async () => {
      const out = await c.kubectl.ok(['describe', 'pod', podName]);
      return /PodScheduled\s+False/.test(out) ? out : undefined;
    });
    assert.match(described, /Status:\s+Pending/);
    assert.match(described, new RegExp(`Warning\\s+FailedScheduling\\s+.*default-scheduler\\s+${message.replace(/[.()]/g, '\\$&')}`));
    const got = await c.kubectl.ok(['get', 'pod', podName, '--no-headers']);
    assert.match(got, new RegExp(`^${podName}\\s+0/1\\s+Pending\\s`));

    // A third node lets it run there.
    const agent = await c.fleet.addNode();
    const third = await waitFor('the third replica bound', async () => (await c.client.get<Pod>(pods, 'default', podName)).spec.nodeName, 20_000);
    assert.equal(third, agent.nodeName);
  });

  test('a pod with scheduling gates stays SchedulingGated; gates can only be removed; without them it is scheduled', async () => {
    const name = `gated-${suffix()}`;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { schedulingGates: [{ name: 'example.com/quota' }, { name: 'example.com/arch' }], containers: [{ name: 'app', image: 'nginx:1.25' }] },
    };
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(pod) });
    const got = await c.kubectl.ok(['get', 'pod', name, '--no-headers']);
    assert.match(got, new RegExp(`^${name}\\s+0/1\\s+SchedulingGated\\s`));
    const described = await c.kubectl.ok(['describe', 'pod', name]);
    assert.match(described, /PodScheduled\s+False/);
    const p = await c.client.get<Pod>(pods, 'default', name);
    const cond = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
    assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['False', 'SchedulingGated', 'Scheduling is blocked due to non-empty scheduling gates']);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await c.client.get<Pod>(pods, 'default', name)).spec.nodeName, undefined, 'a gated pod was scheduled');
    const evs = (await c.client.list<Event>(events, 'default')).items.filter((e) => e.involvedObject.name === name);
    assert.deepEqual(evs.map((e) => e.reason), [], 'a gated pod has no scheduling events');

    const add = await c.kubectl.run(['patch', 'pod', name, '--type=json', '-p', '[{"op":"add","path":"/spec/schedulingGates/-","value":{"name":"example.com/more"}}]']);
    assert.notEqual(add.code, 0);
    assert.match(add.stderr, new RegExp(`The Pod "${name}" is invalid: spec.schedulingGates\\[2\\].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/more'`));

    await c.kubectl.ok(['patch', 'pod', name, '--type=json', '-p', '[{"op":"remove","path":"/spec/schedulingGates/0"}]']);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await c.client.get<Pod>(pods, 'default', name)).spec.nodeName, undefined, 'scheduled with a gate left');

    await c.kubectl.ok(['patch', 'pod', name, '--type=json', '-p', '[{"op":"remove","path":"/spec/schedulingGates"}]']);
    const node = await waitFor('bound', async () => (await c.client.get<Pod>(pods, 'default', name)).spec.nodeName);
    assert.match(node, /./);
    const ev = await waitFor('Scheduled event', async () =>
      (await c.client.list<Event>(events, 'default')).items.find((e) => e.involvedObject.name === name && e.reason === 'Scheduled'));
    assert.equal(ev.message, `Successfully assigned default/${name} to ${node}`);
  });
});
