/**
 * One pod on one node: a worker that brings the runtime to what the pod asks for and reports
 * back. Syncs are serialised per pod (a change arriving mid-sync runs one more sync after it), so
 * the worker never starts a container twice. Each sync asks pod-actions.ts what to start (init
 * containers in order, sidecars, regular containers) and whether the pod is done; a pod done for
 * good (its containers finished, an init container failed under Never, its active deadline passed)
 * has its containers stopped in order (stop-order.ts) and its sandbox released. Deletion:
 * containers get their grace period, the sandbox goes, then the agent removes the pod object for
 * good (grace 0), as kubelet does.
 */
import type { Container, Pod } from '../api/kinds.js';
import { pods as podsResource } from '../api/resources.js';
import { ApiError } from '../api/errors.js';
import { ContainerStartError, type RecoveredSandbox, type RunningContainer, type Sandbox } from '../runtime/runtime.js';
import { ephemeralContainers, newRecord, podContainers, type ContainerRecord, type ContainerRole } from './container-record.js';
import { ephemeralToStart, recordEphemeral } from './ephemeral.js';
import { podStatus } from './pod-status.js';
import { podActions } from './pod-actions.js';
import { deadlineExceeded, deadlineLeftMs } from './deadline.js';
import { emptyDirCheckMs, emptyDirLimits, emptyDirOverLimit } from './emptydir-limit.js';
import { dataRefreshMs, hasDataVolumes, refreshDataVolumes, type WrittenFiles } from './data-refresh.js';
import { heldBack, nextTry, startContainer } from './container-start.js';
import { watchRun } from './container-run.js';
import { adoptRuns } from './adopt.js';
import { stopPodContainers } from './stop-order.js';
import { killContainer, type KillHost } from './kill.js';
import { runPostStart } from './post-start.js';
import { PodStatusWriter } from './status-writer.js';
import { kubeTime } from '../api/time.js';
import { prepareVolumes, removePodDir } from './volumes.js';
import { logTarget, type LogTarget } from './log-target.js';
import type { WorkerHost } from './worker-host.js';
import { recordDegradedFields } from './support-events.js';
import { ProjectedVolumes } from './projected.js';

export type { WorkerHost } from './worker-host.js';

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
  /** The pod is being stopped for good: nothing is started again. */
  private stopping = false;
  /** Its containers have all been stopped for good (kubelet's podIsTerminal). */
  private terminal = false;
  /** Why the node itself ended the pod (activeDeadlineSeconds). */
  private evicted: { reason: string; message: string } | undefined;
  /** When ConfigMap/Secret volumes are next compared with their sources; the files last written. */
  private dataRefreshAt = Date.now() + dataRefreshMs;
  private readonly dataFiles: WrittenFiles = new Map();
  /** Aborted once the pod is being deleted: a postStart hook in progress gives up. */
  private readonly hookAbort = new AbortController();
  /** PUTs status on the newest copy known, so conditions others own survive (status-writer.ts). */
  private readonly statusWriter: PodStatusWriter;

  /** `recovered`: what an earlier agent left running for this pod, taken over instead of
   * started again. */
  constructor(private readonly host: WorkerHost, pod: Pod, recovered?: RecoveredSandbox) {
    this.pod = pod;
    this.statusWriter = new PodStatusWriter(host.client);
    for (const { container } of podContainers(pod)) this.records.set(container.name, newRecord(container.name));
    recordEphemeral(pod, this.records);
    if (recovered) this.adopt(recovered);
  }

  /** Takes over an earlier agent's runs (adopt.ts). */
  private adopt(recovered: RecoveredSandbox): void {
    this.sandbox = recovered.sandbox;
    adoptRuns(this.pod, recovered, this.records, (container, role, r, run) => this.watch(container, role, r, run));
  }

  get uid(): string {
    return this.pod.metadata.uid ?? '';
  }

  update(pod: Pod): void {
    this.pod = pod;
    recordEphemeral(pod, this.records);
    if (pod.metadata.deletionTimestamp) this.hookAbort.abort();
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
    this.hookAbort.abort();
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
    if (this.terminal) {
      // Terminal pods never run again; their sandbox can go.
      if (this.sandbox) await this.releaseSandbox();
      return;
    }
    const phase = this.pod.status?.phase;
    // Ended by someone else, or before an agent restart: stop what still runs. Statuses are only
    // reported by a worker that saw the containers run (a fresh one knows nothing better).
    if (phase === 'Succeeded' || phase === 'Failed') return this.killPod([...this.records.values()].some((r) => r.running || r.last));
    const left = deadlineLeftMs(this.pod, this.pod.status?.startTime ?? this.startTime, Date.now());
    if (left !== undefined && left <= 0) {
      this.evicted = { ...deadlineExceeded };
      this.event('Normal', deadlineExceeded.reason, deadlineExceeded.message);
      return this.killPod();
    }
    if (!(await this.prepare())) return;
    const limits = this.host.dataDir && this.volumes ? emptyDirLimits(this.pod) : [];
    if (limits.length > 0) {
      const over = await emptyDirOverLimit(limits, this.volumes!);
      if (over) {
        this.evicted = over;
        this.event('Warning', over.reason, over.message);
        return this.killPod();
      }
    }
    const actions = podActions(this.pod, this.records);
    if (actions.killPod) return this.killPod();
    // Debug containers join a pod whose own containers run (kubelet starts them last, too).
    const starts = [...actions.start, ...(actions.initialized ? ephemeralToStart(this.pod, this.records) : [])];
    let wakeAt = left !== undefined ? Date.now() + left : Infinity;
    if (limits.length > 0) wakeAt = Math.min(wakeAt, Date.now() + emptyDirCheckMs);
    if (this.host.dataDir && this.volumes && hasDataVolumes(this.pod)) wakeAt = Math.min(wakeAt, await this.refreshDataVolumes());
    for (const name of starts) {
      const r = this.records.get(name)!;
      const image = this.containerNamed(name)?.image ?? '';
      // A container in back-off waits (kubelet's words for a failed pull change on the way).
      const until = heldBack(r, image, this.pullFailedAt.get(name) ?? 0, (type, reason, message) => this.event(type, reason, message));
      if (until !== undefined) {
        wakeAt = Math.min(wakeAt, until);
        continue;
      }
      await this.start(name, r);
      wakeAt = Math.min(wakeAt, nextTry(r));
    }
    await this.report();
    if (wakeAt !== Infinity) this.later(Math.max(0, wakeAt - Date.now()));
  }

  /** ConfigMap and Secret volumes follow their sources (data-refresh.ts); returns when to look
   * again. */
  private async refreshDataVolumes(): Promise<number> {
    if (Date.now() >= this.dataRefreshAt) {
      const ns = this.pod.metadata.namespace ?? 'default';
      try {
        await refreshDataVolumes(this.pod, this.volumes!, (kind, name) => this.host.lookupData(ns, kind, name), this.dataFiles);
      } catch (err) {
        this.host.log.warn({ pod: this.key(), err: err instanceof Error ? err.message : String(err) }, 'cannot refresh configMap/secret volumes');
      }
      this.dataRefreshAt = Date.now() + dataRefreshMs;
    }
    return this.dataRefreshAt;
  }

  /** The sandbox and volumes, made once; false (with the reason shown) while they cannot be. */
  private async prepare(): Promise<boolean> {
    if (!this.sandbox) {
      try {
        this.sandbox = await this.host.runtime.runSandbox(this.pod);
        recordDegradedFields(this.pod, this.host.runtime.name, (type, reason, message) => this.event(type, reason, message));
      } catch (err) {
        this.showWaiting(err instanceof ContainerStartError ? err.reason : 'CreatePodSandboxError', String(err instanceof Error ? err.message : err));
        await this.report();
        this.later(5000);
        return false;
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
        this.volumes = await prepareVolumes(this.host.dataDir, this.pod, lookup, this.projected, (v, claim, create) => host.claimDirectory(ns, v, claim, create));
      } catch (err) {
        this.projected?.stop();
        this.projected = undefined;
        this.showWaiting('ContainerCreating', err instanceof Error ? err.message : String(err));
        await this.report();
        this.later(2000);
        return false;
      }
    }
    return true;
  }

  /** Why nothing can start yet, on the containers that would start first (the regular ones of a
   * pod with init containers keep PodInitializing). */
  private showWaiting(reason: string, message: string): void {
    const inits = this.pod.spec.initContainers ?? [];
    const first = inits.length ? inits : this.pod.spec.containers;
    for (const c of first) {
      const r = this.records.get(c.name);
      if (r && !r.running && !r.last) r.waiting = { reason, message };
    }
  }

  private entryNamed(name: string): { container: Container; role: ContainerRole } | undefined {
    const ephemeral = ephemeralContainers(this.pod).find((c) => c.name === name);
    if (ephemeral) return { container: ephemeral, role: 'ephemeral' };
    return podContainers(this.pod).find((c) => c.container.name === name);
  }

  private containerNamed(name: string): Container | undefined {
    return this.entryNamed(name)?.container;
  }

  private async start(name: string, r: ContainerRecord): Promise<void> {
    const entry = this.entryNamed(name);
    if (!entry || !this.sandbox) return;
    const run = await startContainer({
      host: this.host,
      pod: this.pod,
      sandbox: this.sandbox,
      volumes: this.volumes ?? new Map(),
      event: (type, reason, message) => this.event(type, reason, message),
      pullFailedAt: this.pullFailedAt,
    }, entry.container, r);
    if (!run) return;
    // postStart runs before the container counts as running; a failure kills it (post-start.ts).
    await runPostStart(this.killHost(), { pod: this.pod, container: entry.container, run, podIP: this.sandbox?.ip ?? '', graceSeconds: this.pod.spec.terminationGracePeriodSeconds ?? 30, signal: this.hookAbort.signal });
    this.watch(entry.container, entry.role, r, run);
    // A sidecar without a startup probe has started at once: the next init container may go.
    if (entry.role === 'sidecar' && r.started) this.kick();
  }

  /** From now on `run` is the container's current run (see container-run.ts). */
  private watch(container: Container, role: ContainerRole, r: ContainerRecord, run: RunningContainer): void {
    watchRun({
      host: this.host,
      pod: () => this.pod,
      podIP: () => this.sandbox?.ip ?? '',
      stopping: () => this.stopping,
      event: (type, reason, message) => this.event(type, reason, message),
      changed: () => this.kick(),
      // Probe kills go through killContainer: preStop, probe-level grace.
      kill: (c, run, grace, message) => killContainer(this.killHost(), { pod: this.pod, container: c, run, podIP: this.sandbox?.ip ?? '', graceSeconds: grace, message }),
    }, container, role, r, run);
  }

  /** What killContainer and the hooks need from this worker. */
  private killHost(): KillHost {
    return { runtime: this.host.runtime, event: (t, reason, m) => this.event(t, reason, m), log: (m) => this.host.log.warn({ pod: this.key() }, m) };
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.host.recorder?.event(this.pod, type, reason, message);
  }

  private async report(): Promise<void> {
    const now = kubeTime();
    const view = (pod: Pod) => podStatus({
      pod,
      records: this.records,
      podIP: this.sandbox?.ip,
      hostIP: this.host.hostIP,
      startTime: pod.status?.startTime ?? this.startTime,
      now,
      stopping: this.stopping,
      terminal: this.terminal,
      ...(this.evicted ? { evicted: this.evicted } : {}),
    });
    const text = JSON.stringify(view(this.pod));
    if (text === this.lastReported) return;
    try {
      // PUT on the read resourceVersion, re-read on 409 (others' conditions survive). What was
      // written counts, not what the records say by now (a probe may flip mid-write).
      let written = text;
      const updated = await this.statusWriter.write(this.pod, (p) => {
        const status = view(p);
        written = JSON.stringify(status);
        return status;
      });
      this.lastReported = written;
      if (!this.deleted) this.pod = updated;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
  }


  /** Stops the pod for good (kubelet's killPod for a pod that is done): what runs stops in
   * order with the pod's grace period, the final status is reported, the sandbox goes. */
  private async killPod(report = true): Promise<void> {
    this.stopping = true;
    if (report) await this.report();
    await this.stopAll(this.pod.spec.terminationGracePeriodSeconds ?? 30);
    this.terminal = true;
    if (report) await this.report();
    await this.releaseSandbox();
  }

  /** Every running container stopped: regular ones at once, sidecars after them in reverse order. */
  private async stopAll(grace: number): Promise<void> {
    await stopPodContainers(this.pod, this.records, grace, { ...this.killHost(), podIP: this.sandbox?.ip ?? '' });
  }

  private async terminate(): Promise<void> {
    this.stopping = true;
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
    await this.stopAll(grace);
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

  /** The pod and its running containers, for the metrics collector. */
  runningContainers(): { pod: Pod; containers: { name: string; id: string; startedAt: Date }[] } {
    const containers = [...this.records.values()].flatMap((r) => (r.running ? [{ name: r.name, id: r.running.id, startedAt: r.running.startedAt }] : []));
    return { pod: this.pod, containers };
  }

  /** The running container `kubectl exec` enters (the first one when none is named). */
  execTarget(container: string | undefined): { containerId: string } | { error: string; notFound?: boolean } {
    const name = container || this.pod.spec?.containers?.[0]?.name || '';
    const known = !!this.entryNamed(name);
    if (!known) return { error: `container ${name} is not valid for pod ${this.pod.metadata.name ?? ''}`, notFound: false };
    const running = this.records.get(name)?.running;
    if (!running) return { error: `container ${name} is not running in pod ${this.pod.metadata.name ?? ''}` };
    return { containerId: running.id };
  }

  /** Where `kubectl port-forward` connects: the pod's address, once its sandbox has one. */
  forwardTarget(): { ip: string; uid: string } | { error: string } {
    if (!this.sandbox?.ip) return { error: `pod ${this.pod.metadata.name ?? ''} has no network yet` };
    return { ip: this.sandbox.ip, uid: this.pod.metadata.uid ?? '' };
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
