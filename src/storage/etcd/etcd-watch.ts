/**
 * One store watch on etcd: its own gRPC watch stream (streams share the client's HTTP/2
 * connection), started at `from + 1` with previous values. The raw stream is used instead of
 * etcd3's Watcher so that this code owns the resume point and sees `compact_revision`:
 * - events are delivered in stream order, and any event at or below the last delivered revision
 *   (a replay after a reconnect) is dropped, so none is repeated;
 * - when the stream breaks (etcd restarted, network), the watch re-creates it from the last
 *   delivered revision + 1, so none is lost; after `giveUpMs` of failing it reports
 *   StoreUnavailableError;
 * - etcd cancelling the watch because history was compacted becomes CompactedError.
 */
import type { Etcd3, IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import { CompactedError, StoreError, StoreUnavailableError } from '../errors.js';
import type { KeyValue, Watch, WatchEvent, WatchHandlers } from '../store.js';
import { prefixRangeEnd, toBytes, toKeyValue } from './client.js';

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

/** Give up re-establishing a broken stream after this long without success. */
const giveUpMs = 30_000;

export class EtcdWatch implements Watch {
  private stream: WatchStream | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failingSince: number | undefined;
  private attempt = 0;
  /** Everything at or below this revision has been delivered (or is known to hold nothing). */
  private position: number;

  constructor(
    private readonly client: Etcd3,
    private readonly prefix: string,
    from: number,
    private readonly handlers: WatchHandlers,
    /** Learns compacted revisions etcd reports, and forgets the watch once it ends. */
    private readonly owner: { noteCompacted(rev: number): void; detach(w: EtcdWatch): void },
  ) {
    this.position = from;
    void this.open();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.endStream();
    this.owner.detach(this);
  }

  private async open(): Promise<void> {
    let stream: WatchStream;
    try {
      stream = await this.client.watchClient.watch();
    } catch (err) {
      this.broken(err);
      return;
    }
    if (this.closed) {
      stream.end();
      stream.cancel();
      return;
    }
    this.stream = stream;
    stream.on('data', (res) => {
      if (this.stream === stream) this.onResponse(res);
    });
    stream.on('error', (err) => {
      if (this.stream === stream) this.broken(err);
    });
    stream.on('end', () => {
      if (this.stream === stream) this.broken(new Error('watch stream ended'));
    });
    stream.write({
      create_request: {
        key: toBytes(this.prefix),
        range_end: prefixRangeEnd(this.prefix),
        start_revision: this.position + 1,
        prev_kv: true,
        progress_notify: true,
      },
    });
  }

  private onResponse(res: IWatchResponse): void {
    if (this.closed) return;
    if (res.canceled) {
      const compacted = Number(res.compact_revision);
      if (compacted > 0) {
        this.owner.noteCompacted(compacted);
        this.fail(new CompactedError(this.position, compacted));
      } else {
        this.fail(new StoreError(`etcd cancelled the watch on ${this.prefix}: ${res.cancel_reason || 'no reason given'}`));
      }
      return;
    }
    this.attempt = 0;
    this.failingSince = undefined;
    if (res.events.length === 0) {
      // A progress notification (not the creation answer, whose header may run ahead of a
      // catching-up replay) says every event up to its revision was sent: resume from there.
      if (!res.created) this.position = Math.max(this.position, Number(res.header.revision));
      return;
    }
    const batch: WatchEvent[] = [];
    for (const e of res.events) {
      const event = toEvent(e);
      if (event.revision <= this.position) continue;
      batch.push(event);
      this.position = event.revision;
    }
    if (batch.length === 0) return;
    try {
      this.handlers.onEvents(batch);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The stream failed: retry with backoff from the last delivered revision, for a while. */
  private broken(err: unknown): void {
    if (this.closed) return;
    this.endStream();
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.failingSince > giveUpMs) {
      const message = err instanceof Error ? err.message : String(err);
      this.fail(new StoreUnavailableError(`etcd watch on ${this.prefix} lost: ${message}`, { cause: err }));
      return;
    }
    const delay = Math.min(2000, 50 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) void this.open();
    }, delay);
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.close();
    this.handlers.onError(err);
  }

  /** Half-closes before cancelling: etcd3 treats an error on a still-writable stream as a host
   * failure and would reset the client's connections. */
  private endStream(): void {
    const s = this.stream;
    this.stream = undefined;
    if (!s) return;
    s.end();
    s.cancel();
  }
}

/** etcd's event → the contract's: a delete carries the last value (from prev_kv) at the delete's
 * revision. If etcd no longer has that previous value, the delete carries an empty value. */
function toEvent(e: IEvent): WatchEvent {
  const revision = Number(e.kv.mod_revision);
  const prevKv: KeyValue | undefined = e.prev_kv ? toKeyValue(e.prev_kv) : undefined;
  if (e.type === 'Delete') {
    const kv: KeyValue = prevKv
      ? { ...prevKv, modRevision: revision }
      : { key: e.kv.key.toString('utf8'), value: '', createRevision: 0, modRevision: revision };
    return prevKv ? { type: 'delete', kv, prevKv, revision } : { type: 'delete', kv, revision };
  }
  const kv = toKeyValue(e.kv);
  return prevKv ? { type: 'put', kv, prevKv, revision } : { type: 'put', kv, revision };
}
