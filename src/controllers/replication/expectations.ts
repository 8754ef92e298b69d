/**
 * Expectations, as Kubernetes' ControllerExpectations: how many pod creations and which pod
 * deletions a controller has issued but not yet seen come back through its informer. Until they
 * are seen, the informer's copy is behind the controller's own writes, and a sync that acted on it
 * would create twins (or delete twice); so a sync only changes pods when its key is satisfied.
 * Expectations expire after five minutes so that a lost watch event cannot wedge a controller.
 */
const ttlMs = 5 * 60_000;

interface Record {
  adds: number;
  readonly dels: Set<string>;
  timestamp: number;
}

export class Expectations {
  private readonly records = new Map<string, Record>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when the controller may act on `key` again: nothing outstanding, expired, or unknown. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.adds <= 0 && r.dels.size === 0) return true;
    return this.now() - r.timestamp > ttlMs;
  }

  /** Records `adds` creations and the deletions of `podKeys` about to be issued (replacing
   * whatever was recorded before: the caller only expects when satisfied). */
  expect(key: string, adds: number, podKeys: readonly string[] = []): void {
    this.records.set(key, { adds, dels: new Set(podKeys), timestamp: this.now() });
  }

  /** A pod this controller created appeared (or a create failed / was skipped). */
  creationObserved(key: string, n = 1): void {
    const r = this.records.get(key);
    if (r) r.adds -= n;
  }

  /** A pod this controller deleted disappeared or got its deletionTimestamp (or the delete failed). */
  deletionObserved(key: string, podKey: string): void {
    this.records.get(key)?.dels.delete(podKey);
  }

  /** The controller object is gone. */
  delete(key: string): void {
    this.records.delete(key);
  }
}
