/**
 * What this controller last wrote, per service (Kubernetes' `endpointSliceTracker`): the informer
 * cache lags behind our own writes, and a sync that read a cache without the slice it just created
 * would create another. A service whose cache has not caught up is synced again a little later.
 */
import type { EndpointSlice } from '../../api/kinds.js';

interface Expectation {
  /** name → resourceVersion (numeric revision) the cache must reach. */
  readonly present: Map<string, number>;
  readonly absent: Set<string>;
}

export class SliceTracker {
  private readonly expected = new Map<string, Expectation>();

  private entry(key: string): Expectation {
    let e = this.expected.get(key);
    if (!e) this.expected.set(key, (e = { present: new Map(), absent: new Set() }));
    return e;
  }

  wrote(key: string, slice: EndpointSlice): void {
    const e = this.entry(key);
    e.absent.delete(slice.metadata.name!);
    e.present.set(slice.metadata.name!, Number(slice.metadata.resourceVersion ?? 0));
  }

  deleted(key: string, name: string): void {
    const e = this.entry(key);
    e.present.delete(name);
    e.absent.add(name);
  }

  /** Whether `cached` (the service's slices in the informer) reflects every write; forgets the
   * expectations once it does. */
  caughtUp(key: string, cached: readonly EndpointSlice[]): boolean {
    const e = this.expected.get(key);
    if (!e) return true;
    const byName = new Map(cached.map((s) => [s.metadata.name!, Number(s.metadata.resourceVersion ?? 0)]));
    for (const [name, rv] of e.present) if ((byName.get(name) ?? -1) < rv) return false;
    for (const name of e.absent) if (byName.has(name)) return false;
    this.expected.delete(key);
    return true;
  }

  forget(key: string): void {
    this.expected.delete(key);
  }
}
