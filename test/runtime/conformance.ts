/**
 * The runtime conformance suite: named cases every runtime (fake, process, later oci) must pass,
 * so the node agent can treat them as interchangeable. A runtime declares its capabilities up
 * front; cases needing one it lacks are not its cases (the fake runs no processes), and a subject
 * that offers other capabilities than declared fails.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerStartError, type RunningContainer } from '../../src/runtime/index.js';
import type { Behaviour, Capability, MakeSubject, RuntimeSubject } from './subject.js';
import { runAsCases } from './conformance-run-as.js';

export type { Behaviour, Capability, ContainerSpec, MakeSubject, RuntimeSubject } from './subject.js';
export { commandCapabilities, testPod } from './subject.js';

async function start(s: RuntimeSubject, b: Behaviour, name: string): Promise<RunningContainer> {
  const { pod, container, opts } = s.spec(b, name);
  const sandbox = await s.runtime.runSandbox(pod);
  return s.runtime.startContainer(sandbox, pod, container, 0, opts);
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms}ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function runtimeConformance(name: string, make: MakeSubject, capabilities: ReadonlySet<Capability>): void {
  void describe(`runtime conformance: ${name}`, () => {
    const cases: { name: string; needs?: Capability; run: (s: RuntimeSubject, t: { diagnostic(m: string): void }) => Promise<void> }[] = [];
    const add = (caseName: string, run: (s: RuntimeSubject, t: { diagnostic(m: string): void }) => Promise<void>, needs?: Capability): void => {
      cases.push({ name: caseName, run, ...(needs ? { needs } : {}) });
    };

    add('sandboxes get distinct addresses in the node range, one per pod uid', async (s) => {
      const ips = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const { pod } = s.spec({ kind: 'serve' }, `addr-${i}`);
        const sb = await s.runtime.runSandbox(pod);
        assert.ok(sb.ip.startsWith(s.podAddressPrefix), sb.ip);
        const host = Number(sb.ip.slice(s.podAddressPrefix.length));
        assert.ok(host >= 2 && host <= 254, sb.ip);
        ips.add(sb.ip);
        assert.deepEqual(await s.runtime.runSandbox(pod), sb, 'same pod uid: same sandbox');
      }
      assert.equal(ips.size, 20);
    });

    add('an address is handed out again after its sandbox is removed; the range runs out cleanly', async (s) => {
      const sandboxes = [];
      for (let i = 0; i < 253; i++) sandboxes.push(await s.runtime.runSandbox(s.spec({ kind: 'serve' }, `full-${i}`).pod));
      await assert.rejects(s.runtime.runSandbox(s.spec({ kind: 'serve' }, 'one-too-many').pod), (e: unknown) => e instanceof ContainerStartError && e.reason === 'CreatePodSandboxError');
      const freed = sandboxes[100]!;
      await s.runtime.removeSandbox(freed);
      await s.runtime.removeSandbox(freed); // twice: not an error
      const again = await s.runtime.runSandbox(s.spec({ kind: 'serve' }, 'reuses').pod);
      assert.equal(again.ip, freed.ip);
    });

    for (const [code, reason] of [[0, 'Completed'], [3, 'Error']] as const) {
      add(`a container exiting with ${code} ends with reason ${reason}`, async (s) => {
        const c = await start(s, { kind: 'exit', code, afterMs: 100 }, `exit-${code}`);
        assert.ok(c.id && c.imageId, 'id and imageId');
        const exit = await within(c.exited, 10_000, 'exit');
        assert.equal(exit.exitCode, code);
        assert.equal(exit.reason, reason);
        assert.ok(exit.finishedAt.getTime() >= c.startedAt.getTime());
      });
    }

    add('stop ends a container that exits on SIGTERM at once', async (s, t) => {
      const c = await start(s, { kind: 'serve' }, 'stop-term');
      const t0 = performance.now();
      await within(s.runtime.stopContainer(c.id, 10), 3000, 'stop');
      const ms = performance.now() - t0;
      t.diagnostic(`stop of a SIGTERM-obeying container took ${ms.toFixed(1)} ms`);
      const exit = await within(c.exited, 1000, 'exited after stop');
      assert.notEqual(exit.exitCode, 0);
      assert.equal(exit.reason, 'Error');
      await s.runtime.stopContainer(c.id, 10); // already gone: at once, no error
    });

    add('stop kills a container ignoring SIGTERM after the grace period', async (s, t) => {
      const c = await start(s, { kind: 'ignore-term' }, 'stop-grace');
      await new Promise((r) => setTimeout(r, 200)); // let it install its trap
      const t0 = performance.now();
      await within(s.runtime.stopContainer(c.id, 1), 5000, 'stop');
      const ms = performance.now() - t0;
      t.diagnostic(`stop with grace 1s of a SIGTERM-ignoring container took ${ms.toFixed(1)} ms`);
      assert.ok(ms >= 900, `killed before the grace period ended (${ms} ms)`);
      const exit = await c.exited;
      assert.equal(exit.exitCode, 137);
      assert.equal(exit.signal, 9);
    }, 'grace');

    add('a second stop with less grace brings the kill forward', async (s, t) => {
      const c = await start(s, { kind: 'ignore-term' }, 'stop-sooner');
      await new Promise((r) => setTimeout(r, 200)); // let it install its trap
      const t0 = performance.now();
      const first = s.runtime.stopContainer(c.id, 30);
      await new Promise((r) => setTimeout(r, 300));
      await within(s.runtime.stopContainer(c.id, 1), 5000, 'the shorter stop');
      await within(first, 1000, 'the first stop settles too');
      const ms = performance.now() - t0;
      t.diagnostic(`stop with grace 30 s, then 1 s after 0.3 s, took ${ms.toFixed(1)} ms`);
      assert.ok(ms >= 1200 && ms < 5000, `${ms} ms`);
      assert.equal((await c.exited).exitCode, 137);
    }, 'grace');

    add('stopping an unknown container is not an error', async (s) => {
      await s.runtime.stopContainer('nothing://here', 5);
    });

    add('exec runs in a running container and fails for one that is gone', async (s) => {
      const c = await start(s, { kind: 'serve' }, 'exec');
      const r = await s.runtime.exec(c.id, s.execCommand('hello', 0), 5000);
      assert.equal(r.exitCode, 0);
      await s.runtime.stopContainer(c.id, 0);
      await assert.rejects(s.runtime.exec(c.id, s.execCommand('hello', 0), 5000));
    });

    add('exec reports the command output and exit code', async (s) => {
      const c = await start(s, { kind: 'serve' }, 'exec-output');
      const r = await s.runtime.exec(c.id, s.execCommand('out of exec', 4), 5000);
      assert.equal(r.exitCode, 4);
      assert.match(r.output, /out of exec/);
      await s.runtime.stopContainer(c.id, 0);
    }, 'exec-output');

    add('an image the runtime cannot run fails start with ErrImagePull', async (s) => {
      await assert.rejects(start(s, { kind: 'no-image' }, 'no-image'), (e: unknown) => e instanceof ContainerStartError && e.reason === 'ErrImagePull' && e.message.length > 0);
    });

    add('output reaches the log path as CRI lines', async (s) => {
      const { pod, container, opts } = s.spec({ kind: 'print', lines: ['first line', 'second line'] }, 'logs');
      const c = await s.runtime.startContainer(await s.runtime.runSandbox(pod), pod, container, 0, opts);
      await within(c.exited, 10_000, 'exit');
      const { readFile } = await import('node:fs/promises');
      const lines = (await readFile(opts.logPath, 'utf8')).trimEnd().split('\n');
      assert.deepEqual(lines.map((l) => l.replace(/^\S+ /, '')), ['stdout F first line', 'stdout F second line']);
      for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
    }, 'logs');

    add('removing a sandbox stops its containers', async (s) => {
      const { pod, container, opts } = s.spec({ kind: 'serve' }, 'remove');
      const sb = await s.runtime.runSandbox(pod);
      const c = await s.runtime.startContainer(sb, pod, container, 0, opts);
      await within(s.runtime.removeSandbox(sb), 5000, 'remove sandbox');
      await within(c.exited, 2000, 'container ended with its sandbox');
    });

    add('close stops every container', async (s) => {
      const running: RunningContainer[] = [];
      for (let i = 0; i < 3; i++) running.push(await start(s, { kind: 'serve' }, `close-${i}`));
      await within(s.runtime.close(), 5000, 'close');
      await within(Promise.all(running.map((c) => c.exited)), 2000, 'all ended');
    });

    runAsCases(add);

    for (const c of cases) {
      if (c.needs && !capabilities.has(c.needs)) continue;
      void test(c.name, async (t) => {
        const s = await make();
        try {
          assert.deepEqual([...s.capabilities].sort(), [...capabilities].sort(), `${name} runtime's declared capabilities`);
          await c.run(s, t);
        } finally {
          await s.dispose();
        }
      });
    }
  });
}
