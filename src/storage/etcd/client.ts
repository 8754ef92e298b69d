/**
 * Connecting to etcd through the `etcd3` package, and the small translations the store needs:
 * keys to byte ranges, etcd's int64 strings to numbers, and client errors to the store's errors.
 */
import { Etcd3, type IKeyValue, type IOptions } from 'etcd3';
import { StoreError, StoreUnavailableError } from '../errors.js';
import type { KeyValue } from '../store.js';

/** A unary call that has not answered in this long has failed (etcd hung or partitioned). */
const callTimeoutMs = 15_000;

type HostPolicy = ReturnType<NonNullable<NonNullable<IOptions['faultHandling']>['host']>>;

/**
 * A policy that runs every call as is. Used as etcd3's global policy, whose default retries any
 * failed call up to 3 times: a retried write whose first attempt did commit would report a false
 * KeyExistsError or ConflictError, so the store retries only reads itself. Used per host only
 * with a single endpoint, where etcd3's default circuit breaker would just add an outage of its
 * own (5 s of refused calls after etcd is back); with several it steers calls off a dead member.
 */
const passThrough = {
  // async: a function that throws must become a rejection (etcd3 chains .catch onto it).
  execute: async <T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T> => fn({ signal: new AbortController().signal }),
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
} as unknown as HostPolicy;

export function connect(hosts: readonly string[]): Etcd3 {
  return new Etcd3({
    hosts: [...hosts],
    // Watch replays and list pages can exceed gRPC's default 4 MiB receive limit.
    grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    faultHandling: hosts.length === 1 ? { global: passThrough, host: () => passThrough } : { global: passThrough },
  });
}

export function toBytes(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

/** The exclusive end of the byte range of keys starting with `prefix` (etcd's prefix rule):
 * the prefix with its last byte below 0xff incremented; "\0" means "to the end of the keyspace". */
export function prefixRangeEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix, 'utf8');
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const end = Buffer.from(b.subarray(0, i + 1));
      end[i] = b[i]! + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

export function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

export function isCompactedError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision has been compacted');
}

export function isFutureRevisionError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('required revision is a future revision');
}

/** Contract errors pass through; a future revision is the caller's mistake; anything else the
 * client raised (refused, timed out, broken stream, closed client) means etcd is unavailable. */
export function toStoreError(err: unknown): Error {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (isFutureRevisionError(err)) return new StoreError(`etcd: ${message}`, { cause: err });
  return new StoreUnavailableError(`etcd: ${message}`, { cause: err });
}
