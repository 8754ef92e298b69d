/**
 * One allocator of service values (cluster IPs or node ports) kept in the store, one key per value:
 * `/registry/serviceallocations/<kind>/<value>` holding who took it. Creating the key is the lock —
 * the store's create-if-absent is atomic on SQLite and etcd alike — so several API servers on one
 * etcd never hand out the same value, and allocations survive restarts without a bitmap to rebuild.
 * A local set of values known to be taken only speeds up the search; the store decides.
 */
import { type Store, KeyExistsError, KeyNotFoundError, ConflictError } from '../../../storage/index.js';
import type { AllocationRange } from './range.js';

export const allocationsPrefix = '/registry/serviceallocations/';

export type AllocationKind = 'ip' | 'nodeport';

/** The service holding a value. */
export interface AllocationOwner {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** What an allocation key holds. `allocatedAt` lets the repair pass spare allocations of a create
 * still in flight on another server. */
export interface AllocationRecord extends AllocationOwner {
  readonly allocatedAt: string;
}

/** A value this request now holds; `fresh` when this request created the key (so undoing the
 * request deletes it) rather than finding it already held by the same service. */
export interface Claim {
  readonly kind: AllocationKind;
  readonly value: string;
  readonly modRevision: number;
  readonly fresh: boolean;
}

export type ClaimResult = Claim | 'out-of-range' | 'taken';

export class StoreAllocator {
  private readonly prefix: string;
  /** Values seen taken (by us or others); may be stale, never trusted for correctness. */
  private readonly taken = new Set<string>();
  private loaded = false;

  constructor(
    private readonly store: Store,
    readonly kind: AllocationKind,
    readonly range: AllocationRange,
  ) {
    this.prefix = `${allocationsPrefix}${kind}/`;
  }

  key(value: string): string {
    return `${this.prefix}${value}`;
  }

  /** Takes exactly `value` for `owner`: out of range, taken by another service, or claimed. */
  async claim(value: string, owner: AllocationOwner): Promise<ClaimResult> {
    if (this.range.offsetOf(value) === undefined) return 'out-of-range';
    return (await this.tryCreate(value, owner)) ?? 'taken';
  }

  /** What {@link claim} would answer, without taking anything (dry runs). */
  async check(value: string, owner: AllocationOwner): Promise<'out-of-range' | 'taken' | 'free'> {
    if (this.range.offsetOf(value) === undefined) return 'out-of-range';
    const kv = await this.store.get(this.key(value));
    if (!kv) return 'free';
    return parseRecord(kv.value)?.uid === owner.uid ? 'free' : 'taken';
  }

  /** Takes any free value, starting at a random offset (servers racing rarely pick the same one);
   * undefined when the range is full. A first pass trusts the local set; when it runs dry, the set
   * is reloaded from the store (others may have released values) and the search runs once more. */
  async allocate(owner: AllocationOwner): Promise<Claim | undefined> {
    for (let pass = 0; pass < 2; pass++) {
      if (!this.loaded || pass === 1) await this.reload();
      const { size } = this.range;
      const start = Math.floor(Math.random() * size);
      for (let i = 0; i < size; i++) {
        const offset = (start + i) % size;
        if (this.range.reserved(offset)) continue;
        const value = this.range.valueAt(offset);
        if (this.taken.has(value)) continue;
        const claim = await this.tryCreate(value, owner);
        if (claim) return claim;
      }
    }
    return undefined;
  }

  /** Frees `value` if `uid` still holds it (a newer holder is left alone). */
  async release(value: string, uid: string): Promise<void> {
    const kv = await this.store.get(this.key(value));
    if (!kv) {
      this.taken.delete(value);
      return;
    }
    const rec = parseRecord(kv.value);
    if (rec && rec.uid !== uid) return;
    await this.deleteAt(value, kv.modRevision);
  }

  /** Deletes the key if it is still at `modRevision` (undoing our own fresh claim, or repair). */
  async deleteAt(value: string, modRevision: number): Promise<boolean> {
    try {
      await this.store.delete(this.key(value), modRevision);
      this.taken.delete(value);
      return true;
    } catch (err) {
      if (err instanceof KeyNotFoundError) {
        this.taken.delete(value);
        return false;
      }
      if (err instanceof ConflictError) return false;
      throw err;
    }
  }

  /** Every allocation key of this kind: value → record and revision. */
  async list(): Promise<Map<string, { record: AllocationRecord | undefined; modRevision: number }>> {
    const out = new Map<string, { record: AllocationRecord | undefined; modRevision: number }>();
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.store.list(this.prefix, { limit: 5000, ...(startAfter ? { startAfter } : {}) });
      for (const kv of page.items) {
        out.set(kv.key.slice(this.prefix.length), { record: parseRecord(kv.value), modRevision: kv.modRevision });
      }
      if (!page.more || page.items.length === 0) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    return out;
  }

  private async reload(): Promise<void> {
    const all = await this.list();
    this.taken.clear();
    for (const v of all.keys()) this.taken.add(v);
    this.loaded = true;
  }

  /** Creates the key; when it exists, the claim still succeeds if the same service holds it. */
  private async tryCreate(value: string, owner: AllocationOwner): Promise<Claim | undefined> {
    const record: AllocationRecord = { namespace: owner.namespace, name: owner.name, uid: owner.uid, allocatedAt: new Date().toISOString() };
    try {
      const kv = await this.store.create(this.key(value), JSON.stringify(record));
      this.taken.add(value);
      return { kind: this.kind, value, modRevision: kv.modRevision, fresh: true };
    } catch (err) {
      if (!(err instanceof KeyExistsError)) throw err;
      this.taken.add(value);
      const kv = await this.store.get(this.key(value));
      const held = kv ? parseRecord(kv.value) : undefined;
      if (kv && held?.uid === owner.uid) return { kind: this.kind, value, modRevision: kv.modRevision, fresh: false };
      return undefined;
    }
  }
}

export function parseRecord(text: string): AllocationRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<AllocationRecord>;
    if (typeof r.uid !== 'string' || typeof r.name !== 'string' || typeof r.namespace !== 'string') return undefined;
    return { namespace: r.namespace, name: r.name, uid: r.uid, allocatedAt: typeof r.allocatedAt === 'string' ? r.allocatedAt : '' };
  } catch {
    return undefined;
  }
}
