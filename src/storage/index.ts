/**
 * The storage layer's face: the store contract, its errors, and `openStore(url)` which picks a
 * backend by URL scheme. Only the API server opens stores.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Store } from './store.js';
import { MemoryStore } from './memory/index.js';
import { SqliteStore } from './sqlite/index.js';
import { EtcdStore } from './etcd/index.js';

export type { KeyValue, ListOptions, ListResult, Store, Watch, WatchEvent, WatchEventType, WatchHandlers } from './store.js';
export {
  CompactedError,
  ConflictError,
  KeyExistsError,
  KeyNotFoundError,
  StoreError,
  StoreUnavailableError,
} from './errors.js';
export { MemoryStore, SqliteStore, EtcdStore };

/**
 * Opens the store a datastore URL names:
 * - `memory://` — in process, gone on exit (tests);
 * - `sqlite://PATH` — a SQLite file; PATH relative to the working directory or absolute
 *   (`sqlite:///var/lib/skiff/state.db`); missing parent directories are created;
 * - `etcd://HOST:PORT[,HOST:PORT…]` — an etcd cluster over plain gRPC.
 */
export async function openStore(url: string): Promise<Store> {
  const m = /^([a-z0-9+.-]+):\/\/(.*)$/i.exec(url);
  if (!m) throw new Error(`invalid datastore URL ${JSON.stringify(url)}: expected sqlite://PATH, etcd://HOST:PORT[,HOST:PORT…] or memory://`);
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  switch (scheme) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite': {
      if (rest === '') throw new Error(`invalid datastore URL ${JSON.stringify(url)}: sqlite:// needs a file path`);
      const file = path.resolve(rest);
      // A directory made here holds the state: owner-only (an existing one is the user's choice).
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      return new SqliteStore(file);
    }
    case 'etcd':
      return EtcdStore.connect(parseEtcdHosts(url, rest));
    default:
      throw new Error(`unsupported datastore URL scheme ${JSON.stringify(scheme)} in ${JSON.stringify(url)}: use sqlite://, etcd:// or memory://`);
  }
}

/** `h1:p1,h2:p2` → ['h1:p1', 'h2:p2'], each with an explicit port. */
function parseEtcdHosts(url: string, rest: string): string[] {
  const hosts = rest.replace(/\/+$/, '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (hosts.length === 0) throw new Error(`invalid datastore URL ${JSON.stringify(url)}: etcd:// needs HOST:PORT`);
  for (const h of hosts) {
    if (!/^(\[[0-9a-f:.]+\]|[^:/\s]+):\d+$/i.test(h)) {
      throw new Error(`invalid etcd endpoint ${JSON.stringify(h)} in ${JSON.stringify(url)}: expected HOST:PORT`);
    }
  }
  return hosts;
}
