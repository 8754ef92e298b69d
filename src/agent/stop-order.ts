/**
 * The order a pod's containers stop in (kubelet's terminationOrdering, 1.32): regular containers
 * and plain init containers stop at once; each sidecar waits until every regular container and
 * every sidecar after it has stopped, so sidecars stop last, in reverse order. The wait spends the
 * grace period, as kubelet's does.
 */
import type { Pod } from '../api/kinds.js';
import { isSidecar, podContainers, type ContainerRecord } from './container-record.js';
import { stopContainer, type StopContext } from './container-stop.js';

interface Gate {
  readonly done: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { done, open };
}

export class TerminationOrder {
  private readonly stopped = new Map<string, Gate>();
  private readonly waitsFor = new Map<string, Promise<void>[]>();

  /** `running`: the containers being stopped; the others count as stopped already. */
  constructor(pod: Pod, running: ReadonlySet<string>) {
    const mains: Promise<void>[] = [];
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      const g = gate();
      if (!running.has(c.name)) g.open();
      this.stopped.set(c.name, g);
    }
    for (const c of pod.spec.containers) mains.push(this.stopped.get(c.name)!.done);
    // Every later sidecar, not only the next: one that is not running must not let an earlier
    // one overtake a later one that is.
    const later: Promise<void>[] = [];
    const inits = pod.spec.initContainers ?? [];
    for (let i = inits.length - 1; i >= 0; i--) {
      const c = inits[i]!;
      if (!isSidecar(c)) continue;
      this.waitsFor.set(c.name, [...mains, ...later]);
      later.push(this.stopped.get(c.name)!.done);
    }
  }

  /** Waits, at most `graceSeconds`, until `name` may stop; resolves to the whole seconds waited. */
  async waitForTurn(name: string, graceSeconds: number): Promise<number> {
    const prereqs = this.waitsFor.get(name);
    if (!prereqs?.length) return 0;
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(prereqs), new Promise((r) => (timer = setTimeout(r, graceSeconds * 1000)))]);
    clearTimeout(timer);
    return Math.floor((Date.now() - t0) / 1000);
  }

  /** `name` has stopped: those waiting on it may go. */
  terminated(name: string): void {
    this.stopped.get(name)?.open();
  }
}

/** Stops every running container of the pod in kubelet's order, with `graceSeconds` shared. */
export async function stopPodContainers(pod: Pod, records: ReadonlyMap<string, ContainerRecord>, graceSeconds: number, ctx: Omit<StopContext, 'order' | 'pod'>): Promise<void> {
  const all = podContainers(pod);
  const running = new Set(all.filter(({ container }) => records.get(container.name)?.running).map(({ container }) => container.name));
  const order = new TerminationOrder(pod, running);
  await Promise.all(all.map(async ({ container }) => {
    const r = records.get(container.name);
    if (r) await stopContainer({ ...ctx, pod, order }, container, r, graceSeconds);
  }));
}
