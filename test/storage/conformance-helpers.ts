/** Shared pieces of the store conformance suite: opening stores per case, unique key roots, and
 * a watch collector that waits for events or errors with a deadline. */
import assert from 'node:assert/strict';
import type { Store, Watch, WatchEvent, WatchHandlers } from '../../src/storage/index.js';

export interface OpenedStore {
  readonly store: Store;
  cleanup(): Promise<void>;
}

export type OpenStore = () => Promise<OpenedStore>;

let roots = 0;

/** A key root no other case uses, so cases can share one backend (etcd) without interfering. */
export function uniqueRoot(label: string): string {
  roots++;
  return `/registry/conformance-${process.pid}-${roots}-${label}/`;
}

/** Opens a store, runs `fn`, and always cleans up. */
export async function withStore(open: OpenStore, fn: (store: Store) => Promise<void>): Promise<void> {
  const { store, cleanup } = await open();
  try {
    await fn(store);
  } finally {
    await cleanup();
  }
}

/** Collects a watch's events and errors. */
export class Collector {
  readonly events: WatchEvent[] = [];
  readonly errors: Error[] = [];
  private notify: (() => void) | undefined;

  readonly handlers: WatchHandlers = {
    onEvents: (events) => {
      this.events.push(...events);
      this.notify?.();
    },
    onError: (err) => {
      this.errors.push(err);
      this.notify?.();
    },
  };

  /** Waits until at least `n` events arrived; fails on a watch error or after `timeoutMs`. */
  async waitForEvents(n: number, timeoutMs = 10_000): Promise<WatchEvent[]> {
    await this.until(() => this.events.length >= n, `${n} events (have ${this.events.length})`, timeoutMs);
    return this.events;
  }

  async waitForError(timeoutMs = 10_000): Promise<Error> {
    await this.until(() => this.errors.length > 0, 'a watch error', timeoutMs, true);
    return this.errors[0]!;
  }

  private async until(done: () => boolean, what: string, timeoutMs: number, errorsExpected = false): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (!errorsExpected && this.errors.length > 0) throw new Error(`watch failed while waiting for ${what}: ${this.errors[0]!.message}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.notify = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.notify = undefined;
    }
  }
}

/** Starts a watch; the collector gets its events. */
export function watchInto(store: Store, prefix: string, from: number): { watch: Watch; got: Collector } {
  const got = new Collector();
  return { watch: store.watch(prefix, from, got.handlers), got };
}

/** The error a watch fails with, whether `watch()` threw it or reported it through onError. */
export async function watchFailure(store: Store, prefix: string, from: number): Promise<Error> {
  const got = new Collector();
  let watch: Watch;
  try {
    watch = store.watch(prefix, from, got.handlers);
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  try {
    return await got.waitForError();
  } finally {
    watch.close();
  }
}

/** Lets pending deliveries run, then checks nothing more arrived. */
export async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Byte order of keys (what etcd and SQLite sort by). */
export function byteOrder(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** A compact, comparable summary of events. */
export function summarize(events: readonly WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key}=${e.kv.value}@${e.revision}`);
}
