/**
 * Builds oci runtimes for tests: each in its own data dir, on a bridge and pod CIDR the test
 * file chooses (so test files running in parallel never share one), with images from a real
 * busybox root filesystem (test/helpers/rootfs-image.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Container, Pod } from '../../src/api/kinds.js';
import type { RunningContainer, Sandbox } from '../../src/runtime/index.js';
import { OciRuntime, type OciRuntimeOptions } from '../../src/runtime/oci/index.js';
import { runCommand } from '../../src/runtime/oci/command.js';
import type { RootfsImages } from '../helpers/rootfs-image.js';
import { commandSubject, testPod, type Behaviour, type CommandSubject } from './subject.js';

export const busybox = 'skiff.test/busybox:1';

export type OciSubject = CommandSubject<OciRuntime>;

export interface OciNet {
  /** A /24 such as `10.201.1.0/24`. */
  readonly podCIDR: string;
  readonly bridge: string;
}

function commandFor(b: Behaviour): Partial<Container> {
  switch (b.kind) {
    case 'exit': return { image: busybox, command: ['sh', '-c', `sleep ${b.afterMs / 1000}; exit ${b.code}`] };
    // PID 1 of a pid namespace ignores signals it has no handler for: the shell handles TERM.
    case 'serve': return { image: busybox, command: ['sh', '-c', 'trap "exit 143" TERM; sleep 1000 & wait'] };
    case 'ignore-term': return { image: busybox, command: ['sh', '-c', 'trap "" TERM; while :; do sleep 0.05; done'] };
    case 'print': return { image: busybox, command: ['sh', '-c', 'for l in "$@"; do echo "$l"; done', 'sh', ...b.lines] };
    case 'sh': return { image: busybox, command: ['sh', '-c', b.script] };
    case 'no-image': return { image: 'gcr.io/google-containers/fluentd-elasticsearch:1.20' };
  }
}

export async function ociSubject(net: OciNet, images: RootfsImages, extra: Partial<OciRuntimeOptions> = {}): Promise<OciSubject> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-oci-'));
  const runtime = new OciRuntime({ dataDir, podCIDR: net.podCIDR, bridge: net.bridge, images, cgroupParent: `skiff-test-${process.pid}`, ...extra });
  return commandSubject(runtime, dataDir, net.podCIDR.replace(/0\/24$/, ''), commandFor, async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });
}

/** Removes a test's bridge (CNI DEL leaves the bridge itself in place). */
export async function removeBridge(bridge: string): Promise<void> {
  await runCommand('ip', ['link', 'del', bridge]);
}

/** Starts a pod of several containers in one sandbox (`pod` edits the pod before the start). */
export async function startPod(s: OciSubject, name: string, containers: Container[], pod: (p: Pod) => void = () => undefined): Promise<{ pod: Pod; sandbox: Sandbox; running: RunningContainer[] }> {
  const p = testPod(name, containers[0]!);
  p.spec.containers = containers;
  pod(p);
  const sandbox = await s.runtime.runSandbox(p);
  const running = [];
  // The agent passes command and args (expanded) in the start options: so does this.
  for (const c of containers) running.push(await s.runtime.startContainer(sandbox, p, c, 0, s.options(`${name}-${c.name}`, { ...(c.command ? { command: c.command } : {}), ...(c.args ? { args: c.args } : {}) })));
  return { pod: p, sandbox, running };
}

/** Retries `fn` until it stops throwing or `ms` pass (servers bind a moment after start). */
export async function eventually<T>(fn: () => Promise<T>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Removes portmap's shared top-level nat chains when no mapping is left in them (CNI DEL
 * removes each pod's own chains but leaves these for the next pod). */
export async function removeIdlePortmapChains(): Promise<void> {
  const rules = (await runCommand('iptables', ['-t', 'nat', '-S'])).stdout;
  if (/^-A CNI-HOSTPORT-DNAT /m.test(rules) || !/^-N CNI-HOSTPORT-DNAT$/m.test(rules)) return;
  for (const line of rules.split('\n')) {
    const m = /^-A (PREROUTING|OUTPUT|POSTROUTING) (.*-j CNI-HOSTPORT-(?:DNAT|MASQ))$/.exec(line);
    if (m) await runCommand('sh', ['-c', `iptables -t nat -D ${m[1]!} ${m[2]!}`]);
  }
  for (const chain of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) {
    await runCommand('iptables', ['-t', 'nat', '-F', chain]);
    await runCommand('iptables', ['-t', 'nat', '-X', chain]);
  }
}
