/**
 * kubelet's image garbage collection: when the disk holding the images is fuller than the high
 * threshold (`--image-gc-high-threshold`, default 85 %), images no container uses are removed,
 * oldest first, until usage is below the low threshold (default 80 %) or nothing unused is left.
 * Checked every `periodMs` (kubelet: 5 min) and once at start.
 */
import { statfs } from 'node:fs/promises';
import type { Logger } from '../util/log.js';
import type { ImageStore } from './store.js';

export interface ImageGcPolicy {
  readonly highPercent: number;
  readonly lowPercent: number;
  readonly periodMs?: number;
}

export const defaultImageGcPolicy: ImageGcPolicy = { highPercent: 85, lowPercent: 80, periodMs: 5 * 60_000 };

/** How full the filesystem holding `dir` is, in percent of what non-root users may use (df's figure). */
export async function diskUsagePercent(dir: string): Promise<number> {
  const s = await statfs(dir);
  const used = s.blocks - s.bfree;
  return (100 * used) / (used + s.bavail);
}

export class ImageGarbageCollector {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;

  constructor(private readonly store: ImageStore, private readonly policy: ImageGcPolicy, private readonly log?: Logger) {
    if (!(policy.lowPercent <= policy.highPercent && policy.lowPercent >= 0 && policy.highPercent <= 100)) {
      throw new RangeError(`image GC thresholds must satisfy 0 ≤ low (${policy.lowPercent}) ≤ high (${policy.highPercent}) ≤ 100`);
    }
  }

  start(): void {
    void this.collect();
    this.timer = setInterval(() => void this.collect(), this.policy.periodMs ?? defaultImageGcPolicy.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass; resolves with the images removed. Passes never overlap. */
  collect(): Promise<string[]> {
    this.running ??= this.pass().catch((err: unknown) => {
      this.log?.warn({ err: String(err) }, 'image garbage collection failed');
      return [];
    }).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<string[]> {
    const dir = this.store.opts.dir;
    if ((await diskUsagePercent(dir)) < this.policy.highPercent) return [];
    const used = new Set<string>();
    for (const lease of await this.store.leases.live()) {
      used.add(lease.ref);
      if (lease.record) used.add(lease.record.config);
    }
    const unused = (await this.store.list()).filter((i) => !used.has(i.ref) && !used.has(i.config)).sort((a, b) => a.created.localeCompare(b.created));
    const removed: string[] = [];
    for (const image of unused) {
      await this.store.remove(image.ref);
      await this.store.gc({ prune: true });
      removed.push(image.ref);
      if ((await diskUsagePercent(dir)) < this.policy.lowPercent) break;
    }
    if (removed.length) this.log?.info({ removed }, 'disk above the image GC threshold: removed unused images');
    return removed;
  }
}
