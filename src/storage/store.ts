/**
 * The store contract every backend (sqlite, etcd, memory) implements: a revisioned key-value
 * store with watch, modelled on etcd's v3 API.
 *
 * - Every successful write (create, update, delete) gets the next store-wide revision; the
 *   revision never goes backwards and is never reused.
 * - `modRevision` of a key is the revision of the write that last changed it; it is what the API
 *   server exposes as `metadata.resourceVersion`.
 * - Update and delete are compare-and-swap on `modRevision`.
 * - A watch from revision R delivers every event with revision > R under the prefix, in revision
 *   order, none lost and none repeated. A watch from a revision that compaction already removed
 *   fails with {@link CompactedError}.
 *
 * Values are opaque strings (the API server stores JSON).
 */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** Revision of the write that created this key (in its current incarnation). */
  readonly createRevision: number;
  /** Revision of the write that last changed this key. */
  readonly modRevision: number;
}

export type WatchEventType = 'put' | 'delete';

export interface WatchEvent {
  readonly type: WatchEventType;
  /** For `put`: the new value. For `delete`: the last value the key had, with `modRevision` set
   * to the revision of the delete. */
  readonly kv: KeyValue;
  /** For `put` that updated an existing key, and for `delete`: the value before this event.
   * Backends fill it where they can do so cheaply; consumers must not rely on it. */
  readonly prevKv?: KeyValue;
  /** Revision of this event (equals kv.modRevision). */
  readonly revision: number;
}

export interface ListOptions {
  /** Read as of this revision (0 or absent: the latest). Fails with CompactedError if compacted. */
  readonly revision?: number;
  /** At most this many items (0 or absent: no limit). */
  readonly limit?: number;
  /** Start strictly after this key (the last key of the previous page). */
  readonly startAfter?: string;
}

export interface ListResult {
  readonly items: readonly KeyValue[];
  /** The revision the list was read at; pass it as `revision` for following pages. */
  readonly revision: number;
  /** True when more keys exist under the prefix after the last item. */
  readonly more: boolean;
  /** How many keys remain after this page, where the backend knows it cheaply. */
  readonly remaining?: number;
}

export interface Watch {
  /** Stops delivery. Idempotent. No events are delivered after the returned promise resolves. */
  close(): void;
}

export interface WatchHandlers {
  /** Events in revision order. May be called with one batch per revision or several revisions. */
  onEvents(events: readonly WatchEvent[]): void;
  /** The watch broke (compaction overtook it, backend lost). No more events follow. */
  onError(err: Error): void;
}

export interface Store {
  /** Creates the key; fails with KeyExistsError if it exists. Returns the stored kv. */
  create(key: string, value: string): Promise<KeyValue>;
  /** The current value, or undefined. */
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys under `prefix` in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Number of keys under prefix at the latest revision. */
  count(prefix: string): Promise<number>;
  /** Replaces the value if the key's modRevision equals `expectedModRevision`; else ConflictError
   * (or KeyNotFoundError if the key is gone). */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /** Deletes the key, if `expectedModRevision` is given only when it matches (ConflictError else).
   * Returns the last value with modRevision set to the delete's revision. KeyNotFoundError if
   * absent. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /** Watches `prefix` for events with revision > `fromRevision`. Throws (or reports through
   * onError) CompactedError when fromRevision < compacted revision. */
  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Watch;
  /** The store's latest revision. */
  currentRevision(): Promise<number>;
  /** Forgets history at and below `revision` (keeps the current values). */
  compact(revision: number): Promise<void>;
  /** The revision up to which history was compacted (0 if never). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}
