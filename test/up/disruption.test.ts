/** Disruptions on `skiff up` (three nodes, real processes) with the real kubectl: budgets and
 * their status, `kubectl get pdb`, the eviction subresource (429 while a budget forbids it, 201 and
 * one disruption fewer otherwise), and `kubectl drain` (1.32 and 1.27) moving a Deployment's pods
 * off a node one at a time without ever going under the budget, DaemonSet pods left in place. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, PodDisruptionBudget } from '../../src/api/kinds.js';
import { nodes, podDisruptionBudgets, pods } from '../../src/api/resources.js';
import { ApiError } from '../../src/api/errors.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, randomInt, suffix } from '../controlplane/fixtures.js';
import { skiff } from '../cli/run.js';

const isReady = (p: Pod): boolean => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

function deployment(name: string, replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'web', image: 'nginx', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
          volumes: [{ name: 'scratch', emptyDir: {} }],
        },
      },
    },
  });
}

function budget(name: string, app: string, bound: { minAvailable?: number | string; maxUnavailable?: number | string }): string {
  return JSON.stringify({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { ...bound, selector: { matchLabels: { app } } } });
}

function daemonSet(name: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { ds: name } },
      template: { metadata: { labels: { ds: name } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'agent', image: 'nginx' }] } },
    },
  });
}

describe('disruption budgets, eviction and drain on skiff up', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 3 });
  });
  after(async () => {
    await c.stop();
  });
  const client = () => c.cp.client;
  const appPods = async (app: string): Promise<Pod[]> => (await client().list<Pod>(pods, 'default', { labelSelector: `app=${app}` })).items;
  const getPdb = (name: string) => client().get<PodDisruptionBudget>(podDisruptionBudgets, 'default', name);
  const settled = (name: string, want: Partial<Record<'currentHealthy' | 'desiredHealthy' | 'expectedPods' | 'disruptionsAllowed', number>>) =>
    waitFor(`budget ${name} status ${JSON.stringify(want)}`, async () => {
      const b = await getPdb(name);
      const s = b.status;
      const ok = s && s.observedGeneration === b.metadata.generation && Object.entries(want).every(([k, v]) => s[k as keyof typeof s] === v);
      return ok ? b : undefined;
    }, 60_000, 100);
  const runningDeployment = async (name: string, replicas: number) => {
    await c.kubectl.ok(['apply', '-f', '-'], { input: deployment(name, replicas) });
    await waitFor(`${replicas} ready pods of ${name}`, async () => live(await appPods(name)).filter(isReady).length === replicas, 60_000, 100);
  };

  test('budgets: validation, status from ints, percentages and maxUnavailable, `kubectl get pdb`', async () => {
    const app = `v-${suffix()}`;
    const replicas = randomInt(2, 4);
    await runningDeployment(app, replicas);
    const both = await c.kubectl.run(['create', '-f', '-'], { input: budget(`both-${app}`, app, { minAvailable: 1, maxUnavailable: 1 }) });
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /spec: Invalid value: .*minAvailable and maxUnavailable cannot be both set/);
    const bad = await c.kubectl.run(['create', '-f', '-'], { input: budget(`bad-${app}`, app, { minAvailable: '120%' }) });
    assert.match(bad.stderr, /spec.minAvailable: Invalid value: "120%": must not be greater than 100%/);
    const neg = await c.kubectl.run(['create', '-f', '-'], { input: budget(`neg-${app}`, app, { maxUnavailable: -1 }) });
    assert.match(neg.stderr, /spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0/);

    const cases = [
      { name: `int-${app}`, bound: { minAvailable: replicas - 1 }, desired: replicas - 1, shown: [String(replicas - 1), 'N/A'] },
      { name: `pct-${app}`, bound: { minAvailable: '50%' }, desired: Math.ceil(replicas / 2), shown: ['50%', 'N/A'] },
      { name: `max-${app}`, bound: { maxUnavailable: 1 }, desired: replicas - 1, shown: ['N/A', '1'] },
    ];
    for (const k of cases) {
      assert.match(await c.kubectl.ok(['create', '-f', '-'], { input: budget(k.name, app, k.bound) }), new RegExp(`poddisruptionbudget.policy/${k.name} created`));
    }
    for (const k of cases) {
      const b = await settled(k.name, { currentHealthy: replicas, desiredHealthy: k.desired, expectedPods: replicas, disruptionsAllowed: replicas - k.desired });
      const cond = b.status?.conditions?.find((x) => x.type === 'DisruptionAllowed');
      assert.deepEqual([cond?.status, cond?.reason], ['True', 'SufficientPods']);
    }
    const table = await c.kubectl.ok(['get', 'pdb']);
    assert.match(table, /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE/);
    for (const k of cases) {
      assert.match(table, new RegExp(`${k.name}\\s+${k.shown[0]}\\s+${k.shown[1]}\\s+${replicas - k.desired}\\s+\\d+s`));
    }
    // The budget's status follows a scale-down: fewer healthy pods, nothing allowed.
    await c.kubectl.ok(['scale', `deployment/${app}`, `--replicas=${replicas - 1}`]);
    const b = await settled(`int-${app}`, { currentHealthy: replicas - 1, expectedPods: replicas - 1, disruptionsAllowed: 0 });
    assert.equal(b.status?.conditions?.find((x) => x.type === 'DisruptionAllowed')?.reason, 'InsufficientPods');
    await c.kubectl.ok(['delete', 'deployment', app]);
    await c.kubectl.ok(['delete', 'pdb', ...cases.map((k) => k.name)]);
  });

  test('eviction: 201 and one disruption fewer while allowed, 429 once the budget is used up', async () => {
    const app = `e-${suffix()}`;
    const replicas = randomInt(3, 4);
    const allowed = randomInt(1, 2);
    await runningDeployment(app, replicas);
    await c.kubectl.ok(['create', '-f', '-'], { input: budget(app, app, { maxUnavailable: allowed }) });
    await settled(app, { disruptionsAllowed: allowed, currentHealthy: replicas });
    const victims = live(await appPods(app)).slice(0, allowed + 1);
    const evict = (p: Pod) => client().request('POST', `/api/v1/namespaces/default/pods/${p.metadata.name}/eviction`, {
      apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.metadata.name, namespace: 'default' },
    });
    for (const p of victims.slice(0, allowed)) {
      const answer = (await evict(p)) as { status?: string; code?: number };
      assert.deepEqual([answer.status, answer.code], ['Success', 201]);
    }
    const after = await getPdb(app);
    assert.equal(after.status?.disruptionsAllowed, 0);
    assert.deepEqual(Object.keys(after.status?.disruptedPods ?? {}).sort(), victims.slice(0, allowed).map((p) => p.metadata.name).sort());
    const refused = await evict(victims[allowed]!).then(() => undefined, (err: unknown) => err);
    assert.ok(refused instanceof ApiError, String(refused));
    assert.equal(refused.code, 429);
    assert.equal(refused.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    // The evicted pods are replaced; the budget allows again and the v1beta1 form is served too.
    await settled(app, { disruptionsAllowed: allowed, currentHealthy: replicas });
    const gone = victims[allowed]!;
    await client().request('POST', `/api/v1/namespaces/default/pods/${gone.metadata.name}/eviction`, {
      apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: gone.metadata.name }, deleteOptions: { gracePeriodSeconds: 0 },
    });
    await waitFor(`${gone.metadata.name} gone`, async () => !(await appPods(app)).some((p) => p.metadata.uid === gone.metadata.uid), 30_000, 100);
    // RBAC: pods/eviction create is edit's, not view's.
    const viewer = `viewer-${suffix()}`;
    const editor = `editor-${suffix()}`;
    await c.kubectl.ok(['create', 'rolebinding', viewer, '--clusterrole=view', `--user=${viewer}`]);
    await c.kubectl.ok(['create', 'rolebinding', editor, '--clusterrole=edit', `--user=${editor}`]);
    assert.equal((await c.kubectl.run([`--as=${viewer}`, 'auth', 'can-i', 'create', 'pods/eviction'])).stdout.trim(), 'no');
    assert.equal((await c.kubectl.run([`--as=${editor}`, 'auth', 'can-i', 'create', 'pods/eviction'])).stdout.trim(), 'yes');
    assert.equal((await c.kubectl.run([`--as=${viewer}`, 'get', 'pdb', app])).code, 0);
    const target = live(await appPods(app))[0]!;
    const denied = await c.kubectl.run([`--as=${viewer}`, 'drain', target.spec.nodeName!, '--pod-selector', `app=${app}`, '--delete-emptydir-data', '--ignore-daemonsets', '--timeout=20s'], { timeoutMs: 40_000 });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /forbidden/);
    await c.kubectl.ok(['delete', 'rolebinding', viewer, editor]);
    await c.kubectl.ok(['delete', 'deployment', app]);
    await c.kubectl.ok(['delete', 'pdb', app]);
  });

  type Runner = { run(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>; ok(args: readonly string[], opts?: { input?: string }): Promise<string> };
  const skiffRunner = (): Runner => {
    const kc = c.cp.server.kubeconfigPath;
    return {
      run: (args, opts) => skiff(kc, args, opts),
      ok: async (args, opts) => {
        const r = await skiff(kc, args, opts);
        if (r.code !== 0) throw new Error(`skiff ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
        return r.stdout;
      },
    };
  };
  const runners: [string, () => Runner][] = [
    ['kubectl', () => c.kubectl],
    ['kubectl 1.27', () => new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27))],
    ['skiff', skiffRunner],
  ];

  test('drain refuses DaemonSet pods, emptyDir data and unmanaged pods without their flags, in kubectl\'s words', async () => {
    const app = `r-${suffix()}`;
    const ds = `rds-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: daemonSet(ds) });
    await runningDeployment(app, 3);
    const node = live(await appPods(app))[0]!.spec.nodeName!;
    const bare = `bare-${suffix()}`;
    await c.kubectl.ok(['run', bare, '--image=nginx', `--overrides={"spec":{"nodeName":"${node}"}}`]);
    // kubectl lists the refusals in Go's map order, which varies: compare them as sets.
    const norm = (text: string): string => text
      .replace(/\[(.*)\]/, (_m, list: string) => `[${list.split(/, (?=cannot delete )/).sort().join(', ')}]`)
      .replace(/(There are pending nodes to be drained:\n \S+\n)([\s\S]*)$/, (_m, head: string, tail: string) => head + tail.split('\n').filter(Boolean).sort().join('\n'));
    const outputs: { code: number; stdout: string; stderr: string }[] = [];
    for (const [, runner] of runners) {
      const r = await runner().run(['drain', node]);
      outputs.push({ ...r, stderr: norm(r.stderr) });
      await c.kubectl.ok(['uncordon', node]);
    }
    assert.notEqual(outputs[0]!.code, 0);
    assert.match(outputs[0]!.stderr, /cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\)/);
    assert.equal(outputs[2]!.stdout, outputs[0]!.stdout);
    assert.equal(outputs[2]!.stderr, outputs[0]!.stderr);
    assert.equal(outputs[2]!.code, outputs[0]!.code);
    assert.equal(live(await appPods(app)).length, 3, 'nothing evicted');
    await c.kubectl.ok(['delete', 'pod', bare, '--grace-period=0']);
    await c.kubectl.ok(['delete', 'deployment', app]);
    await c.kubectl.ok(['delete', 'daemonset', ds]);
  });

  for (const [label, runner] of runners) {
    test(`${label} drain: pods move one at a time within the budget; cordon/uncordon`, async () => {
      const kubectl = runner();
      const app = `d-${suffix()}`;
      const ds = `ds-${suffix()}`;
      const replicas = randomInt(4, 5);
      await kubectl.ok(['apply', '-f', '-'], { input: daemonSet(ds) });
      await runningDeployment(app, replicas);
      await kubectl.ok(['create', '-f', '-'], { input: budget(app, app, { minAvailable: replicas - 1 }) });
      await settled(app, { disruptionsAllowed: 1, currentHealthy: replicas });
      // The node with the most of the app's pods.
      const byNode = new Map<string, number>();
      for (const p of live(await appPods(app))) byNode.set(p.spec.nodeName ?? '', (byNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
      const [node, onNode] = [...byNode].sort((a, b) => b[1] - a[1])[0]!;
      // Watch the ready, non-terminating pods throughout the drain.
      let lowest = replicas;
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const up = live(await appPods(app)).filter(isReady).length;
          lowest = Math.min(lowest, up);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const drain = await kubectl.run(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s'], { timeoutMs: 130_000 });
      watching = false;
      await watcher;
      assert.equal(drain.code, 0, drain.stderr);
      const out = drain.stdout + drain.stderr;
      assert.match(out, new RegExp(`node/${node} cordoned`));
      assert.match(out, new RegExp(`Warning: .*ignoring DaemonSet-managed Pods: (default/\\S+, )*default/${ds}-`));
      assert.match(out, new RegExp(`node/${node} drained`));
      assert.equal((out.match(/pod\/\S+ evicted/g) ?? []).length, onNode);
      if (onNode > 1) assert.match(out, /\(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
      assert.ok(lowest >= replicas - 1, `ready pods went down to ${lowest}, under the budget's ${replicas - 1}`);
      // Everything of the app runs elsewhere; the daemon set's pod stays.
      const now = await waitFor('the app back to full strength', async () => {
        const up = live(await appPods(app)).filter(isReady);
        return up.length === replicas ? up : undefined;
      }, 60_000, 100);
      assert.ok(now.every((p) => p.spec.nodeName !== node), 'no app pod on the drained node');
      const dsPods = (await client().list<Pod>(pods, 'default', { labelSelector: `ds=${ds}` })).items;
      assert.ok(dsPods.some((p) => p.spec.nodeName === node && !p.metadata.deletionTimestamp), 'the daemon set pod stays');
      assert.equal((await client().get<Node>(nodes, undefined, node)).spec?.unschedulable, true);
      assert.match(await kubectl.ok(['get', 'nodes']), new RegExp(`${node}\\s+Ready,SchedulingDisabled`));
      // A cordoned node takes no new pods.
      await kubectl.ok(['scale', `deployment/${app}`, `--replicas=${replicas + 2}`]);
      const grown = await waitFor('the scaled-up pods placed', async () => {
        const up = live(await appPods(app)).filter((p) => p.spec.nodeName);
        return up.length === replicas + 2 ? up : undefined;
      }, 60_000, 100);
      assert.ok(grown.every((p) => p.spec.nodeName !== node));
      assert.match(await kubectl.ok(['uncordon', node]), new RegExp(`node/${node} uncordoned`));
      assert.notEqual((await client().get<Node>(nodes, undefined, node)).spec?.unschedulable, true);
      assert.match(await kubectl.ok(['cordon', node]), new RegExp(`node/${node} cordoned`));
      assert.match(await kubectl.ok(['uncordon', node]), new RegExp(`node/${node} uncordoned`));
      await kubectl.ok(['delete', 'deployment', app]);
      await kubectl.ok(['delete', 'daemonset', ds]);
      await kubectl.ok(['delete', 'pdb', app]);
    });
  }
});
