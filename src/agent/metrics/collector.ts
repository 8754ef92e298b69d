/**
 * The node's resource metrics, sampled every few seconds and kept in memory (kubelet's summary
 * provider with metrics-server's resolution): each running container's cumulative CPU time and
 * working set from the runtime, the node's from /proc. A CPU rate is the change between this
 * sample and the one before, so a container seen for the first time has none yet (an average
 * over its first milliseconds would mostly measure its start-up).
 */
import type { Pod } from '../../api/kinds.js';
import type { ContainerUsage, Runtime } from '../../runtime/runtime.js';
import { hostUsage } from '../../runtime/shared/index.js';

/** What the collector samples: the agent's running pods and its runtime. */
export interface MetricsSource {
  runningPods(): readonly { pod: Pod; containers: readonly { name: string; id: string; startedAt: Date }[] }[];
  readonly runtime: Runtime;
}

/** CPU (a cumulative counter and its rate) and memory at one sample. */
export interface Usage {
  readonly time: Date;
  /** Cumulative CPU time, nanoseconds. */
  readonly cpuNanos: number;
  /** The CPU rate over `windowSeconds`, nanocores; undefined at the first sample. */
  readonly nanoCores: number | undefined;
  readonly windowSeconds: number;
  readonly memoryWorkingSetBytes: number;
}

export interface ContainerSample {
  readonly name: string;
  readonly startTime: Date;
  readonly usage: Usage;
}

export interface PodSample {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly startTime: Date;
  readonly containers: readonly ContainerSample[];
}

export interface NodeSample {
  readonly usage: Usage | undefined;
  readonly memoryAvailableBytes: number;
  readonly pods: readonly PodSample[];
}

interface Last {
  readonly at: number;
  readonly cpuNanos: number;
}

export class MetricsCollector {
  private timer: NodeJS.Timeout | undefined;
  private latest: NodeSample = { usage: undefined, memoryAvailableBytes: 0, pods: [] };
  /** The previous counter of each container (by runtime id) and of the node. */
  private last = new Map<string, Last>();
  private nodeLast: Last | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly source: () => MetricsSource | undefined,
    private readonly intervalMs = 10_000,
    /** The clock (tests step it). */
    private readonly now: () => number = Date.now,
    /** The node's counters (tests give their own). */
    private readonly host: typeof hostUsage = hostUsage,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.sample().catch(() => undefined);
    };
    tick();
    // A second sample soon after the first gives the node a CPU rate without waiting a period.
    setTimeout(() => this.timer && tick(), Math.min(1000, this.intervalMs)).unref();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** The most recent sample. */
  get current(): NodeSample {
    return this.latest;
  }

  /** Takes one sample now (also what the timer does). */
  async sample(): Promise<void> {
    const src = this.source();
    if (!src) return;
    const pods = src.runningPods();
    const ids = pods.flatMap((p) => p.containers.map((c) => c.id));
    const usage: ReadonlyMap<string, ContainerUsage> = src.runtime.usage && ids.length ? await src.runtime.usage(ids) : new Map();
    const now = this.now();
    const time = new Date(now);
    const next = new Map<string, Last>();
    const out: PodSample[] = [];
    for (const { pod, containers } of pods) {
      const samples: ContainerSample[] = [];
      for (const c of containers) {
        const u = usage.get(c.id);
        if (!u) continue;
        // Counters restart with the container (a new id).
        const prev = this.last.get(c.id);
        next.set(c.id, { at: now, cpuNanos: u.cpuNanos });
        samples.push({ name: c.name, startTime: c.startedAt, usage: rate(time, u.cpuNanos, prev, u.memoryWorkingSetBytes) });
      }
      if (!samples.length) continue;
      out.push({
        namespace: pod.metadata.namespace ?? '',
        name: pod.metadata.name ?? '',
        uid: pod.metadata.uid ?? '',
        startTime: new Date(pod.status?.startTime ?? samples[0]!.startTime),
        containers: samples,
      });
    }
    this.last = next;
    const host = this.host();
    let nodeUsage: Usage | undefined;
    if (host) {
      // The node's first figure waits for a second sample: /proc/stat counts from boot.
      nodeUsage = this.nodeLast ? rate(time, host.cpuNanos, this.nodeLast, host.memoryWorkingSetBytes) : undefined;
      this.nodeLast = { at: now, cpuNanos: host.cpuNanos };
    }
    this.latest = { usage: nodeUsage ?? this.latest.usage, memoryAvailableBytes: host?.memoryAvailableBytes ?? 0, pods: out };
  }
}

function rate(time: Date, cpuNanos: number, prev: Last | undefined, memoryWorkingSetBytes: number): Usage {
  if (!prev) return { time, cpuNanos, nanoCores: undefined, windowSeconds: 0, memoryWorkingSetBytes };
  const seconds = Math.max(0.001, (time.getTime() - prev.at) / 1000);
  const nanoCores = Math.max(0, Math.round((cpuNanos - prev.cpuNanos) / seconds));
  return { time, cpuNanos, nanoCores, windowSeconds: seconds, memoryWorkingSetBytes };
}
