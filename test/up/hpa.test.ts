/** HorizontalPodAutoscalers on `skiff up` driven by the real kubectl: `kubectl autoscale` a
 * Deployment whose pods busy-loop against a 50m CPU request, see it scaled to the maximum with
 * upstream's event and conditions, stop the load, and see it come back down after a short
 * scale-down stabilization window; `get hpa` prints kubectl's columns; autoscaling/v1 shows the
 * same object; metrics skiff cannot act on are refused. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

interface Hpa {
  spec: { minReplicas?: number; maxReplicas: number; targetCPUUtilizationPercentage?: number; metrics?: unknown[] };
  status?: { currentReplicas?: number; desiredReplicas?: number; conditions?: { type: string; status: string; reason: string }[]; currentCPUUtilizationPercentage?: number };
}

describe('horizontal pod autoscaling on skiff up', () => {
  let c: UpCluster;
  const ns = `hpa-${suffix()}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-hpa-'));
  const stopFile = path.join(dir, 'stop');
  before(async () => {
    c = await startUpCluster({ nodes: 1, metricsIntervalMs: 1000, loops: { hpaSyncPeriodMs: 1000 } });
    await c.kubectl.ok(['create', 'namespace', ns]);
  });
  after(async () => {
    writeFileSync(stopFile, '');
    await c.kubectl.run(['delete', 'namespace', ns, '--wait=false']);
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const k = (...args: string[]) => c.kubectl.ok(['-n', ns, ...args]);
  const replicas = async (name: string) => Number(await k('get', 'deployment', name, '-o', 'jsonpath={.spec.replicas}'));
  const events = async (name: string) => k('get', 'events', `--field-selector=involvedObject.name=${name},involvedObject.kind=HorizontalPodAutoscaler`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}');

  test('autoscale a Deployment: up to the maximum under CPU load, back to the minimum after it', async () => {
    const name = `burn-${suffix()}`;
    const max = randomInt(3, 4);
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: {
        replicas: 1, selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{
              name: 'load', image: 'busybox', resources: { requests: { cpu: '50m' } },
              // Busy until the test says stop, then idle.
              command: ['sh', '-c', `while [ ! -e ${stopFile} ]; do :; done; exec sleep 3600`],
            }],
          },
        },
      },
    };
    await c.kubectl.ok(['-n', ns, 'create', '-f', '-'], { input: JSON.stringify(deployment) });
    assert.match(await k('autoscale', 'deployment', name, '--min=1', `--max=${max}`, '--cpu-percent=50'), new RegExp(`horizontalpodautoscaler.autoscaling/${name} autoscaled`));
    // A short scale-down window so the test sees the way back in seconds, not 5 minutes.
    await k('patch', 'hpa', name, '--type=merge', '-p', JSON.stringify({ spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 3 } } } }));

    await waitFor('scaled up to the maximum', async () => (await replicas(name)) === max, 90_000, 500);
    const up = await events(name);
    assert.match(up, /SuccessfulRescale: New size: \d+; reason: cpu resource utilization \(percentage of request\) above target/);
    const table = await k('get', 'hpa', name);
    assert.match(table.split('\n')[0]!, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\s*$/);
    assert.match(table.split('\n')[1]!, new RegExp(`^${name}\\s+Deployment/${name}\\s+cpu: (\\d+%|<unknown>)/50%\\s+1\\s+${max}\\s+\\d+\\s+\\S+\\s*$`));
    const hpa = JSON.parse(await k('get', 'hpa.v2.autoscaling', name, '-o', 'json')) as Hpa;
    const conds = new Map((hpa.status?.conditions ?? []).map((x) => [x.type, x]));
    assert.equal(conds.get('AbleToScale')?.status, 'True');
    assert.equal(conds.get('ScalingActive')?.reason, 'ValidMetricFound');
    assert.ok(conds.has('ScalingLimited'));
    // The same object as autoscaling/v1 sees it.
    const v1 = JSON.parse(await c.kubectl.ok(['get', '--raw', `/apis/autoscaling/v1/namespaces/${ns}/horizontalpodautoscalers/${name}`])) as Hpa & { apiVersion: string };
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 50);
    assert.equal(v1.spec.metrics, undefined);

    writeFileSync(stopFile, '');
    await waitFor('scaled back down', async () => (await replicas(name)) === 1, 90_000, 500);
    assert.match(await events(name), /SuccessfulRescale: New size: 1; reason: All metrics below target/);
  });

  test('kubectl 1.27: autoscale a ReplicationController; get hpa shows its reading', async () => {
    const old = new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27));
    const name = `rc-${suffix()}`;
    const rc = {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name },
      spec: { replicas: 1, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'], resources: { requests: { cpu: '100m' } } }] } } },
    };
    await old.ok(['-n', ns, 'create', '-f', '-'], { input: JSON.stringify(rc) });
    assert.match(await old.ok(['-n', ns, 'autoscale', 'rc', name, '--max=2', '--cpu-percent=80']), new RegExp(`horizontalpodautoscaler.autoscaling/${name} autoscaled`));
    const row = await waitFor('a CPU reading', async () => {
      const line = (await old.ok(['-n', ns, 'get', 'hpa', name])).split('\n')[1] ?? '';
      return /cpu: \d+%\/80%/.test(line) ? line : undefined;
    }, 60_000, 500);
    assert.match(row, new RegExp(`^${name}\\s+ReplicationController/${name}\\s+cpu: \\d+%/80%\\s+1\\s+2\\s+1\\s+`));
    const hpa = JSON.parse(await k('get', 'hpa', name, '-o', 'json')) as Hpa;
    assert.equal(hpa.status?.conditions?.find((x) => x.type === 'ScalingActive')?.reason, 'ValidMetricFound');
  });

  test('a StatefulSet below minReplicas is raised to it, with upstream\'s reason', async () => {
    const name = `sts-${suffix()}`;
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name },
      spec: { replicas: 1, serviceName: name, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'], resources: { requests: { cpu: '100m' } } }] } } },
    };
    await c.kubectl.ok(['-n', ns, 'create', '-f', '-'], { input: JSON.stringify(sts) });
    const hpa = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name }, minReplicas: 2, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } } }] },
    };
    await c.kubectl.ok(['-n', ns, 'create', '-f', '-'], { input: JSON.stringify(hpa) });
    await waitFor('raised to minReplicas', async () => Number(await k('get', 'statefulset', name, '-o', 'jsonpath={.spec.replicas}')) === 2, 30_000, 300);
    assert.match(await events(name), /SuccessfulRescale: New size: 2; reason: Current number of replicas below Spec.MinReplicas/);
    const row = await waitFor('a memory reading', async () => {
      const line = (await k('get', 'hpa', name)).split('\n')[1] ?? '';
      return /memory: \d+Ki\/1Gi/.test(line) ? line : undefined;
    }, 30_000, 300);
    assert.match(row, new RegExp(`^${name}\\s+StatefulSet/${name}\\s+memory: \\d+Ki/1Gi\\s+2\\s+3\\s+2\\s+`));
  });

  test('metrics skiff cannot act on are refused with 422, a bad range too', async () => {
    const hpa = (metrics: unknown[], min = 1, maxReplicas = 3) => JSON.stringify({
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: `x-${suffix()}` },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: min, maxReplicas, metrics },
    });
    const pods = await c.kubectl.run(['-n', ns, 'create', '-f', '-'], { input: hpa([{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } }]) });
    assert.notEqual(pods.code, 0);
    assert.match(pods.stderr, /spec\.metrics\[0\]\.type: Unsupported value: "Pods": supported values: "Resource"/);
    const range = await c.kubectl.run(['-n', ns, 'create', '-f', '-'], { input: hpa([], 5, 2) });
    assert.match(range.stderr, /spec\.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`/);
  });
});
