/**
 * One pod on one node: a worker that brings the runtime to what the pod asks for and reports
 * back. Syncs are serialised per pod (a change arriving mid-sync runs one more sync after it), so
 * the worker never starts a container twice. Deletion: containers get their grace period, the
 * sandbox goes, then the agent removes the pod object for good (grace 0), as kubelet does.
 */
import type { Pod } from '../api/kinds.js';
import { pods as podsResource } from '../api/resources.js';
import { ApiError } from '../api/errors.js';
import type { RestClient } from '../client/rest.js';
import type { Logger } from '../util/log.js';
import { ContainerStartError, type Runtime, type Sandbox } from '../runtime/runtime.js';
import { backoff, backoffDelayMs, newRecord, shouldRestart, type ContainerRecord } from './container-record.js';
import { podStatus, timestamp } from './pod-status.js';

/** What a worker needs from its agent. */
export interface WorkerHost {
  readonly client: RestClient;
  readonly runtime: Runtime;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly log: Logger;
  /** Back-off before the first restart of a crashed container (tests shorten it). */
  readonly restartBackoffMs: number;
  workerDone(uid: string): void;
}

export class PodWorker {
  private pod: Pod;
  private deleted = false;
  private sandbox: Sandbox | undefined;
  private readonly records = new Map<string, ContainerRecord>();
  private readonly startTime = timestamp();
  private lastReported = '';
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(private readonly host: WorkerHost, pod: Pod) {
    this.pod = pod;
    for (const c of pod.spec.containers) this.records.set(c.name, newRecord(c.name));
  }

  get uid(): string {
    return this.pod.metadata.uid ?? '';
  }

  update(pod: Pod): void {
    this.pod = pod;
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
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    const now = Date.now();
    let wakeAt = Infinity;
    for (const c of this.pod.spec.containers) {
      const r = this.records.get(c.name) ?? newRecord(c.name);
      this.records.set(c.name, r);
      if (r.running) continue;
      if (r.last && !shouldRestart(policy, r.last.exit)) continue;
      if (r.backoffUntil > now) {
        wakeAt = Math.min(wakeAt, r.backoffUntil);
        continue;
      }
      await this.start(c.name, r);
      if (!r.running && r.backoffUntil > now) wakeAt = Math.min(wakeAt, r.backoffUntil);
    }
    await this.report();
    if (wakeAt !== Infinity) this.later(Math.max(0, wakeAt - Date.now()));
  }

  private async start(name: string, r: ContainerRecord): Promise<void> {
    const container = this.pod.spec.containers.find((c) => c.name === name)!;
    const restarting = r.last !== undefined;
    try {
      const run = await this.host.runtime.startContainer(this.sandbox!, this.pod, container, r.restartCount + (restarting ? 1 : 0));
      if (restarting) r.restartCount++;
      r.running = run;
      r.waiting = undefined;
      r.imageId = run.imageId;
      void run.exited.then((exit) => {
        if (r.running !== run) return;
        r.running = undefined;
        r.last = { id: run.id, startedAt: run.startedAt, exit };
        const ranMs = exit.finishedAt.getTime() - run.startedAt.getTime();
        r.failures = ranMs >= backoff.resetAfterMs ? 1 : r.failures + 1;
        r.backoffUntil = Date.now() + backoffDelayMs(r.failures, this.host.restartBackoffMs);
        r.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoffDelayMs(r.failures, this.host.restartBackoffMs) / 1000)}s restarting failed container=${name} pod=${this.pod.metadata.name ?? ''}_${this.pod.metadata.namespace ?? ''}(${this.uid})` };
        this.kick();
      });
    } catch (err) {
      r.failures++;
      r.backoffUntil = Date.now() + backoffDelayMs(r.failures, this.host.restartBackoffMs);
      r.waiting = err instanceof ContainerStartError
        ? { reason: err.reason, message: err.message }
        : { reason: 'CreateContainerError', message: err instanceof Error ? err.message : String(err) };
    }
  }

  private async report(): Promise<void> {
    const status = podStatus({
      pod: this.pod,
      records: this.records,
      podIP: this.sandbox?.ip,
      hostIP: this.host.hostIP,
      startTime: this.pod.status?.startTime ?? this.startTime,
      now: timestamp(),
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
    const grace = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    await Promise.all([...this.records.values()].map(async (r) => {
      if (r.running) await this.host.runtime.stopContainer(r.running.id, grace);
    }));
    await this.releaseSandbox();
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

  private finish(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.host.workerDone(this.uid);
  }

  /** At agent exit: stop containers without touching the API. */
  async shutdown(): Promise<void> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    for (const r of this.records.values()) if (r.running) await this.host.runtime.stopContainer(r.running.id, 0);
    await this.releaseSandbox();
  }
}
