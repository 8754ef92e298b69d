/** A node agent on the fake runtime through a real API server: init containers one after another
 * before the regular ones, retries by policy, sidecars kept running and stopped last in reverse
 * order, the pod completing around its sidecars, and activeDeadlineSeconds. The runtime records
 * every start and stop so the order is asserted as it happened. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Event, Pod } from '../../src/api/kinds.js';
import { events, pods } from '../../src/api/resources.js';
import { NodeAgent, SharedAgentFeed } from '../../src/agent/index.js';
import { FakeRuntime, simContainerAnnotation } from '../../src/runtime/fake/index.js';
import type { RunningContainer, Sandbox } from '../../src/runtime/runtime.js';
import { InformerFactory } from '../../src/client/factory.js';
import { EventRecorder } from '../../src/client/events.js';
import { logger } from '../../src/util/log.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { podBuilder, containerBuilder } from '../helpers/builders.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

/** The fake runtime, noting `start <pod>/<container>` and `stop <pod>/<container>` as they happen. */
class RecordingRuntime extends FakeRuntime {
  readonly log: string[] = [];
  private readonly names = new Map<string, string>();

  override async startContainer(sandbox: Sandbox, pod: Pod, container: Container): Promise<RunningContainer> {
    const run = await super.startContainer(sandbox, pod, container);
    const key = `${pod.metadata.name ?? ''}/${container.name}`;
    this.names.set(run.id, key);
    this.log.push(`start ${key}`);
    void run.exited.then(() => this.log.push(`exit ${key}`));
    return run;
  }

  override stopContainer(id: string): Promise<void> {
    const key = this.names.get(id);
    if (key) this.log.push(`stop ${key}`);
    return super.stopContainer(id);
  }

  of(pod: string): string[] {
    return this.log.filter((l) => l.split(' ')[1]?.startsWith(`${pod}/`)).map((l) => l.replace(`${pod}/`, ''));
  }
}

describe('init containers and sidecars on a node', () => {
  let c: TestCluster;
  let agent: NodeAgent;
  let informers: InformerFactory;
  const runtime = new RecordingRuntime({ podAddressPrefix: '10.77.3.', runSeconds: 0.05 });
  const node = `init-node-${suffix()}`;

  before(async () => {
    c = await startTestCluster();
    informers = new InformerFactory(c.client);
    const feed = new SharedAgentFeed(informers);
    await informers.start();
    agent = new NodeAgent({
      client: c.client,
      runtime,
      feed,
      log: logger('agent'),
      identity: { name: node, address: '127.1.77.3', podCIDR: '10.77.3.0/24', labels: {}, capacity: { cpu: '8', memory: '8Gi', pods: '50' } },
      restartBackoffMs: 50,
      recorder: new EventRecorder(c.client, { component: 'kubelet', host: node }),
    });
    await agent.start();
  });
  after(async () => {
    await agent.stop();
    informers.stop();
    await c.stop();
  });

  const get = (name: string) => c.client.get<Pod>(pods, 'default', name);
  const until = (name: string, what: string, ok: (p: Pod) => boolean, ms = 10_000) =>
    waitFor(`${name}: ${what}`, async () => { const p = await get(name); return ok(p) ? p : undefined; }, ms);
  const create = (b: ReturnType<typeof podBuilder>) => c.client.create<Pod>(pods, b.podField('nodeName', node).build() as Pod);

  test('init containers run one at a time, in order, before every regular container', async () => {
    const name = `seq-${suffix()}`;
    const inits = Array.from({ length: randomInt(2, 4) }, (_, i) => `init-${i}-${suffix()}`);
    const regular = Array.from({ length: randomInt(1, 3) }, (_, i) => `app-${i}`);
    const b = podBuilder(name).noContainers().restartPolicy('Always');
    for (const i of inits) b.initContainer(containerBuilder(i));
    for (const r of regular) b.container(containerBuilder(r));
    await create(b);
    const p = await until(name, 'running', (x) => x.status?.phase === 'Running');
    const seen = runtime.of(name);
    // Each init container starts only after the one before it exited.
    const want = inits.flatMap((i) => [`start ${i}`, `exit ${i}`]);
    assert.deepEqual(seen.slice(0, want.length), want);
    assert.deepEqual(seen.slice(want.length).filter((l) => l.startsWith('start')).sort(), regular.map((r) => `start ${r}`).sort());
    assert.deepEqual(p.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason, s.ready]), inits.map((i) => [i, 'Completed', true]));
    assert.equal(p.status?.conditions?.find((x) => x.type === 'Initialized')?.status, 'True');
  });

  test('a failing init container under Never fails the pod; nothing after it starts', async () => {
    const name = `fails-${suffix()}`;
    const code = randomInt(1, 120);
    const b = podBuilder(name).noContainers().restartPolicy('Never')
      .annotations({ [simContainerAnnotation('exitCode', 'check')]: String(code) })
      .initContainer(containerBuilder('check')).initContainer(containerBuilder('after')).container(containerBuilder('app'));
    await create(b);
    const p = await until(name, 'Failed', (x) => x.status?.phase === 'Failed');
    assert.equal(p.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode, code);
    assert.equal(p.status?.initContainerStatuses?.[1]?.state?.waiting?.reason, 'PodInitializing');
    assert.equal(p.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    const init = p.status?.conditions?.find((x) => x.type === 'Initialized');
    assert.deepEqual([init?.status, init?.reason, init?.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [check after]']);
    assert.deepEqual(runtime.of(name).filter((l) => l.startsWith('start')), ['start check']);
  });

  for (const policy of ['Always', 'OnFailure']) {
    test(`a failing init container under ${policy} is retried with back-off; the pod stays Pending`, async () => {
      const name = `retry-${policy.toLowerCase()}-${suffix()}`;
      const b = podBuilder(name).noContainers().restartPolicy(policy)
        .annotations({ [simContainerAnnotation('exitCode', 'migrate')]: '3' })
        .initContainer(containerBuilder('migrate')).container(containerBuilder('app'));
      await create(b);
      const p = await until(name, 'restarted twice', (x) => (x.status?.initContainerStatuses?.[0]?.restartCount ?? 0) >= 2);
      assert.equal(p.status?.phase, 'Pending');
      assert.equal(p.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
      const cs = p.status?.initContainerStatuses?.[0];
      assert.equal(cs?.lastState?.terminated?.exitCode ?? cs?.state?.terminated?.exitCode, 3);
      await until(name, 'CrashLoopBackOff', (x) => x.status?.initContainerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
      assert.ok(!runtime.of(name).includes('start app'), 'the regular container never started');
      await c.client.delete(pods, 'default', name, { gracePeriodSeconds: 0 });
    });
  }

  test('a sidecar runs alongside, is restarted when it exits, and a Never pod completes around it', async () => {
    const name = `side-${suffix()}`;
    const b = podBuilder(name).noContainers().restartPolicy('Never')
      .annotations({ [simContainerAnnotation('runSeconds', 'job')]: '1.2', [simContainerAnnotation('runSeconds', 'flaky')]: '0.3', [simContainerAnnotation('exitCode', 'flaky')]: '1' })
      .initContainer(containerBuilder('proxy').set('restartPolicy', 'Always'))
      .initContainer(containerBuilder('flaky').set('restartPolicy', 'Always'))
      .container(containerBuilder('job'));
    await create(b);
    const running = await until(name, 'running with the proxy ready', (x) => x.status?.phase === 'Running' && x.status.initContainerStatuses?.[0]?.ready === true);
    assert.equal(running.status?.initContainerStatuses?.[0]?.started, true);
    const done = await until(name, 'Succeeded', (x) => x.status?.phase === 'Succeeded');
    const seen = runtime.of(name);
    assert.deepEqual(seen.filter((l) => l.startsWith('start')).slice(0, 3), ['start proxy', 'start flaky', 'start job']);
    assert.ok(seen.filter((l) => l === 'start flaky').length >= 2, `the exiting sidecar was restarted: ${seen.join(', ')}`);
    // Once the job ended, the sidecars were stopped: the later one first.
    const stops = seen.filter((l) => l.startsWith('stop'));
    assert.equal(stops.at(-1), 'stop proxy', seen.join(', '));
    assert.ok(seen.indexOf('exit job') < seen.indexOf('stop proxy'));
    assert.equal(done.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.ok(done.status?.initContainerStatuses?.every((s) => s.state?.terminated !== undefined), JSON.stringify(done.status?.initContainerStatuses));
  });

  test('deleting a pod stops regular containers first, then sidecars in reverse order', async () => {
    const name = `order-${suffix()}`;
    const sidecars = Array.from({ length: randomInt(2, 3) }, (_, i) => `side-${i}`);
    const b = podBuilder(name).noContainers().restartPolicy('Always');
    for (const s of sidecars) b.initContainer(containerBuilder(s).set('restartPolicy', 'Always'));
    b.container(containerBuilder('web')).container(containerBuilder('worker'));
    await create(b);
    await until(name, 'ready', (x) => x.status?.conditions?.some((k) => k.type === 'Ready' && k.status === 'True') === true);
    await c.client.delete(pods, 'default', name, { gracePeriodSeconds: 5 });
    await waitFor(`${name} gone`, async () => { try { await get(name); return false; } catch { return true; } });
    const stops = runtime.of(name).filter((l) => l.startsWith('stop'));
    assert.deepEqual(stops.slice(0, 2).sort(), ['stop web', 'stop worker']);
    assert.deepEqual(stops.slice(2), [...sidecars].reverse().map((s) => `stop ${s}`));
  });

  test('activeDeadlineSeconds: the pod fails with DeadlineExceeded, its containers stopped, an event', async () => {
    const name = `late-${suffix()}`;
    await create(podBuilder(name).restartPolicy('Always').podField('activeDeadlineSeconds', 1));
    const p = await until(name, 'DeadlineExceeded', (x) => x.status?.phase === 'Failed', 15_000);
    assert.equal(p.status?.reason, 'DeadlineExceeded');
    assert.equal(p.status?.message, 'Pod was active on the node longer than the specified deadline');
    await until(name, 'container terminated', (x) => x.status?.containerStatuses?.[0]?.state?.terminated !== undefined);
    const evs = await waitFor('the event', async () => {
      const list = await c.client.list<Event>(events, 'default');
      return list.items.find((e) => e.involvedObject?.name === name && e.reason === 'DeadlineExceeded');
    });
    assert.equal(evs.type, 'Normal');
    assert.equal(evs.message, 'Pod was active on the node longer than the specified deadline');
  });
});
