/**
 * The contract between the node agent and whatever runs containers (DESIGN.md: `process`, `oci`,
 * `fake`). The agent decides *what* should run (restart policy, back-off, probes, status); a
 * runtime only does it and reports how containers ended. Kubernetes' CRI split, made small.
 */
import type { Container, Pod } from '../api/kinds.js';
import type { Credentials } from '../images/index.js';
import type { StreamProcess } from '../streams/session.js';

/** A pod's sandbox: its network identity, shared by its containers. */
export interface Sandbox {
  readonly id: string;
  readonly podUid: string;
  readonly ip: string;
}

/** How a container ended. `reason` as kubelet reports it: Completed, Error, OOMKilled, … */
export interface ContainerExit {
  readonly exitCode: number;
  readonly signal?: number;
  readonly reason: string;
  readonly message?: string;
  readonly finishedAt: Date;
}

/** A started container. `exited` settles once, when the container stops for any reason. */
export interface RunningContainer {
  readonly id: string;
  readonly name: string;
  /** The image as resolved by the runtime (kubelet's imageID). */
  readonly imageId: string;
  readonly startedAt: Date;
  readonly exited: Promise<ContainerExit>;
  /** What the runtime could not honour of the container's spec: Warning events on the pod. */
  readonly warnings?: readonly { readonly reason: string; readonly message: string }[];
}

/** A volume as the agent prepared it on the host, to appear at `containerPath`. */
export interface Mount {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/** The run's termination-message file (made by the agent, mode 0666), to appear writable at the
 * container's `terminationMessagePath`. */
export interface TerminationMessageMount {
  readonly hostPath: string;
  readonly containerPath: string;
}

/** What the agent resolved for one start of a container: the runtime does not read the pod spec
 * for these. */
export interface StartOptions {
  /** The container's environment, `$(VAR)` references and the downward API already expanded. */
  readonly env: Readonly<Record<string, string>>;
  /** `command`/`args` with `$(VAR)` expanded (undefined: the image's own). */
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly mounts: readonly Mount[];
  /** The file stdout and stderr go to, one CRI log line each
   * (`2026-01-02T03:04:05.123456789Z stdout F text`); the agent rotates and reads it. */
  readonly logPath: string;
  /** The credentials to try, in order, for a pull of `image` (the pod's pull secrets through the
   * kubelet's keyring; none: anonymous). Called only by runtimes that pull, when they pull. */
  readonly pullCredentials?: (image: string) => Promise<readonly Credentials[]>;
  /** Where the container may leave its termination message; a runtime that cannot mount it
   * there leaves it out (the message then comes from the logs, or is empty). */
  readonly terminationMessage?: TerminationMessageMount;
}

/** An interactive exec (`kubectl exec`): its stdio, or one terminal when `tty`. */
export interface ExecStreamOptions {
  readonly stdin: boolean;
  readonly tty: boolean;
}

export type { StreamProcess } from '../streams/session.js';

export interface ExecResult {
  readonly exitCode: number;
  readonly output: string;
}

/** A container that could not be started, in kubelet's words (`ErrImagePull`, `CreateContainerError`). */
export class ContainerStartError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
    this.name = 'ContainerStartError';
  }
}

/** A container an earlier agent started, found again by `recover`. */
export interface RecoveredContainer {
  readonly name: string;
  /** The restart count it was started with. */
  readonly attempt: number;
  /** Running still, or with `exited` already settled: how it ended while no agent watched. */
  readonly run: RunningContainer;
}

export interface RecoveredSandbox {
  readonly sandbox: Sandbox;
  readonly containers: readonly RecoveredContainer[];
}

/** A container's resource use at one moment: counters the agent turns into rates. */
export interface ContainerUsage {
  /** Cumulative CPU time since the container started, nanoseconds. */
  readonly cpuNanos: number;
  /** Memory the container cannot do without (cgroup: usage minus inactive file pages; process
   * tree: resident memory), bytes. */
  readonly memoryWorkingSetBytes: number;
}

export interface Runtime {
  /** `fake`, `process`, `oci`: reported as the node's containerRuntimeVersion scheme. */
  readonly name: string;
  readonly version: string;
  /** Creates the pod's sandbox, or returns the existing one for this pod uid. */
  runSandbox(pod: Pod): Promise<Sandbox>;
  /** Starts one container of the pod in its sandbox. `attempt` counts restarts from 0. */
  startContainer(sandbox: Sandbox, pod: Pod, container: Container, attempt: number, opts: StartOptions): Promise<RunningContainer>;
  /** Runs a command inside a running container (exec probes, `kubectl exec`), killed after
   * `timeoutMs`; output is stdout and stderr together, truncated to a few KiB. */
  exec(containerId: string, command: readonly string[], timeoutMs: number): Promise<ExecResult>;
  /** Starts a command inside a running container with its streams (`kubectl exec`); runtimes
   * without it refuse exec. Throws when the container is not running or the command not found. */
  execStream?(containerId: string, command: readonly string[], opts: ExecStreamOptions): StreamProcess;
  /** Stops a container: SIGTERM (or the runtime's equivalent), SIGKILL after `graceSeconds`.
   * Resolves once it has exited; a container already gone is not an error. A second call with
   * less grace brings the SIGKILL forward (a pod deleted again with a shorter grace period). */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes the sandbox and everything left in it. */
  removeSandbox(sandbox: Sandbox): Promise<void>;
  /** Runtimes whose pod addresses come from the node's `spec.podCIDR` (allocated by the server)
   * are told it here, before any sandbox is made (CRI's UpdateRuntimeConfig); the agent waits
   * for the allocation when this is present. */
  setPodCIDR?(cidr: string): void;
  /** Takes over what an earlier agent on this node left: its sandboxes and their containers'
   * latest runs (kubelet finds its pods in the CRI runtime the same way). Called once, before
   * any other call; runtimes that keep nothing across agent restarts (fake) leave it out. */
  recover?(): Promise<RecoveredSandbox[]>;
  /** The resource use of running containers, by id (those it cannot measure are left out);
   * cheap enough to call every few seconds for a full node. Runtimes without it report none. */
  usage?(containerIds: readonly string[]): Promise<ReadonlyMap<string, ContainerUsage>>;
  /** Releases what the runtime holds for the whole node (at agent exit). */
  close(): Promise<void>;
}
