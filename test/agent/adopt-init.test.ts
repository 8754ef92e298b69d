/** An agent restarted over a pod that was initialized before: it takes over the running
 * containers and does not run init containers again, whether the runtime still knows their
 * finished runs or has lost them (kubelet: a regular container running means initialization
 * happened); a sidecar whose run is gone is started again. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { NodeAgent, SharedAgentFeed } from '../../src/agent/index.js';
import { FakeRuntime } from '../../src/runtime/fake/index.js';
import type { RecoveredContainer, RecoveredSandbox, RunningContainer, Sandbox } from '../../src/runtime/runtime.js';
import { InformerFactory } from '../../src/client/factory.js';
import { logger } from '../../src/util/log.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { podBuilder, containerBuilder } from '../helpers/builders.js';
import { suffix } from '../controlplane/fixtures.js';

/** A fake runtime that hands back, once, what "an earlier agent" left, and notes later starts. */
class LeftoverRuntime extends FakeRuntime {
  readonly started: string[] = [];
  leftover: RecoveredSandbox[] = [];

  override async startContainer(sandbox: Sandbox, pod: Pod, container: Container): Promise<RunningContainer> {
    this.started.push(container.name);
    return super.startContainer(sandbox, pod, container);
  }

  recover(): Promise<RecoveredSandbox[]> {
    return Promise.resolve(this.leftover);
  }
}

describe('adopting an initialized pod', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await cluster.stop();
  });
  const cases = [
    { name: 'the init container\'s finished run is known', initRunKnown: true },
    { name: 'the init container\'s run is gone', initRunKnown: false },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const node = `adopt-${suffix()}`;
      const runtime = new LeftoverRuntime({ podAddressPrefix: '10.78.4.', runSeconds: 0.05 });
      const informers = new InformerFactory(cluster.client);
      let agent: NodeAgent | undefined;
      try {
        const name = `warm-${suffix()}`;
        const init = `setup-${suffix()}`;
        const pod = await cluster.client.create<Pod>(pods, podBuilder(name).noContainers().podField('nodeName', node)
          .initContainer(containerBuilder(init))
          .initContainer(containerBuilder('proxy').set('restartPolicy', 'Always'))
          .container(containerBuilder('app')).build() as Pod);
        // What the earlier agent left: the app running; the init container done (or forgotten).
        const sandbox = await runtime.runSandbox(pod);
        const app = await runtime.startContainer(sandbox, pod, pod.spec.containers[0]!);
        runtime.started.length = 0;
        const left: RecoveredContainer[] = [{ name: 'app', attempt: 0, run: app }];
        if (c.initRunKnown) {
          const finishedAt = new Date(Date.now() - 5000);
          left.push({ name: init, attempt: 0, run: { id: `fake://done-${suffix()}`, name: init, imageId: 'fake://busybox', startedAt: new Date(finishedAt.getTime() - 1000), exited: Promise.resolve({ exitCode: 0, reason: 'Completed', finishedAt }) } });
        }
        runtime.leftover = [{ sandbox, containers: left }];

        const feed = new SharedAgentFeed(informers);
        await informers.start();
        agent = new NodeAgent({
          client: cluster.client, runtime, feed, log: logger('agent'), restartBackoffMs: 50,
          identity: { name: node, address: '127.1.78.4', podCIDR: '10.78.4.0/24', labels: {}, capacity: { cpu: '4', memory: '4Gi', pods: '10' } },
        });
        await agent.start();
        const p = await waitFor('running with the sidecar back', async () => {
          const x = await cluster.client.get<Pod>(pods, 'default', name);
          return x.status?.phase === 'Running' && x.status.initContainerStatuses?.[1]?.state?.running ? x : undefined;
        });
        assert.deepEqual(runtime.started, ['proxy'], 'only the sidecar was started again');
        assert.equal(p.status?.containerStatuses?.[0]?.containerID, app.id, 'the app was taken over');
        assert.equal(p.status?.conditions?.find((x) => x.type === 'Initialized')?.status, 'True');
        if (c.initRunKnown) assert.equal(p.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
      } finally {
        await agent?.stop();
        informers.stop();
      }
    });
  }
});
