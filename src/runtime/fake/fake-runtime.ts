/**
 * The fake runtime behind `skiff sim` (as KWOK simulates kubelets): sandboxes get an address from
 * the node's pod range and containers "run" as timers, so thousands of nodes and a hundred
 * thousand pods fit in one process. A container of a pod that may finish (restartPolicy Never
 * or OnFailure) and every init container exit 0 after `runSeconds`; an Always pod's containers
 * and sidecars run until stopped. Annotations on the pod script other endings for tests, pod-wide
 * or per container (see `simAnnotations`).
 */
import type { Container, Pod } from '../../api/kinds.js';
import { ContainerStartError, type ContainerExit, type ExecResult, type RunningContainer, type Runtime, type Sandbox } from '../runtime.js';

export const simAnnotations = {
  /** Containers exit with this code (non-zero: reason Error) after the run time, whatever the policy. */
  exitCode: 'sim.skiff.dev/exit-code',
  /** Seconds a container runs before it exits (also for restartPolicy Always). */
  runSeconds: 'sim.skiff.dev/run-seconds',
  /** The container never starts: this is the waiting reason (e.g. ErrImagePull). */
  startError: 'sim.skiff.dev/start-error',
} as const;

/** An annotation for one container only (`sim.skiff.dev/exit-code.init-db`): it wins over the
 * pod-wide one of the same kind. */
export function simContainerAnnotation(kind: keyof typeof simAnnotations, container: string): string {
  return `${simAnnotations[kind]}.${container}`;
}

export interface FakeRuntimeOptions {
  /** The node's pod addresses: a /24 prefix such as `10.0.7.` (hosts .2–.254 are handed out). */
  readonly podAddressPrefix: string;
  readonly runSeconds?: number;
}

interface FakeContainer {
  readonly id: string;
  readonly podUid: string;
  timer: NodeJS.Timeout | undefined;
  finish(exit: Omit<ContainerExit, 'finishedAt'>): void;
}

export class FakeRuntime implements Runtime {
  readonly name = 'fake';
  readonly version = '0.1.0';
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly freeHosts: number[] = [];
  private nextId = 1;
  private readonly runSeconds: number;

  constructor(private readonly opts: FakeRuntimeOptions) {
    this.runSeconds = opts.runSeconds ?? 1;
    for (let h = 254; h >= 2; h--) this.freeHosts.push(h);
  }

  runSandbox(pod: Pod): Promise<Sandbox> {
    const uid = pod.metadata.uid ?? '';
    const existing = this.sandboxes.get(uid);
    if (existing) return Promise.resolve(existing);
    const host = this.freeHosts.pop();
    if (host === undefined) return Promise.reject(new ContainerStartError('CreatePodSandboxError', `no free pod address in ${this.opts.podAddressPrefix}0/24`));
    const sandbox = { id: `sandbox-${this.nextId++}`, podUid: uid, ip: `${this.opts.podAddressPrefix}${host}` };
    this.sandboxes.set(uid, sandbox);
    return Promise.resolve(sandbox);
  }

  startContainer(sandbox: Sandbox, pod: Pod, container: Container): Promise<RunningContainer> {
    const all = pod.metadata.annotations ?? {};
    const note = (kind: keyof typeof simAnnotations): string | undefined => all[simContainerAnnotation(kind, container.name)] ?? all[simAnnotations[kind]];
    const startError = note('startError');
    if (startError) return Promise.reject(new ContainerStartError(startError, `simulated: ${startError} for ${container.image ?? container.name}`));
    const id = `fake://${this.nextId++}`;
    let settle!: (e: ContainerExit) => void;
    const exited = new Promise<ContainerExit>((resolve) => (settle = resolve));
    const fc: FakeContainer = {
      id,
      podUid: sandbox.podUid,
      timer: undefined,
      finish: (e) => {
        if (!this.containers.delete(id)) return;
        if (fc.timer) clearTimeout(fc.timer);
        settle({ ...e, finishedAt: new Date() });
      },
    };
    this.containers.set(id, fc);
    const scripted = note('runSeconds');
    // Init containers run to completion whatever the pod's policy; sidecars (restartPolicy
    // Always) run until stopped whatever it is.
    const init = (pod.spec.initContainers ?? []).some((c) => c.name === container.name && c.restartPolicy !== 'Always');
    const mayFinish = init || ((pod.spec.restartPolicy ?? 'Always') !== 'Always' && container.restartPolicy !== 'Always');
    if (scripted !== undefined || mayFinish) {
      const code = Number(note('exitCode') ?? 0);
      const seconds = scripted !== undefined ? Number(scripted) : this.runSeconds;
      fc.timer = setTimeout(() => fc.finish({ exitCode: code, reason: code === 0 ? 'Completed' : 'Error' }), Math.max(0, seconds * 1000));
    }
    return Promise.resolve({ id, name: container.name, imageId: `fake://${container.image ?? ''}`, startedAt: new Date(), exited });
  }

  /** Simulated containers answer every command with success (exec probes pass). */
  exec(containerId: string): Promise<ExecResult> {
    if (!this.containers.has(containerId)) return Promise.reject(new Error(`container ${containerId} is not running`));
    return Promise.resolve({ exitCode: 0, output: '' });
  }

  stopContainer(id: string): Promise<void> {
    // A stopped container ends as SIGTERM would end a well-behaved program.
    this.containers.get(id)?.finish({ exitCode: 143, signal: 15, reason: 'Error' });
    return Promise.resolve();
  }

  removeSandbox(sandbox: Sandbox): Promise<void> {
    if (this.sandboxes.get(sandbox.podUid) === sandbox) {
      this.sandboxes.delete(sandbox.podUid);
      // Whatever still runs in the sandbox goes with it (the contract: "everything left in it").
      for (const c of [...this.containers.values()]) if (c.podUid === sandbox.podUid) c.finish({ exitCode: 137, signal: 9, reason: 'Error' });
      this.freeHosts.push(Number(sandbox.ip.slice(this.opts.podAddressPrefix.length)));
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const c of [...this.containers.values()]) c.finish({ exitCode: 137, signal: 9, reason: 'Error' });
    this.sandboxes.clear();
    return Promise.resolve();
  }
}
