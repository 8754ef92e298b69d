/**
 * One pod on one node: a worker that brings the runtime to what the pod asks for and reports
 * back. Syncs are serialised per pod (a change arriving mid-sync runs one more sync after it), so
 * the worker never starts a container twice. Deletion: containers get their grace period, the
 * sandbox goes, then the agent removes the pod object for good (grace 0), as kubelet does.
 */
import type { Container, Pod } from '../api/kinds.js';
import type { EventRecorder } from '../client/events.js';
import { startProbes } from './probing.js';
import { pods as podsResource } from '../api/resources.js';
import { ApiError } from '../api/errors.js';
import type { RestClient } from '../client/rest.js';
import type { Logger } from '../util/log.js';
import { ContainerStartError, type RecoveredSandbox, type RunningContainer, type Runtime, type Sandbox } from '../runtime/runtime.js';
import { backoff, backoffDelayMs, newRecord, shouldRestart, type ContainerRecord } from './container-record.js';
import { podStatus } from './pod-status.js';
import { kubeTime } from '../api/time.js';
import { containerEnv, EnvError, expand } from './env.js';
import { containerMounts, prepareVolumes, removePodDir } from './volumes.js';
import { ProjectedVolumes, type IssuedToken } from './projected.js';
import { containerLogPath, logTarget, type LogTarget } from './log-target.js';

/** How long a failed pull shows as ErrImagePull before the back-off shows (ImagePullBackOff). */
const pullErrorShownMs = 1000;

/** What a worker needs from its agent. */
export interface WorkerHost {
  readonly client: RestClient;
  readonly runtime: Runtime;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly log: Logger;
  /** Back-off before the first restart of a crashed container (tests shorten it). */
  readonly restartBackoffMs: number;
  /** Where pods' volumes and logs live; undefined on simulated nodes (nothing touches disk). */
  readonly dataDir: string | undefined;
  /** A ConfigMap's or Secret's data in the pod's namespace (Secret values decoded). */
  lookupData(namespace: string, kind: 'ConfigMap' | 'Secret', name: string): Promise<Record<string, string> | undefined>;
  /** A service-account token for the pod's account bound to the pod (TokenRequest); none on
   * simulated nodes. */
  requestToken?(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<IssuedToken>;
  /** The service variables of the pod's containers (service-env.ts); none on simulated nodes. */
  serviceEnv?(pod: Pod): Promise<Map<string, string>>;
  workerDone(uid: string): void;
  /** Resolves once services no longer send the pod new connections (see proxy/drain.ts);
   * terminating pods wait for it, within their grace period, before their stop signal. */
  drain?(pod: Pod): Promise<void>;
  /** kubelet's Events (Started, Killing, Unhealthy, BackOff); none on simulated nodes. */
  readonly recorder?: EventRecorder;
}

export class PodWorker {
  private pod: Pod;
  private deleted = false;
  private sandbox: Sandbox | undefined;
  private volumes: Map<string, string> | undefined;
  private projected: ProjectedVolumes | undefined;
  private readonly records = new Map<string, ContainerRecord>();
  /** When each container's last pull failed (ErrImagePull shows for a while before the back-off). */
  private readonly pullFailedAt = new Map<string, number>();
  private readonly startTime = kubeTime();
  private lastReported = '';
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  /** The grace the containers are being stopped with, once the pod is terminating. */
  private stopGrace: number | undefined;

  /** `recovered`: what an earlier agent left running for this pod, taken over instead of
   * started again. */
  constructor(private readonly host: WorkerHost, pod: Pod, recovered?: RecoveredSandbox) {
    this.pod = pod;
    for (const c of pod.spec.containers) this.records.set(c.name, newRecord(c.name));
    if (recovered) this.adopt(recovered);
  }

  private adopt(recovered: RecoveredSandbox): void {
    this.sandbox = recovered.sandbox;
    const statuses = this.pod.status?.containerStatuses ?? [];
    for (const { name, attempt, run } of recovered.containers) {
      const r = this.records.get(name);
      const container = this.pod.spec.containers.find((c) => c.name === name);
      if (!r || !container) continue;
      r.restartCount = attempt;
      // The run before this one, as the API last heard of it (describe's "Last State").
      const last = statuses.find((c) => c.name === name)?.lastState?.terminated;
      if (last?.containerID && last.startedAt && last.finishedAt) {
        r.last = { id: last.containerID, startedAt: new Date(last.startedAt), exit: { exitCode: last.exitCode, reason: last.reason ?? 'Error', finishedAt: new Date(last.finishedAt), ...(last.message ? { message: last.message } : {}) } };
      }
      this.watch(container, r, run);
    }
  }

  get uid(): string {
    return this.pod.metadata.uid ?? '';
  }

  update(pod: Pod): void {
    this.pod = pod;
    // Deleted again with less grace while stopping: the kill comes sooner (as kubelet does).
    const grace = pod.metadata.deletionGracePeriodSeconds;
    if (this.stopGrace !== undefined && grace !== undefined && grace < this.stopGrace) {
      this.stopGrace = grace;
      for (const r of this.records.values()) if (r.running) void this.host.runtime.stopContainer(r.running.id, grace);
    }
    this.kick();
  }

  /** The pod object is gone from the API: stop everything, report nothing. */
  podDeleted(): void {
    this.deleted = true;
    this.kick();
  }

  private kick(): void {
    if (this.finished) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          await this.sync();
        } catch (err) {
          this.host.log.warn({ pod: this.key(), err: String(err) }, 'pod sync failed; retrying');
          this.later(1000);
        }
      } while (this.again && !this.finished);
    } finally {
      this.running = false;
    }
  }

  private key(): string {
    return `${this.pod.metadata.namespace ?? ''}/${this.pod.metadata.name ?? ''}`;
  }

  private later(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, ms);
  }

  private async sync(): Promise<void> {
    if (this.deleted || this.pod.metadata.deletionTimestamp) return this.terminate();
    const phase = this.pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // Terminal pods never run again; their sandbox can go.
      if (this.sandbox) await this.releaseSandbox();
      return;
    }
    if (!this.sandbox) {
      try {
        this.sandbox = await this.host.runtime.runSandbox(this.pod);
      } catch (err) {
        for (const r of this.records.values()) r.waiting = { reason: err instanceof ContainerStartError ? err.reason : 'CreatePodSandboxError', message: String(err instanceof Error ? err.message : err) };
        await this.report();
        this.later(5000);
        return;
      }
    }
    if (!this.volumes) {
      try {
        const ns = this.pod.metadata.namespace ?? 'default';
        const lookup = (kind: 'ConfigMap' | 'Secret', name: string) => this.host.lookupData(ns, kind, name);
        const host = this.host;
        const pod = this.pod;
        this.projected = new ProjectedVolumes(pod, lookup, host.requestToken ? (aud, secs) => host.requestToken!(pod, aud, secs) : undefined,
          (err) => host.log.warn({ pod: `${ns}/${pod.metadata.name ?? ''}`, err: err instanceof Error ? err.message : String(err) }, 'cannot refresh a service account token'));
        this.volumes = await prepareVolumes(this.host.dataDir, this.pod, lookup, this.projected);
      } catch (err) {
        this.projected?.stop();
        this.projected = undefined;
        for (const r of this.records.values()) r.waiting = { reason: 'ContainerCreating', message: err instanceof Error ? err.message : String(err) };
        await this.report();
        this.later(2000);
        return;
      }
    }
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    const now = Date.now();
    let wakeAt = Infinity;
    for (const c of this.pod.spec.containers) {
      const r = this.records.get(c.name) ?? newRecord(c.name);
      this.records.set(c.name, r);
      if (r.running) continue;
      if (r.last && !shouldRestart(policy, r.last.exit)) continue;
      if (r.backoffUntil > now) {
        // kubelet's words for the wait after a failed pull.
        if (r.waiting?.reason === 'ErrImagePull' && now - (this.pullFailedAt.get(c.name) ?? 0) >= pullErrorShownMs) {
          r.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image ?? ''}"` };
          this.event('Normal', 'BackOff', `Back-off pulling image "${c.image ?? ''}"`);
        }
        wakeAt = Math.min(wakeAt, r.backoffUntil);
        continue;
      }
      await this.start(c.name, r);
      if (!r.running && r.backoffUntil > now) wakeAt = Math.min(wakeAt, r.backoffUntil);
      // ErrImagePull shows for a moment, then the back-off (ImagePullBackOff) until the next try.
      if (r.waiting?.reason === 'ErrImagePull') wakeAt = Math.min(wakeAt, Date.now() + pullErrorShownMs);
    }
    await this.report();
    if (wakeAt !== Infinity) this.later(Math.max(0, wakeAt - Date.now()));
  }

  private async start(name: string, r: ContainerRecord): Promise<void> {
    const container = this.pod.spec.containers.find((c) => c.name === name)!;
    const restarting = r.last !== undefined;
    try {
      const attempt = r.restartCount + (restarting ? 1 : 0);
      const ns = this.pod.metadata.namespace ?? 'default';
      const serviceVars = this.host.serviceEnv ? await this.host.serviceEnv(this.pod) : new Map<string, string>();
      const env = await containerEnv(this.pod, container, this.sandbox!.ip, this.host.hostIP, (kind, name) => this.host.lookupData(ns, kind, name), (reason, message) => this.event('Warning', reason, message), serviceVars);
      const run = await this.host.runtime.startContainer(this.sandbox!, this.pod, container, attempt, {
        env: Object.fromEntries(env),
        ...(container.command ? { command: container.command.map((a) => expand(a, env)) } : {}),
        ...(container.args ? { args: container.args.map((a) => expand(a, env)) } : {}),
        mounts: containerMounts(container, this.volumes ?? new Map()),
        logPath: containerLogPath(this.host.dataDir, this.pod, name, attempt),
      });
      if (restarting) r.restartCount++;
      this.event('Normal', 'Started', `Started container ${name}`);
      for (const w of run.warnings ?? []) this.event('Warning', w.reason, w.message);
      this.watch(container, r, run);
    } catch (err) {
      r.failures++;
      r.backoffUntil = Date.now() + backoffDelayMs(r.failures, this.host.restartBackoffMs);
      if (err instanceof ContainerStartError && err.reason === 'ErrImagePull') {
        this.pullFailedAt.set(name, Date.now());
        this.event('Warning', 'Failed', `Failed to pull image "${container.image ?? ''}": ${err.message}`);
      }
      // kubelet's event when a container's configuration cannot be made (kuberuntime: "Error: %v").
      if (err instanceof EnvError || (err instanceof ContainerStartError && err.reason === 'CreateContainerConfigError')) this.event('Warning', 'Failed', `Error: ${err.message}`);
      r.waiting = err instanceof ContainerStartError || err instanceof EnvError
        ? { reason: err.reason, message: err.message }
        : { reason: 'CreateContainerError', message: err instanceof Error ? err.message : String(err) };
    }
  }

  /** From now on `run` is the container's current run: probes, and what happens when it ends. */
  private watch(container: Container, r: ContainerRecord, run: RunningContainer): void {
    const { name } = container;
    r.running = run;
    r.waiting = undefined;
    r.imageId = run.imageId;
    startProbes(container, r, run.id, {
      runtime: this.host.runtime,
      podIP: () => this.sandbox?.ip ?? '',
      graceSeconds: () => this.pod.spec.terminationGracePeriodSeconds ?? 30,
      event: (type, reason, message) => this.event(type, reason, message),
      changed: () => this.kick(),
    });
    void run.exited.then((exit) => {
      if (r.running !== run) return;
      for (const p of r.probes.splice(0)) p.stop();
      r.running = undefined;
      r.last = { id: run.id, startedAt: run.startedAt, exit };
      const ranMs = exit.finishedAt.getTime() - run.startedAt.getTime();
      r.failures = ranMs >= backoff.resetAfterMs ? 1 : r.failures + 1;
      r.backoffUntil = Date.now() + backoffDelayMs(r.failures, this.host.restartBackoffMs);
      if (shouldRestart(this.pod.spec.restartPolicy, exit)) this.event('Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${this.pod.metadata.name ?? ''}_${this.pod.metadata.namespace ?? ''}(${this.uid})`);
      r.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoffDelayMs(r.failures, this.host.restartBackoffMs) / 1000)}s restarting failed container=${name} pod=${this.pod.metadata.name ?? ''}_${this.pod.metadata.namespace ?? ''}(${this.uid})` };
      this.kick();
    });
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.host.recorder?.event(this.pod, type, reason, message);
  }

  private async report(): Promise<void> {
    const status = podStatus({
      pod: this.pod,
      records: this.records,
      podIP: this.sandbox?.ip,
      hostIP: this.host.hostIP,
      startTime: this.pod.status?.startTime ?? this.startTime,
      now: kubeTime(),
    });
    const text = JSON.stringify(status);
    if (text === this.lastReported) return;
    const { namespace, name } = this.pod.metadata;
    try {
      const updated = await this.host.client.patch<Pod>(podsResource, namespace, name ?? '', { status }, 'merge', 'status');
      this.lastReported = text;
      if (!this.deleted) this.pod = updated;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
  }

  private async terminate(): Promise<void> {
    const asked = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    let grace = Math.min(asked, this.stopGrace ?? asked);
    this.stopGrace = grace;
    if (grace > 0 && !this.deleted && this.host.drain) {
      // Draining spends the grace period, as a preStop hook does.
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.host.drain(this.pod), new Promise((r) => (timer = setTimeout(r, grace * 1000)))]);
      clearTimeout(timer);
      grace = Math.max(0, Math.min(this.stopGrace, grace - (Date.now() - t0) / 1000));
    }
    await Promise.all([...this.records.values()].map(async (r) => {
      for (const p of r.probes.splice(0)) p.stop();
      if (r.running) {
        this.event('Normal', 'Killing', `Stopping container ${r.name}`);
        await this.host.runtime.stopContainer(r.running.id, grace);
      }
    }));
    await this.releaseSandbox();
    await this.cleanUp();
    if (!this.deleted) {
      const { namespace, name } = this.pod.metadata;
      try {
        await this.host.client.delete(podsResource, namespace, name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
    this.finish();
  }

  private async releaseSandbox(): Promise<void> {
    const sb = this.sandbox;
    this.sandbox = undefined;
    if (sb) await this.host.runtime.removeSandbox(sb);
  }

  /** The pod is gone for good: its volumes and logs go too. */
  private async cleanUp(): Promise<void> {
    this.projected?.stop();
    this.projected = undefined;
    this.volumes = undefined;
    await removePodDir(this.host.dataDir, this.pod);
  }

  private finish(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.host.workerDone(this.uid);
  }

  /** Which log file `kubectl logs` means (see log-target.ts). */
  logTarget(container: string | undefined, previous: boolean): LogTarget {
    return logTarget(this.host.dataDir, this.pod, this.records, container, previous);
  }

  get podKey(): string {
    return this.key();
  }

  /** At agent exit: stop containers without touching the API. */
  async shutdown(): Promise<void> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    for (const r of this.records.values()) {
      for (const p of r.probes.splice(0)) p.stop();
      if (r.running) await this.host.runtime.stopContainer(r.running.id, 0);
    }
    await this.releaseSandbox();
  }
}
