/** skiff's own exec, attach, cp and proxy against `skiff up` (process runtime), speaking the
 * same WebSocket v5 protocol as kubectl: output, stdin, exit codes, a terminal's size, copies
 * both ways byte for byte, a local proxy, and kubectl's errors for what is missing. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Endpoints, Pod } from '../../src/api/kinds.js';
import { endpoints, pods } from '../../src/api/resources.js';
import { startUpCluster, httpGetOnce, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';
import { skiffMain } from '../helpers/paths.js';
import { checkTerminal, processesWith, tree, twoContainerPod } from './streamfixtures.js';

interface Run { code: number; stdout: string; stderr: string }

describe('skiff exec, attach, cp and proxy on skiff up', () => {
  let c: UpCluster;
  let local: string;
  const pod = `shell-${suffix()}`, mount = `/cli-${suffix()}`;
  const home = mkdtempSync(path.join(os.tmpdir(), 'skiff-cli-home-'));
  const env = { ...process.env, HOME: home, KUBECONFIG: '' };
  const skiff = (args: readonly string[], input = ''): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(process.execPath, [skiffMain, `--kubeconfig=${c.cp.server.kubeconfigPath}`, ...args], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024, encoding: 'buffer' }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      });
      child.stdin?.end(input);
    });

  before(async () => {
    local = mkdtempSync(path.join(os.tmpdir(), 'skiff-cli-cp-'));
    c = await startUpCluster({ nodes: 1 });
    await twoContainerPod(c, pod, mount);
  });
  after(async () => {
    await c.stop();
    rmSync(local, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  test('exec: output, stderr, the exit code, stdin with -i, the default container said', async () => {
    const word = `w${suffix()}`, code = randomInt(3, 120);
    const out = await skiff(['exec', pod, '-c', 'main', '--', 'sh', '-c', `echo ${word}; echo err-${word} >&2; exit ${code}`]);
    assert.equal(out.code, code, out.stderr);
    assert.equal(out.stdout, `${word}\n`);
    assert.match(out.stderr, new RegExp(`err-${word}\\n`));
    assert.match(out.stderr, new RegExp(`command terminated with exit code ${code}\\n$`));
    const lines = Array.from({ length: randomInt(2, 6) }, (_, i) => `line-${i}-${suffix()}`);
    const piped = await skiff(['exec', '-i', pod, '--', 'sh', '-c', 'cat; echo done'], lines.join('\n') + '\n');
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, `${lines.join('\n')}\ndone\n`);
    assert.match(piped.stderr, /Defaulted container "main" out of: main, side/);
    const noTty = await skiff(['exec', '-t', pod, '-c', 'side', '--', 'echo', 'plain']);
    assert.equal(noTty.stdout, 'plain\n');
    assert.match(noTty.stderr, /Unable to use a TTY - input is not a terminal or the right kind of file/);
  });

  test('exec: kubectl\'s errors for a missing pod, container, command or --', async () => {
    const missing = `absent-${suffix()}`;
    const noPod = await skiff(['exec', missing, '--', 'true']);
    assert.equal(noPod.code, 1);
    assert.equal(noPod.stderr, `Error from server (NotFound): pods "${missing}" not found\n`);
    const noContainer = await skiff(['exec', pod, '-c', 'nope', '--', 'true']);
    assert.equal(noContainer.code, 1);
    assert.match(noContainer.stderr, new RegExp(`Error from server \\(BadRequest\\): container nope is not valid for pod ${pod}`));
    const noProgram = await skiff(['exec', pod, '-c', 'main', '--', `no-such-${suffix()}`]);
    assert.notEqual(noProgram.code, 0);
    assert.match(noProgram.stderr, /no-such-\S+.*(not found|No such file)|(not found|No such file).*no-such-/);
    const noDash = await skiff(['exec', pod, 'true']);
    assert.equal(noDash.code, 1);
    assert.match(noDash.stderr, /exec \[POD\] \[COMMAND\] is not supported anymore\. Use exec \[POD\] -- \[COMMAND\] instead/);
  });

  test('exec -it: a terminal whose size is the local one; a vanished client leaves nothing running', async () => {
    await checkTerminal(process.execPath, [skiffMain, `--kubeconfig=${c.cp.server.kubeconfigPath}`, 'exec', '-it', pod, '-c', 'main', '--', 'sh'], env, 4);

    const mark = `${4000 + randomInt(0, 4999)}`;
    const child = spawn(process.execPath, [skiffMain, `--kubeconfig=${c.cp.server.kubeconfigPath}`, 'exec', pod, '-c', 'main', '--', 'sleep', mark], { env, stdio: 'ignore' });
    await waitFor('command running', async () => processesWith(`sleep ${mark}`) > 0, 15_000);
    child.kill('SIGKILL');
    await waitFor('command gone', async () => processesWith(`sleep ${mark}`) === 0, 10_000);
  });

  test('attach follows the output from now on; stdin is refused as the server says', async () => {
    const ticker = `ticker-${suffix()}`, word = `t${suffix()}`;
    await c.kubectl.ok(['run', ticker, '--image=busybox', '--restart=Never', '--', 'sh', '-c', `i=0; while true; do i=$((i+1)); echo ${word}-$i; sleep 0.2; done`]);
    await waitFor('ticker running', async () => (await c.cp.client.get<Pod>(pods, 'default', ticker)).status?.phase === 'Running', 30_000);
    await new Promise((r) => setTimeout(r, 600));
    const child = spawn(process.execPath, [skiffMain, `--kubeconfig=${c.cp.server.kubeconfigPath}`, 'attach', ticker], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('three new lines', async () => out.split('\n').filter((l) => l.startsWith(`${word}-`)).length >= 3, 15_000);
    child.kill('SIGKILL');
    const nums = out.split('\n').filter((l) => l.startsWith(`${word}-`)).map((l) => Number(l.slice(word.length + 1)));
    assert.ok(nums[0]! > 2, `from now on, not the beginning:\n${out}`);
    assert.deepEqual(nums, nums.map((_, i) => nums[0]! + i));
    const withStdin = await skiff(['attach', '-i', ticker]);
    assert.equal(withStdin.code, 1);
    assert.match(withStdin.stderr, /was not started with stdin/);
  });

  test('cp: random bytes and a tree into the pod and back, the same; kubectl\'s errors', async () => {
    const bytes = randomBytes(randomInt(1, 2 * 1024 * 1024));
    const name = `blob-${suffix()}.bin`;
    writeFileSync(path.join(local, name), bytes);
    const into = await skiff(['cp', '-c', 'main', path.join(local, name), `default/${pod}:${mount}/${name}`]);
    assert.equal(into.code, 0, into.stderr);
    // Seen by kubectl (and the other container) at its size.
    const size = await c.kubectl.ok(['exec', pod, '-c', 'side', '--', 'wc', '-c', `${mount}/${name}`]);
    assert.equal(Number(size.trim().split(/\s+/)[0]), bytes.length);
    const back = path.join(local, `back-${name}`);
    const out = await skiff(['cp', '-c', 'side', `${pod}:${mount}/${name}`, back]);
    assert.equal(out.code, 0, out.stderr);
    assert.ok(readFileSync(back).equals(bytes));

    const src = path.join(local, `tree-${suffix()}`);
    for (let i = 0; i < randomInt(3, 7); i++) {
      const dir = path.join(src, ...Array.from({ length: i % 3 }, (_, d) => `d${d}-${i}`));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `f${i}.dat`), randomBytes(randomInt(0, 100_000)));
    }
    // Into an existing folder: the tree keeps its name there, as with kubectl.
    assert.equal((await skiff(['cp', '-c', 'main', src, `${pod}:${mount}`])).code, 0);
    const treeBack = path.join(local, `tree-back-${suffix()}`);
    const outTree = await skiff(['cp', '-c', 'main', `${pod}:${mount}/${path.basename(src)}`, treeBack]);
    assert.equal(outTree.code, 0, outTree.stderr);
    const want = tree(src), got = tree(treeBack);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [k, v] of want) assert.ok(got.get(k)!.equals(v), k);
    // kubectl copied it in the same way: skiff reads what kubectl wrote.
    await c.kubectl.ok(['cp', '-c', 'main', path.join(local, name), `${pod}:${mount}/by-kubectl.bin`]);
    const viaKubectl = path.join(local, `via-kubectl-${suffix()}`);
    assert.equal((await skiff(['cp', '-c', 'main', `${pod}:${mount}/by-kubectl.bin`, viaKubectl])).code, 0);
    assert.ok(readFileSync(viaKubectl).equals(bytes));

    const missing = `absent-${suffix()}`;
    assert.match((await skiff(['cp', path.join(local, name), `${missing}:/x`])).stderr, new RegExp(`pods "${missing}" not found`));
    assert.match((await skiff(['cp', path.join(local, `nothing-${suffix()}`), `${pod}:/x`])).stderr, /doesn't exist in local filesystem/);
    assert.match((await skiff(['cp', 'a', 'b'])).stderr, /one of src or dest must be a remote file specification/);
    const noFile = await skiff(['cp', '-c', 'main', `${pod}:${mount}/nothing-${suffix()}`, path.join(local, 'nothing')]);
    assert.equal(noFile.code, 1);
    assert.match(noFile.stdout, /No such file or directory/);
    assert.match(noFile.stderr, /command terminated with exit code 2/);
  });

  test('proxy: the API and a service through a local port; exec paths refused', async () => {
    const web = `web-${suffix()}`;
    await c.kubectl.ok(['create', 'deployment', web, '--image=nginx', '--port=80']);
    await c.kubectl.ok(['expose', 'deployment', web, '--port=80']);
    await waitFor('ready endpoint', async () => ((await c.cp.client.get<Endpoints>(endpoints, 'default', web).catch(() => undefined))?.subsets ?? []).some((s) => s.addresses?.length), 30_000);
    // exec takes a controller's TYPE/NAME too (its pod).
    const viaDeploy = await skiff(['exec', `deployment/${web}`, '--', 'echo', `via-${web}`]);
    assert.equal(viaDeploy.stdout, `via-${web}\n`, viaDeploy.stderr);
    const child = spawn(process.execPath, [skiffMain, `--kubeconfig=${c.cp.server.kubeconfigPath}`, 'proxy', '--port=0'], { env });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const addr = await waitFor('serving', () => /^Starting to serve on (\S+)\n/.exec(out)?.[1], 15_000);
      const page = await httpGetOnce(`http://${addr}/api/v1/namespaces/default/services/${web}:80/proxy/`);
      assert.equal(page.status, 200);
      assert.match(page.body, /Welcome to nginx!/);
      const ns = await httpGetOnce(`http://${addr}/api/v1/namespaces/default`);
      assert.equal((JSON.parse(ns.body) as { metadata: { name: string } }).metadata.name, 'default');
      const refused = await httpGetOnce(`http://${addr}/api/v1/namespaces/default/pods/${pod}/exec?command=true`);
      assert.equal(refused.status, 403);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
