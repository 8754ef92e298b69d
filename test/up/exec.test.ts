/** `kubectl exec` (WebSocket, v5.channel.k8s.io) and the Python client's stream exec (v4) on
 * `skiff up` with real processes: output and exit codes, piped stdin, a terminal
 * with its size, kubectl's errors for a missing pod or container, and nothing left running on
 * the node when the client goes away mid-command. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { checkTerminal, processesWith } from './streamfixtures.js';

describe('exec on skiff up', () => {
  let c: UpCluster;
  const pod = `shell-${suffix()}`;
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
    await c.kubectl.ok(['run', pod, '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'sleep 100000']);
    await waitFor('pod running', async () => (await c.cp.client.get<Pod>(pods, 'default', pod)).status?.phase === 'Running', 30_000);
  });
  after(async () => {
    await c.stop();
  });

  test('output, stderr and the exit code come back as kubectl shows them', async () => {
    const word = `w${suffix()}`;
    const out = await c.kubectl.run(['exec', pod, '--', 'sh', '-c', `echo ${word}; echo err-${word} >&2; exit 7`]);
    assert.equal(out.code, 7, out.stderr);
    assert.equal(out.stdout, `${word}\n`);
    assert.match(out.stderr, new RegExp(`err-${word}`));
    assert.match(out.stderr, /command terminated with exit code 7/);
    const ok = await c.kubectl.run(['exec', pod, '--', 'true']);
    assert.equal(ok.code, 0, ok.stderr);
  });

  test('stdin piped with -i reaches the command and its end ends it', async () => {
    const lines = Array.from({ length: 3 + Math.floor(Math.random() * 5) }, (_, i) => `line-${i}-${suffix()}`);
    const out = await c.kubectl.run(['exec', '-i', pod, '--', 'sh', '-c', 'cat; echo done'], { input: lines.join('\n') + '\n' });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, `${lines.join('\n')}\ndone\n`);
  });

  test('a missing pod, a missing container and an unknown command: kubectl\'s errors', async () => {
    const missing = `absent-${suffix()}`;
    const noPod = await c.kubectl.run(['exec', missing, '--', 'true']);
    assert.notEqual(noPod.code, 0);
    assert.match(noPod.stderr, new RegExp(`pods "${missing}" not found`));
    const noContainer = await c.kubectl.run(['exec', pod, '-c', 'nope', '--', 'true']);
    assert.notEqual(noContainer.code, 0);
    assert.match(noContainer.stderr, new RegExp(`container nope is not valid for pod ${pod}`));
    const noCommand = await c.kubectl.run(['exec', pod, '--', `no-such-program-${suffix()}`]);
    assert.notEqual(noCommand.code, 0);
    assert.match(noCommand.stderr, /no-such-program-\S+.*(not found|No such file)|(not found|No such file).*no-such-program/);
  });

  test('exec is authorized as the subresource pods/exec: a user without it is forbidden', async () => {
    const user = `dev-${suffix()}`, reader = `reader-${suffix()}`, execer = `exec-${suffix()}`;
    // kubectl reads the pod first: the user may, but has no pods/exec.
    await c.kubectl.ok(['create', 'role', reader, '--verb=get', '--resource=pods']);
    await c.kubectl.ok(['create', 'rolebinding', reader, `--role=${reader}`, `--user=${user}`]);
    const denied = await waitFor('denied at exec', async () => {
      const r = await c.kubectl.run([`--as=${user}`, 'exec', pod, '--', 'true']);
      return /pods\/exec/.test(r.stderr) ? r : undefined;
    }, 10_000);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, new RegExp(`User "${user}" cannot (get|create) resource "pods/exec"`));
    await c.kubectl.ok(['create', 'role', execer, '--verb=get,create', '--resource=pods/exec']);
    await c.kubectl.ok(['create', 'rolebinding', execer, `--role=${execer}`, `--user=${user}`]);
    await waitFor('allowed', async () => (await c.kubectl.run([`--as=${user}`, 'exec', pod, '--', 'true'])).code === 0, 10_000);
  });

  test('-it: a terminal whose size follows the client\'s', async () => {
    await checkTerminal(kubectlBinary(), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'exec', '-it', pod, '--', 'sh'], { ...process.env, HOME: '/tmp' }, 3, { cols: 5, rows: 3 });
  });

  test('a client that vanishes mid-command leaves no process on the node', async () => {
    const mark = `${4000 + Math.floor(Math.random() * 5000)}`;
    const child = execFile(kubectlBinary(), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'exec', pod, '--', 'sleep', mark]);
    await waitFor('command running', async () => processesWith(`sleep ${mark}`) > 0, 15_000);
    child.kill('SIGKILL');
    await waitFor('command gone', async () => processesWith(`sleep ${mark}`) === 0, 10_000);
  });

  test('kubectl debug: a process in the running pod, with logs and exec, gone with the pod', async () => {
    const target = `target-${suffix()}`, dbg = `dbg-${suffix()}`, mark = `${5000 + Math.floor(Math.random() * 5000)}`;
    await c.kubectl.ok(['run', target, '--image=busybox', '--restart=Never', '--', 'sleep', `1${mark}`]);
    await waitFor('target running', async () => (await c.cp.client.get<Pod>(pods, 'default', target)).status?.phase === 'Running', 30_000);
    await c.kubectl.ok(['debug', target, '--image=busybox', `--container=${dbg}`, '--target', target, '--', 'sh', '-c', `echo hello-${dbg}; exec sleep ${mark}`]);
    await waitFor('debug container running', async () => (await c.cp.client.get<Pod>(pods, 'default', target)).status?.ephemeralContainerStatuses?.some((s) => s.name === dbg && s.state?.running), 30_000);
    assert.equal(await c.kubectl.ok(['exec', target, '-c', dbg, '--', 'echo', 'inside']), 'inside\n');
    // Process containers share the node's PID namespace: the target's process is in sight.
    assert.match(await c.kubectl.ok(['exec', target, '-c', dbg, '--', 'ps', '-o', 'args']), new RegExp(`sleep 1${mark}`));
    await waitFor('its log', async () => (await c.kubectl.run(['logs', target, '-c', dbg])).stdout === `hello-${dbg}\n`, 15_000);
    assert.ok(processesWith(`sleep ${mark}`) > 0, 'the debug process runs on the node');
    await c.kubectl.ok(['delete', 'pod', target, '--grace-period=1']);
    await waitFor('debug process gone', async () => processesWith(`sleep ${mark}`) === 0, 15_000);
  });

  test('kubectl attach follows the container\'s output from now on; asking for stdin is refused', async () => {
    const ticker = `ticker-${suffix()}`, word = `t${suffix()}`;
    await c.kubectl.ok(['run', ticker, '--image=busybox', '--restart=Never', '--', 'sh', '-c', `i=0; while true; do i=$((i+1)); echo ${word}-$i; sleep 0.2; done`]);
    await waitFor('ticker running', async () => (await c.cp.client.get<Pod>(pods, 'default', ticker)).status?.phase === 'Running', 30_000);
    await new Promise((r) => setTimeout(r, 600));
    const child = execFile(kubectlBinary(), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'attach', ticker]);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('three new lines', async () => out.split('\n').filter((l) => l.startsWith(`${word}-`)).length >= 3, 15_000);
    child.kill('SIGKILL');
    const first = Number(/-(\d+)/.exec(out)?.[1]);
    assert.ok(first > 2, `attach starts at the current output, not the beginning:\n${out}`);
    const nums = out.split('\n').filter((l) => l.startsWith(`${word}-`)).map((l) => Number(l.slice(word.length + 1)));
    assert.deepEqual(nums, nums.map((_, i) => first + i), 'consecutive lines, none lost');
    const withStdin = await c.kubectl.run(['attach', '-i', ticker], { timeoutMs: 15_000 });
    assert.notEqual(withStdin.code, 0);
    assert.match(withStdin.stderr, /was not started with stdin/);
  });

  test('the Python client\'s stream exec (v4 channels), exit code included', async () => {
    const word = `py${suffix()}`;
    const script = `
import sys
from kubernetes import client, config
from kubernetes.stream import stream
config.load_kube_config(sys.argv[1])
core = client.CoreV1Api()
out = stream(core.connect_get_namespaced_pod_exec, sys.argv[2], 'default', command=['sh', '-c', 'echo ' + sys.argv[3] + '; echo e >&2'], stderr=True, stdin=False, stdout=True, tty=False)
print('OUT=' + out.strip().replace('\\n', '|'))
ws = stream(core.connect_get_namespaced_pod_exec, sys.argv[2], 'default', command=['sh', '-c', 'read x; echo got-$x; exit 5'], stderr=True, stdin=True, stdout=True, tty=False, _preload_content=False)
ws.write_stdin(sys.argv[3] + '\\n')
ws.run_forever(timeout=10)
print('STDOUT=' + ws.read_stdout(timeout=1).strip() if ws.peek_stdout() else 'STDOUT=')
print('CODE=' + str(ws.returncode))
`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile('/usr/bin/python3', ['-c', script, c.cp.server.kubeconfigPath, pod, word], { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    assert.match(out, new RegExp(`OUT=${word}`));
    assert.match(out, new RegExp(`CODE=5`));
  });

  test('kubectl 1.27 (SPDY): output, stderr, exit codes and piped stdin', async () => {
    const old = new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27));
    const word = `s${suffix()}`, code = 1 + Math.floor(Math.random() * 120);
    const out = await old.run(['exec', pod, '--', 'sh', '-c', `echo ${word}; echo err-${word} >&2; exit ${code}`]);
    assert.equal(out.code, code, out.stderr);
    assert.equal(out.stdout, `${word}\n`);
    assert.match(out.stderr, new RegExp(`err-${word}`));
    assert.match(out.stderr, new RegExp(`command terminated with exit code ${code}`));
    assert.equal((await old.run(['exec', pod, '--', 'true'])).code, 0);
    const lines = Array.from({ length: 200 + Math.floor(Math.random() * 2000) }, (_, i) => `line-${i}-${word}`);
    const piped = await old.run(['exec', '-i', pod, '--', 'sh', '-c', 'cat; echo done'], { input: lines.join('\n') + '\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, `${lines.join('\n')}\ndone\n`);
    // Output larger than any buffer on the way comes out whole.
    const big = await old.run(['exec', pod, '--', 'sh', '-c', 'seq 1 150000']);
    assert.equal(big.stdout, Array.from({ length: 150000 }, (_, i) => `${i + 1}\n`).join(''));
    const missing = await old.run(['exec', pod, '--', `no-such-program-${suffix()}`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /not found|No such file/);
  });

  test('kubectl 1.27 (SPDY) -it: a terminal whose size follows the client\'s', async () => {
    await checkTerminal(kubectlBinary(27), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'exec', '-it', pod, '--', 'sh'], { ...process.env, HOME: '/tmp' }, 4, { cols: 3, rows: 2 });
  });

  test('kubectl 1.27 (SPDY): a client that vanishes mid-command leaves no process on the node', async () => {
    const mark = `${9100 + Math.floor(Math.random() * 800)}`;
    const child = execFile(kubectlBinary(27), [`--kubeconfig=${c.cp.server.kubeconfigPath}`, 'exec', pod, '--', 'sleep', mark]);
    await waitFor('command running', async () => processesWith(`sleep ${mark}`) > 0, 15_000);
    child.kill('SIGKILL');
    await waitFor('command gone', async () => processesWith(`sleep ${mark}`) === 0, 10_000);
  });
});
