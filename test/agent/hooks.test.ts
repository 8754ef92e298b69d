/** Lifecycle hooks as kubelet runs them: each handler's verdict and message, preStop spending the
 * grace period before the stop signal, and a failing postStart killing its container. A recording
 * runtime stands in for the container (what ran, in which order, with what grace). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { Container, LifecycleHandler, Pod } from '../../src/api/kinds.js';
import type { ContainerExit, ExecResult, RunningContainer, Runtime } from '../../src/runtime/runtime.js';
import { podRef, runHook } from '../../src/agent/hooks.js';
import { killContainer, type KillHost } from '../../src/agent/kill.js';
import { runPostStart } from '../../src/agent/post-start.js';
import { startProbes } from '../../src/agent/probing.js';
import { newRecord } from '../../src/agent/container-record.js';
import { suffix } from '../controlplane/fixtures.js';

type Step = { kind: 'exec'; command: readonly string[]; at: number } | { kind: 'stop'; grace: number; at: number };

/** A runtime whose exec answers from a script and records what ran. */
function recordingRuntime(answer: (command: readonly string[]) => Promise<ExecResult> | ExecResult = () => ({ exitCode: 0, output: '' })) {
  const steps: Step[] = [];
  const t0 = Date.now();
  let exit: (e: ContainerExit) => void = () => undefined;
  const exited = new Promise<ContainerExit>((r) => (exit = r));
  const runtime = {
    exec: async (_id: string, command: readonly string[]) => {
      steps.push({ kind: 'exec', command, at: Date.now() - t0 });
      return answer(command);
    },
    stopContainer: (_id: string, grace: number) => {
      steps.push({ kind: 'stop', grace, at: Date.now() - t0 });
      exit({ exitCode: 137, reason: 'Error', finishedAt: new Date() });
      return Promise.resolve();
    },
  } as unknown as Runtime;
  const run: RunningContainer = { id: `process://${suffix()}`, name: 'c', imageId: 'x', startedAt: new Date(), exited };
  return { runtime, steps, run, exit };
}

function podWith(container: Container): Pod {
  const name = `hooked-${suffix()}`;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: `ns-${suffix()}`, uid: `uid-${suffix()}` }, spec: { containers: [container] } };
}

function events(): { list: string[]; host: (runtime: Runtime) => KillHost } {
  const list: string[] = [];
  return { list, host: (runtime) => ({ runtime, event: (type, reason, message) => list.push(`${type} ${reason} ${message}`) }) };
}

describe('hook handlers', () => {
  let server: http.Server;
  let port = 0;
  const seen: { path: string; ua: string; header: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ path: req.url ?? '', ua: req.headers['user-agent'] ?? '', header: String(req.headers['x-hook'] ?? '') });
      res.statusCode = req.url?.startsWith('/fail') ? 500 : 200;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const container = (name: string): Container => ({ name, image: 'busybox', ports: [{ name: 'hooks', containerPort: 0 }] });

  test('exec: success, and a non-zero exit with kubelet\'s message', async () => {
    const name = `c${suffix()}`;
    const c = container(name);
    const pod = podWith(c);
    const code = 1 + Math.floor(Math.random() * 100);
    const { runtime, run } = recordingRuntime((cmd) => (cmd[2] === 'ok' ? { exitCode: 0, output: '' } : { exitCode: code, output: 'boom\n' }));
    const t = { pod, container: c, containerId: run.id, podIP: '127.0.0.1', runtime };
    assert.deepEqual(await runHook({ exec: { command: ['sh', '-c', 'ok'] } }, t), { ok: true });
    const r = await runHook({ exec: { command: ['sh', '-c', 'bad'] } }, t);
    assert.deepEqual(r, { ok: false, message: `Exec lifecycle hook ([sh -c bad]) for Container "${name}" in Pod "${podRef(pod)}" failed - error: command 'sh -c bad' exited with ${code}: boom\n, message: "boom\\n"` });
  });

  test('httpGet: path, headers and kube-lifecycle user agent; any status counts as done', async () => {
    const c = container('web');
    c.ports![0]!.containerPort = port;
    const pod = podWith(c);
    const { runtime } = recordingRuntime();
    const path = `/fail-${suffix()}`;
    const handler: LifecycleHandler = { httpGet: { port: 'hooks', path, httpHeaders: [{ name: 'X-Hook', value: 'pre' }] } };
    assert.deepEqual(await runHook(handler, { pod, container: c, containerId: 'x', podIP: '127.0.0.1', runtime }), { ok: true });
    assert.deepEqual(seen.at(-1), { path, ua: 'kube-lifecycle/1.32', header: 'pre' });
  });

  test('httpGet: nothing listening is Go\'s dial error', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const closed = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = container('web');
    const pod = podWith(c);
    const { runtime } = recordingRuntime();
    const r = await runHook({ httpGet: { port: closed, path: '/stop' } }, { pod, container: c, containerId: 'x', podIP: '127.0.0.1', runtime });
    assert.deepEqual(r, { ok: false, message: `HTTP lifecycle hook (/stop) for Container "web" in Pod "${podRef(pod)}" failed - error: Get "http://127.0.0.1:${closed}/stop": dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });

  test('sleep: waits its seconds, or fails when cut short', async () => {
    const c = container('s');
    const pod = podWith(c);
    const { runtime } = recordingRuntime();
    const t0 = Date.now();
    assert.deepEqual(await runHook({ sleep: { seconds: 1 } }, { pod, container: c, containerId: 'x', podIP: '', runtime }), { ok: true });
    assert.ok(Date.now() - t0 >= 950);
    const cut = new AbortController();
    setTimeout(() => cut.abort(), 50);
    const r = await runHook({ sleep: { seconds: 30 } }, { pod, container: c, containerId: 'x', podIP: '', runtime, signal: cut.signal });
    assert.deepEqual(r, { ok: false, message: `Sleep lifecycle hook (30) for Container "s" in Pod "${podRef(pod)}" failed - error: container terminated before sleep hook finished` });
  });

  const unrunnable: { name: string; handler: LifecycleHandler; printed: string }[] = [
    { name: 'tcpSocket with a number port', handler: { tcpSocket: { port: 8080 } }, printed: 'TCPSocket:&TCPSocketAction{Port:{0 8080 },Host:,}' },
    { name: 'tcpSocket with a named port and host', handler: { tcpSocket: { port: 'http', host: '10.0.0.1' } }, printed: 'TCPSocket:&TCPSocketAction{Port:{1 0 http},Host:10.0.0.1,}' },
  ];
  for (const u of unrunnable) {
    test(`${u.name}: kubelet's "Cannot run handler"`, async () => {
      const c = container('t');
      const { runtime, steps } = recordingRuntime();
      const r = await runHook(u.handler, { pod: podWith(c), container: c, containerId: 'x', podIP: '', runtime });
      assert.deepEqual(r, { ok: false, message: `Cannot run handler: invalid handler: &LifecycleHandler{Exec:nil,HTTPGet:nil,${u.printed},Sleep:nil,}` });
      assert.equal(steps.length, 0);
    });
  }
});

describe('killContainer: preStop within the grace period', () => {
  const cases: { name: string; grace: number; hookMs: number; hookExit: number; wantGrace: number; wantEvents: string[] }[] = [
    { name: 'a quick hook leaves the grace period whole', grace: 30, hookMs: 10, hookExit: 0, wantGrace: 30, wantEvents: ['Normal Killing Stopping container c'] },
    { name: 'a 1.2 s hook takes one whole second off', grace: 10, hookMs: 1200, hookExit: 0, wantGrace: 9, wantEvents: ['Normal Killing Stopping container c'] },
    { name: 'a hook longer than the grace is cut off; the minimum 2 s remain', grace: 1, hookMs: 1800, hookExit: 0, wantGrace: 2, wantEvents: ['Normal Killing Stopping container c'] },
    { name: 'a failing hook: FailedPreStopHook without its message, then the stop', grace: 5, hookMs: 0, hookExit: 7, wantGrace: 5, wantEvents: ['Normal Killing Stopping container c', 'Warning FailedPreStopHook PreStopHook failed'] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const container: Container = { name: 'c', image: 'busybox', lifecycle: { preStop: { exec: { command: ['drain', suffix()] } } } };
      const { runtime, steps, run } = recordingRuntime(async () => {
        await new Promise((r) => setTimeout(r, c.hookMs));
        return { exitCode: c.hookExit, output: '' };
      });
      const ev = events();
      await killContainer(ev.host(runtime), { pod: podWith(container), container, run, podIP: '', graceSeconds: c.grace });
      assert.deepEqual(steps.map((s) => s.kind), ['exec', 'stop']);
      const stop = steps[1] as Extract<Step, { kind: 'stop' }>;
      assert.equal(stop.grace, c.wantGrace);
      assert.ok(stop.at < Math.min(c.hookMs, c.grace * 1000) + 500, `stopped at ${stop.at} ms`);
      assert.deepEqual(ev.list, c.wantEvents);
    });
  }

  test('grace 0 (a forced delete): no hook, an immediate kill', async () => {
    const container: Container = { name: 'c', image: 'busybox', lifecycle: { preStop: { sleep: { seconds: 5 } } } };
    const { runtime, steps, run } = recordingRuntime();
    const ev = events();
    await killContainer(ev.host(runtime), { pod: podWith(container), container, run, podIP: '', graceSeconds: 0 });
    assert.deepEqual(steps.map((s) => s.kind === 'stop' ? `stop ${s.grace}` : s.kind), ['stop 0']);
  });

  test('no preStop: the grace is passed through as asked', async () => {
    const container: Container = { name: 'c', image: 'busybox' };
    const { runtime, steps, run } = recordingRuntime();
    const grace = 1 + Math.floor(Math.random() * 40);
    await killContainer(events().host(runtime), { pod: podWith(container), container, run, podIP: '', graceSeconds: grace, message: 'Container c failed liveness probe, will be restarted' });
    assert.deepEqual(steps.map((s) => s.kind === 'stop' ? `stop ${s.grace}` : s.kind), [`stop ${grace}`]);
  });
});

describe('postStart', () => {
  test('success: nothing killed, no events', async () => {
    const container: Container = { name: 'c', image: 'busybox', lifecycle: { postStart: { exec: { command: ['touch', '/tmp/x'] } } } };
    const { runtime, steps, run } = recordingRuntime();
    const ev = events();
    assert.equal(await runPostStart(ev.host(runtime), { pod: podWith(container), container, run, podIP: '', graceSeconds: 30 }), undefined);
    assert.deepEqual(steps.map((s) => s.kind), ['exec']);
    assert.deepEqual(ev.list, []);
  });

  test('failure: FailedPostStartHook, Killing "FailedPostStartHook" (preStop runs), the message returned', async () => {
    const container: Container = { name: 'c', image: 'busybox', lifecycle: { postStart: { exec: { command: ['false'] } }, preStop: { exec: { command: ['bye'] } } } };
    const { runtime, steps, run } = recordingRuntime((cmd) => ({ exitCode: cmd[0] === 'false' ? 1 : 0, output: '' }));
    const ev = events();
    const pod = podWith(container);
    const message = await runPostStart(ev.host(runtime), { pod, container, run, podIP: '', graceSeconds: 30 });
    assert.equal(message, `Exec lifecycle hook ([false]) for Container "c" in Pod "${podRef(pod)}" failed - error: command 'false' exited with 1: , message: ""`);
    assert.deepEqual(ev.list, ['Warning FailedPostStartHook PostStartHook failed', 'Normal Killing FailedPostStartHook']);
    assert.deepEqual(steps.map((s) => s.kind === 'stop' ? `stop ${s.grace}` : `exec ${s.command.join(' ')}`), ['exec false', 'exec bye', 'stop 30']);
  });

  test('the pod deleted mid-hook: the hook gives up without killing (termination takes over)', async () => {
    const container: Container = { name: 'c', image: 'busybox', lifecycle: { postStart: { sleep: { seconds: 30 } } } };
    const { runtime, steps, run } = recordingRuntime();
    const deleting = new AbortController();
    setTimeout(() => deleting.abort(), 50);
    const ev = events();
    const t0 = Date.now();
    assert.equal(await runPostStart(ev.host(runtime), { pod: podWith(container), container, run, podIP: '', graceSeconds: 30, signal: deleting.signal }), undefined);
    assert.ok(Date.now() - t0 < 2000);
    assert.deepEqual(steps, []);
    assert.deepEqual(ev.list, []);
  });
});

describe('probe-level terminationGracePeriodSeconds', () => {
  const podGrace = 30;
  const cases: { name: string; kind: 'livenessProbe' | 'startupProbe'; probeGrace?: number; wantGrace: number; why: string }[] = [
    { name: 'liveness failure with its own grace', kind: 'livenessProbe', probeGrace: 3, wantGrace: 3, why: 'failed liveness probe' },
    { name: 'liveness failure without: the pod\'s', kind: 'livenessProbe', wantGrace: podGrace, why: 'failed liveness probe' },
    { name: 'startup failure with its own grace', kind: 'startupProbe', probeGrace: 7, wantGrace: 7, why: 'failed startup probe' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const name = `c${suffix()}`;
      const container: Container = { name, image: 'busybox', [c.kind]: { exec: { command: ['false'] }, failureThreshold: 1, periodSeconds: 60, ...(c.probeGrace ? { terminationGracePeriodSeconds: c.probeGrace } : {}) } };
      const { runtime, run } = recordingRuntime(() => ({ exitCode: 1, output: 'unhealthy' }));
      const r = newRecord(name);
      r.running = run;
      const kills: { grace: number; message: string }[] = [];
      const killed = new Promise<void>((resolve) => {
        startProbes(container, r, run.id, {
          runtime,
          podIP: () => '127.0.0.1',
          graceSeconds: () => podGrace,
          event: () => undefined,
          changed: () => undefined,
          kill: (grace, message) => {
            kills.push({ grace, message });
            resolve();
            return Promise.resolve();
          },
        });
      });
      await killed;
      for (const p of r.probes) p.stop();
      assert.deepEqual(kills, [{ grace: c.wantGrace, message: `Container ${name} ${c.why}, will be restarted` }]);
    });
  }
});
