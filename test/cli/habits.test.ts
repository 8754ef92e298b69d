/** kubectl's habits at skiff's command line: global flags before the verb as after it, unknown
 * verbs and flags answered in kubectl's words — each beside the real kubectl on one cluster. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { skiff } from './run.js';

describe('kubectl habits', () => {
  let c: SimCluster;
  let kc: string;
  const ns = `habits-${Math.random().toString(36).slice(2, 7)}`;
  before(async () => {
    c = await startSimCluster({ nodes: 1 });
    kc = c.server.kubeconfig;
    await c.kubectl.run(['create', 'namespace', ns]);
    await c.kubectl.run(['-n', ns, 'create', 'configmap', 'cm-a', '--from-literal=k=v']);
  });
  after(async () => {
    await c.stop();
  });

  for (const [name, args] of [
    ['--kubeconfig F -n NS before the verb', () => ['--kubeconfig', kc, '-n', ns, 'get', 'configmaps', 'cm-a', '-o', 'name']],
    ['--kubeconfig=F --namespace=NS before the verb', () => [`--kubeconfig=${kc}`, `--namespace=${ns}`, 'get', 'configmaps', 'cm-a', '-o', 'name']],
    ['-n NS before, --kubeconfig after', () => ['-n', ns, 'get', 'configmaps', 'cm-a', '-o', 'name', '--kubeconfig', kc]],
  ] as const) {
    test(name, async () => {
      const mine = await skiff(undefined, args());
      const theirs = await c.kubectl.run(args());
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(mine.code, 0, mine.stderr);
      assert.equal(mine.stdout, 'configmap/cm-a\n');
      assert.equal(mine.stdout, theirs.stdout);
    });
  }

  test('an unknown verb: kubectl\'s error and the verbs it may mean', async () => {
    const r = await skiff(kc, ['gte', 'pods']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: unknown command "gte" for "skiff"\n\nDid you mean this\?\n\tget\n/);
    const far = await skiff(kc, ['zzzzzz']);
    assert.match(far.stderr, /^error: unknown command "zzzzzz" for "skiff"\n/);
    assert.doesNotMatch(far.stderr, /Did you mean/);
  });

  test('an unknown flag: kubectl\'s words and where the usage is', async () => {
    const r = await skiff(kc, ['get', 'pods', '--no-such-flag']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "error: unknown flag: --no-such-flag\nSee 'skiff get --help' for usage.\n");
  });
});
