/**
 * Starting one container of a pod, the single place the agent does it (kubelet's startContainer):
 * its environment and command resolved, the runtime asked to start it, the Started event; or,
 * when it cannot start, the back-off and the waiting reason and event kubelet shows
 * (ErrImagePull, CreateContainerConfigError, CreateContainerError).
 */
import type { Container, Pod } from '../api/kinds.js';
import { ContainerStartError, type RunningContainer, type Sandbox } from '../runtime/runtime.js';
import { backoffDelayMs, type ContainerRecord } from './container-record.js';
import { containerEnv, EnvError, expand } from './env.js';
import { containerMounts } from './subpath.js';
import { containerLogPath } from './log-target.js';
import type { WorkerHost } from './worker-host.js';
import { pullCredentialsFor } from './pull-secrets.js';
import { prepareTerminationFile, withTerminationMessage } from './termination-message.js';

export type EventFn = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface StartContext {
  readonly host: WorkerHost;
  readonly pod: Pod;
  readonly sandbox: Sandbox;
  readonly volumes: ReadonlyMap<string, string>;
  readonly event: EventFn;
  /** When the container's last pull failed (ErrImagePull shows a while before ImagePullBackOff). */
  readonly pullFailedAt: Map<string, number>;
}

/** Starts `container` once; resolves to its run, or undefined (with `r` in back-off and waiting
 * for the reason) when it could not be started. */
export async function startContainer(ctx: StartContext, container: Container, r: ContainerRecord): Promise<RunningContainer | undefined> {
  const { host, pod, sandbox, event } = ctx;
  const { name } = container;
  const restarting = r.last !== undefined;
  try {
    const attempt = r.restartCount + (restarting ? 1 : 0);
    const ns = pod.metadata.namespace ?? 'default';
    const serviceVars = host.serviceEnv ? await host.serviceEnv(pod) : new Map<string, string>();
    const env = await containerEnv(pod, container, sandbox.ip, host.hostIP, (kind, n) => host.lookupData(ns, kind, n), (reason, message) => event('Warning', reason, message), serviceVars);
    const logPath = containerLogPath(host.dataDir, pod, name, attempt);
    // The run's termination-message file, read into its exit (termination-message.ts).
    const termination = await prepareTerminationFile(host.dataDir, pod, container);
    // A claim mounted `readOnly` in the pod's volume is read-only in every container (as kubelet).
    const readOnly = new Set((pod.spec.volumes ?? []).filter((v) => (v['persistentVolumeClaim'] as { readOnly?: boolean } | undefined)?.readOnly === true).map((v) => v.name));
    const mounts = await containerMounts(container, ctx.volumes, env, host.dataDir !== undefined, readOnly);
    const started = await host.runtime.startContainer(sandbox, pod, container, attempt, {
      env: Object.fromEntries(env),
      ...(container.command ? { command: container.command.map((a) => expand(a, env)) } : {}),
      ...(container.args ? { args: container.args.map((a) => expand(a, env)) } : {}),
      mounts,
      logPath,
      ...(termination ? { terminationMessage: termination } : {}),
      pullCredentials: pullCredentialsFor(host, pod, (reason, message) => event('Warning', reason, message)),
    });
    const run = withTerminationMessage(started, pod, container, termination, logPath);
    if (restarting) r.restartCount++;
    event('Normal', 'Started', `Started container ${name}`);
    for (const w of run.warnings ?? []) event('Warning', w.reason, w.message);
    return run;
  } catch (err) {
    r.failures++;
    r.backoffUntil = Date.now() + backoffDelayMs(r.failures, host.restartBackoffMs);
    if (err instanceof ContainerStartError && err.reason === 'ErrImagePull') {
      ctx.pullFailedAt.set(name, Date.now());
      // The image store's message already carries kubelet's prefix; never say it twice.
      const prefix = `Failed to pull image "${container.image ?? ''}": `;
      event('Warning', 'Failed', err.message.startsWith('Failed to pull image') ? err.message : prefix + err.message);
    }
    // kubelet's event when a container's configuration cannot be made (kuberuntime: "Error: %v").
    if (err instanceof EnvError || (err instanceof ContainerStartError && err.reason === 'CreateContainerConfigError')) event('Warning', 'Failed', `Error: ${err.message}`);
    r.waiting = err instanceof ContainerStartError || err instanceof EnvError
      ? { reason: err.reason, message: err.message }
      : { reason: 'CreateContainerError', message: err instanceof Error ? err.message : String(err) };
    return undefined;
  }
}

/** How long a failed pull shows as ErrImagePull before the back-off shows (ImagePullBackOff). */
const pullErrorShownMs = 1000;

/** When a container due to start is still in back-off: the time it may start (its waiting reason
 * turned from ErrImagePull to ImagePullBackOff, with kubelet's event, once the error has shown a
 * while); undefined when it may start now. */
export function heldBack(r: ContainerRecord, image: string, pullFailedAt: number, event: EventFn): number | undefined {
  const now = Date.now();
  if (r.backoffUntil <= now) return undefined;
  if (r.waiting?.reason === 'ErrImagePull' && now - pullFailedAt >= pullErrorShownMs) {
    r.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
    event('Normal', 'BackOff', `Back-off pulling image "${image}"`);
  }
  return r.backoffUntil;
}

/** After a start attempt: when to look again (the end of the back-off of a failed start, or the
 * moment ErrImagePull gives way to ImagePullBackOff); Infinity when nothing is pending. */
export function nextTry(r: ContainerRecord): number {
  let at = Infinity;
  if (!r.running && r.backoffUntil > Date.now()) at = r.backoffUntil;
  if (r.waiting?.reason === 'ErrImagePull') at = Math.min(at, Date.now() + pullErrorShownMs);
  return at;
}
