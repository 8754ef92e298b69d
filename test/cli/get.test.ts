/**
 * `skiff get` and `skiff describe` against a simulated cluster, beside the real kubectl: S2's
 * wide RC and pod listings, services with node ports, several kinds at once, output formats, a
 * streaming `-w`, and S22's describers (rc, pod, job, ds, service, node) with Events last. The two
 * clients must agree line by line, ages aside.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Pod } from '../../src/api/kinds.js';
import { nodes } from '../../src/api/resources.js';
import { startSimCluster, type SimCluster } from '../helpers/simcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { live, podsWith, randomInt, seed, suffix } from '../controlplane/fixtures.js';
import { cliMain, skiff, skiffOk } from './run.js';

/** Ages differ by the second between two runs: blank the AGE-like cells out. */
function normalize(text: string): string {
  return text.replace(/\b\d+(\.\d+)?(s|m|h|d|y)(\d+(s|m|h))?\b/g, 'AGE').replace(/ +/g, ' ');
}

describe('skiff get / describe beside kubectl', () => {
  let c: SimCluster;
  let kc: string;
  const ns = 'default';
  before(async () => {
    c = await startSimCluster({ nodes: 3 });
    kc = c.server.kubeconfig;
  });
  after(async () => {
    await c.stop();
  });

  const running = (selector: string, n: number) => waitFor(`${n} running pods for ${selector}`, async () => {
    const list = live(await podsWith(c.client, ns, selector));
    return list.length === n && list.every((p) => p.status?.phase === 'Running' && p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) ? list : undefined;
  }, 20_000);

  const same = async (args: string[], ignore?: RegExp) => {
    const [mine, theirs] = [await skiff(kc, args), await c.kubectl.run(args)];
    assert.equal(mine.code, theirs.code, `${args.join(' ')}: ${mine.stderr} / ${theirs.stderr}`);
    const drop = (t: string) => (ignore ? t.split('\n').filter((l) => !ignore.test(l)).join('\n') : t);
    assert.equal(normalize(drop(mine.stdout)), normalize(drop(theirs.stdout)), `skiff ${args.join(' ')}:\n${mine.stdout}\nkubectl:\n${theirs.stdout}`);
    assert.equal(mine.stderr, theirs.stderr);
    return mine.stdout;
  };

  const name = `hello-${suffix()}`;
  const label = `world-${suffix()}`;
  const replicas = randomInt(2, 5);
  const nodePort = 30100 + randomInt(0, 600);

  test('S2: get rc/pods/services -o wide with -l, as kubectl prints them', async () => {
    await c.kubectl.ok(['create', '-f', '-'], {
      input: seed('nginx-rc-svc.yaml', { 'hello-nginx': name, 'nginx-service': `${name}-svc`, 'hello: world': `hello: ${label}`, 'replicas: 4': `replicas: ${replicas}`, '30088': String(nodePort) }),
    });
    await running(`hello=${label}`, replicas);
    await waitFor('rc status', async () => (await skiffOk(kc, ['get', 'rc', name])).includes(`${replicas}         ${replicas}         ${replicas}`));
    const rc = await same(['get', 'rc', '-o', 'wide', '-l', `hello=${label}`]);
    assert.match(rc, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/);
    assert.match(rc, new RegExp(`^${name}   ${replicas} {9}${replicas} {9}${replicas} {7}\\S+\\s+my-nginx-container   nginx    hello=${label}$`, 'm'));
    const pods = await same(['get', 'pods', '-o', 'wide', '-l', `hello=${label}`]);
    assert.match(pods, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/);
    assert.equal(pods.trim().split('\n').length, replicas + 1);
    const svc = await same(['get', 'services', `${name}-svc`, '-o', 'wide']);
    assert.match(svc, new RegExp(`80:${nodePort}/TCP`));
    await same(['get', 'pods', '-l', `hello=${label}`, '--show-labels']);
    await same(['get', 'pods', '-l', `hello=${label}`, '-L', 'hello', '--no-headers']);
    await same(['get', 'rc,svc', '-l', `hello=${label}`]);
    await same(['get', 'pods', '-A', '-l', `hello=${label}`]);
    await same(['get', 'rc', name, '-o', 'name']);
    await same(['get', 'pods', '-l', `hello=${label}`, '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}']);
    await same(['get', 'pods', '-l', `hello=${label}`, '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,IP:.status.podIP']);
    await same(['get', 'pods', '-l', `hello=${label}`, '--sort-by=.status.podIP', '-o', 'name']);
    await same(['get', 'nodes']);
  });

  test('nothing found: kubectl\'s message on stderr', async () => {
    const r = await same(['get', 'pods', '-l', `absent=${suffix()}`]);
    assert.equal(r, '');
    const mine = await skiff(kc, ['get', 'rc', 'no-such-rc']);
    assert.equal(mine.code, 1);
    assert.match(mine.stderr, /Error from server \(NotFound\): replicationcontrollers "no-such-rc" not found/);
  });

  test('get -w streams a change under the first header', async () => {
    const child = spawn(process.execPath, [cliMain, 'get', 'rc', name, '-w', `--kubeconfig=${kc}`], { env: { ...process.env, KUBECONFIG: '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('first row', () => out.includes(name), 10_000);
      await c.kubectl.ok(['scale', 'rc', name, `--replicas=${replicas + 1}`]);
      const lines = await waitFor('a streamed row', () => {
        const l = out.trim().split('\n');
        return l.length >= 3 && l.slice(2).some((x) => new RegExp(`^${name}\\s+${replicas + 1}\\s`).test(x)) ? l : undefined;
      }, 15_000);
      assert.match(lines[0]!, /^NAME\s+DESIRED/);
      // Later rows keep the columns of the header (any streamed row: status updates stream too).
      const scaled = lines.slice(2).find((x) => new RegExp(`^${name}\\s+${replicas + 1}\\s`).test(x))!;
      const column = lines[0]!.indexOf('DESIRED');
      assert.equal(scaled.slice(column).split(/\s+/)[0], String(replicas + 1));
      assert.equal(scaled[column - 1], ' ');
    } finally {
      child.kill('SIGINT');
    }
    await running(`hello=${label}`, replicas + 1);
  });

  test('S22: describe rc, pod, service and node agree with kubectl; Events last', async () => {
    await waitFor('rc settled', async () => (await skiffOk(kc, ['describe', 'rc', name])).includes(`Replicas:     ${replicas + 1} current / ${replicas + 1} desired`), 10_000);
    const rc = await same(['describe', 'rc', name]);
    assert.match(rc, /Pods Status:\s+\d+ Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed/);
    assert.match(rc, /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/);
    assert.match(rc, /SuccessfulCreate\s+\S+( \(x\d+ over \S+\))?\s+replication-controller\s+Created pod: /);
    const pod = (live(await podsWith(c.client, ns, `hello=${label}`)) as Pod[])[0]!;
    const text = await same(['describe', 'pod', pod.metadata.name!]);
    assert.match(text, new RegExp(`Controlled By:\\s+ReplicationController/${name}`));
    assert.match(text.trimEnd().split('\n').pop()!, /^Events:/.test(text.trimEnd().split('\n').pop()!) ? /^Events:/ : /\S/);
    // kubectl 1.32 reads EndpointSlices, which skiff does not serve: it prints `<none>` there.
    // The endpoints controller catches up with the scale-up a moment after the pods run.
    // kubectl shows three endpoints, then `+ N more...`.
    const n = replicas + 1;
    const one = '[^,\\s]+:80';
    const shown = new RegExp(`Endpoints:\\s+${Array.from({ length: Math.min(n, 3) }, () => one).join(',')}${n > 3 ? ` \\+ ${n - 3} more\\.\\.\\.` : ''}\\n`);
    const svc = await waitFor('every pod an endpoint', async () => {
      const t = await same(['describe', 'svc', `${name}-svc`], /^Endpoints:/);
      return shown.test(t) ? t : undefined;
    }, 10_000);
    assert.match(svc, /Session Affinity:\s+None\n/);
    const node = (await c.client.list(nodes)).items[0]!.metadata.name!;
    const ntext = await skiffOk(kc, ['describe', 'node', node]);
    assert.match(ntext, new RegExp(`^Name:\\s+${node}\\n`));
    assert.match(ntext, /\nEvents:/);
  });

  test('S22: describe job and daemon set agree with kubectl', async () => {
    const job = `check-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('job-dpkg.yaml', { 'package-check': job, 'test: dpkg': `test: ${job}` }) });
    await waitFor('job done', async () => (await skiffOk(kc, ['get', 'job', job])).includes('1/1'), 20_000);
    const j = await same(['describe', 'job', job]);
    assert.match(j, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    assert.match(j, /SuccessfulCreate.*Created pod: /);
    const ds = `ram-${suffix()}`;
    // apps/v1 (extensions/v1beta1 daemon sets are off by default): the selector as matchLabels.
    await c.kubectl.ok(['create', '-f', '-'], {
      input: seed('daemonset-free.yaml', { 'ram-check': ds, 'apiVersion: extensions/v1beta1': 'apiVersion: apps/v1', 'app: checkRam': `app: ${ds}`, '  selector:\n    app': '  selector:\n    matchLabels:\n      app', '\n    version: v1\n  template': '\n      version: v1\n  template' }),
    });
    await waitFor('ds pods', async () => live(await podsWith(c.client, ns, `app=${ds}`)).filter((p) => p.status?.phase === 'Running').length === 3, 20_000);
    const d = await same(['describe', 'ds', ds]);
    assert.match(d, /Desired Number of Nodes Scheduled: 3\n/);
    assert.match(d, /Number of Nodes Misscheduled: 0\n/);
  });
});
