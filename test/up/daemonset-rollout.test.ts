/** DaemonSet updates on `skiff up` with three nodes and the real kubectl: `kubectl set image`
 * rolled node by node (RollingUpdate, maxUnavailable 1), a surging update that never leaves a
 * node without a ready pod, rollout status/history/undo through ControllerRevisions, OnDelete. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import type { ControllerRevision, DaemonSet, Pod } from '../../src/api/kinds.js';
import { controllerRevisions, daemonSets, pods as podsResource } from '../../src/api/resources.js';
import type { WatchStream } from '../../src/client/rest.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, randomInt, suffix } from '../controlplane/fixtures.js';

function whoamiDs(name: string, labels: Record<string, string>): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name: 'web',
            image: 'busybox',
            command: ['sh', '-c', 'echo $(POD) > index.html && exec httpd -f -p $(IP):8080 -h .'],
            env: [
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            ],
            ports: [{ containerPort: 8080, name: 'http' }],
            readinessProbe: { httpGet: { port: 'http', path: '/' }, periodSeconds: 1 },
          }],
        },
      },
    },
  });
}

const ready = (p: Pod): boolean => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && Boolean(p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

/** Every pod state seen through a watch, and after each event the nodes lacking a ready pod and
 * the most pods one node had at once. */
class PodTimeline {
  readonly pods = new Map<string, Pod>();
  /** uid → the index of the event where it was first seen ready. */
  readonly readyAt = new Map<string, number>();
  readonly addedAt = new Map<string, number>();
  maxUnready = 0;
  maxPerNode = 0;
  private events = 0;
  private stream: WatchStream | undefined;

  constructor(private readonly c: UpCluster, private readonly selector: string, private readonly nodes: readonly string[]) {}

  async start(): Promise<void> {
    const list = await this.c.cp.client.list<Pod>(podsResource, 'default', { labelSelector: this.selector });
    for (const p of list.items) this.pods.set(p.metadata.uid ?? '', p);
    this.stream = this.c.cp.client.watch(podsResource, 'default', { labelSelector: this.selector, resourceVersion: list.metadata?.resourceVersion ?? '' }, (e) => {
      const p = e.object as Pod;
      const uid = p.metadata.uid ?? '';
      this.events++;
      if (e.type === 'DELETED') this.pods.delete(uid);
      else if (e.type === 'ADDED' || e.type === 'MODIFIED') {
        if (!this.addedAt.has(uid)) this.addedAt.set(uid, this.events);
        this.pods.set(uid, p);
        if (ready(p) && !this.readyAt.has(uid)) this.readyAt.set(uid, this.events);
      }
      const all = [...this.pods.values()];
      const unready = this.nodes.filter((n) => !all.some((x) => x.spec.nodeName === n && ready(x))).length;
      this.maxUnready = Math.max(this.maxUnready, unready);
      for (const n of this.nodes) this.maxPerNode = Math.max(this.maxPerNode, all.filter((x) => x.spec.nodeName === n && !x.metadata.deletionTimestamp).length);
    }, () => undefined);
  }

  stop(): void {
    this.stream?.stop();
  }
}

describe('DaemonSet updates on skiff up', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 3 });
  });
  after(async () => {
    await c.stop();
  });
  const client = () => c.cp.client;
  const allReady = async (app: string, check: (p: Pod) => boolean = () => true): Promise<Pod[] | undefined> => {
    const list = live(await podsWith(client(), 'default', `app=${app}`));
    return list.length === c.nodeNames.length && list.every((p) => ready(p) && check(p)) && new Set(list.map((p) => p.spec.nodeName)).size === c.nodeNames.length ? list : undefined;
  };

  test('kubectl set image rolls node by node; rollout status, history and undo', async () => {
    const name = `agent-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiDs(name, { app: name }) });
    assert.match(await c.kubectl.ok(['rollout', 'status', `ds/${name}`, '--timeout=60s']), new RegExp(`daemon set "${name}" successfully rolled out`));
    const first = await waitFor('a ready pod per node', () => allReady(name), 60_000, 100);
    const firstHash = first[0]!.metadata.labels?.['controller-revision-hash'];
    const revs = async () => (await client().list<ControllerRevision>(controllerRevisions, 'default', { labelSelector: `app=${name}` })).items;
    assert.deepEqual((await revs()).map((r) => [r.metadata.name, r.revision]), [[`${name}-${firstHash}`, 1]]);

    const timeline = new PodTimeline(c, `app=${name}`, c.nodeNames);
    await timeline.start();
    const tag = `1.${randomInt(30, 36)}`;
    assert.match(await c.kubectl.ok(['set', 'image', `ds/${name}`, `web=busybox:${tag}`]), new RegExp(`daemonset.apps/${name} image updated`));
    const out = await c.kubectl.ok(['rollout', 'status', `ds/${name}`, '--timeout=90s']);
    assert.match(out, /Waiting for daemon set ".*" rollout to finish: \d out of 3 new pods have been updated/);
    assert.match(out, new RegExp(`daemon set "${name}" successfully rolled out`));
    const second = await waitFor('every node updated', () => allReady(name, (p) => p.spec.containers[0]?.image === `busybox:${tag}`), 60_000, 100);
    timeline.stop();
    assert.ok(second.every((p) => !first.some((f) => f.metadata.uid === p.metadata.uid)));
    // One node at a time: each new pod appeared only after the one before it was ready.
    const order = [...second].sort((a, b) => timeline.addedAt.get(a.metadata.uid!)! - timeline.addedAt.get(b.metadata.uid!)!);
    for (let i = 1; i < order.length; i++) {
      assert.ok(timeline.addedAt.get(order[i]!.metadata.uid!)! > timeline.readyAt.get(order[i - 1]!.metadata.uid!)!, `pod ${i} came before pod ${i - 1} was ready`);
    }
    assert.equal(timeline.maxUnready, 1, 'maxUnavailable 1: never two nodes without a ready pod');
    const secondHash = second[0]!.metadata.labels?.['controller-revision-hash'];
    assert.notEqual(secondHash, firstHash);

    const history = await c.kubectl.ok(['rollout', 'history', `ds/${name}`]);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    assert.match(await c.kubectl.ok(['rollout', 'history', `ds/${name}`, '--revision=2']), new RegExp(`Image:\\s+busybox:${tag.replace('.', '\\.')}`));
    assert.match(await c.kubectl.ok(['get', 'controllerrevisions']), new RegExp(`^${name}-${secondHash}\\s+daemonset.apps/${name}\\s+2\\s`, 'm'));

    assert.match(await c.kubectl.ok(['rollout', 'undo', `ds/${name}`]), new RegExp(`daemonset.apps/${name} rolled back`));
    await c.kubectl.ok(['rollout', 'status', `ds/${name}`, '--timeout=90s']);
    const back = await waitFor('back to the first image', () => allReady(name, (p) => p.spec.containers[0]?.image === 'busybox'), 60_000, 100);
    assert.ok(back.every((p) => p.metadata.labels?.['controller-revision-hash'] === firstHash));
    assert.deepEqual((await revs()).map((r) => [r.metadata.name, r.revision]).sort((a, b) => Number(a[1]) - Number(b[1])), [[`${name}-${secondHash}`, 2], [`${name}-${firstHash}`, 3]]);
    const ds = await client().get<DaemonSet>(daemonSets, 'default', name);
    assert.equal(ds.status?.updatedNumberScheduled, 3);
    assert.equal(ds.status?.observedGeneration, ds.metadata.generation);
    await c.kubectl.ok(['delete', 'ds', name]);
    await waitFor('revisions collected with the daemon set', async () => (await revs()).length === 0, 30_000, 100);
  });

  test('maxSurge: the new pod starts beside the old one, no node is ever without a ready pod', async () => {
    const name = `surge-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiDs(name, { app: name }) });
    await c.kubectl.ok(['patch', 'ds', name, '-p', JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } } })]);
    await waitFor('a ready pod per node', () => allReady(name), 60_000, 100);
    const timeline = new PodTimeline(c, `app=${name}`, c.nodeNames);
    await timeline.start();
    const stamp = suffix();
    await c.kubectl.ok(['set', 'env', `ds/${name}`, `STAMP=${stamp}`]);
    await c.kubectl.ok(['rollout', 'status', `ds/${name}`, '--timeout=90s']);
    await waitFor('every node updated', () => allReady(name, (p) => Boolean(p.spec.containers[0]?.env?.some((e) => e.value === stamp))), 60_000, 100);
    timeline.stop();
    assert.equal(timeline.maxUnready, 0);
    assert.equal(timeline.maxPerNode, 2);
    await c.kubectl.ok(['delete', 'ds', name]);
  });

  test('OnDelete: pods keep the old template until deleted', async () => {
    const name = `ondel-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiDs(name, { app: name }) });
    await c.kubectl.ok(['patch', 'ds', name, '--type=merge', '-p', JSON.stringify({ spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } } })]);
    const first = await waitFor('a ready pod per node', () => allReady(name), 60_000, 100);
    await c.kubectl.ok(['set', 'image', `ds/${name}`, 'web=busybox:1.36']);
    await waitFor('observed', async () => {
      const d = await client().get<DaemonSet>(daemonSets, 'default', name);
      return d.status?.observedGeneration === d.metadata.generation ? d : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const same = live(await podsWith(client(), 'default', `app=${name}`));
    assert.deepEqual(same.map((p) => p.metadata.uid).sort(), first.map((p) => p.metadata.uid).sort());
    const victim = first[randomInt(0, first.length - 1)]!;
    await c.kubectl.ok(['delete', 'pod', victim.metadata.name!]);
    const replaced = await waitFor('the replacement runs the new image', async () => {
      const list = await allReady(name);
      return list?.find((p) => p.spec.nodeName === victim.spec.nodeName && p.spec.containers[0]?.image === 'busybox:1.36');
    }, 60_000, 100);
    assert.notEqual(replaced.metadata.labels?.['controller-revision-hash'], victim.metadata.labels?.['controller-revision-hash']);
    const status = await c.kubectl.run(['rollout', 'status', `ds/${name}`]);
    assert.notEqual(status.code, 0);
    assert.match(status.stderr, /rollout status is only available for RollingUpdate strategy type/);
    await c.kubectl.ok(['delete', 'ds', name]);
  });
});
