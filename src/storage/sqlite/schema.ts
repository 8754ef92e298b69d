/**
 * Opening the SQLite file: durability settings and the one append-only table (kine's design).
 *
 * Durability: WAL journal with `synchronous=FULL`. Every committed write fsyncs the WAL before the
 * store acknowledges it, so an acknowledged write survives not only a killed process (SIGKILL; the
 * WAL is in the OS page cache either way) but also an OS crash or power loss. `NORMAL` would be
 * enough for the process-kill case, but would lose the last acknowledged writes on power loss,
 * which a cluster's source of truth must not do. The cost is one WAL fsync per write, the minimum
 * for that guarantee; nothing is batched behind an acknowledgement.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { privateFileMode, tightenFile } from '../../util/private-files.js';

export type Db = Database.Database;

/** The log: the row id IS the store revision. A create, update or delete each appends one row.
 * - `created` 1 when the row created the key (in a new incarnation), `deleted` 1 for a delete;
 * - `create_revision` the revision that created the key (its own id for a create row);
 * - `prev_revision` the id of the key's previous row (0 for none), `old_value` that row's value;
 * - `value` the new value; for a delete, the value the key had (so delete events carry it).
 * AUTOINCREMENT keeps ids from being reused after compaction deleted the latest rows.
 * `meta` holds the compacted revision outside the log, so that compacting costs no revision. */
const ddl = `
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT,
  old_value TEXT
);
CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/**
 * The file holds every Secret: it is made 0600 before SQLite opens it (SQLite would create it
 * 0644 less the umask), and an existing one is tightened. SQLite's unix VFS gives a new `-wal`
 * and `-shm` the main file's permissions; ones an older skiff left are tightened too.
 */
function privateDatabaseFiles(file: string, phase: 'before' | 'after'): void {
  if (phase === 'before' && file !== ':memory:') closeSync(openSync(file, 'a', privateFileMode));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) tightenFile(f);
}

export function openDatabase(file: string): Db {
  privateDatabaseFiles(file, 'before');
  // `timeout`: how long a writer waits for another process's write lock before SQLITE_BUSY.
  const db = new Database(file, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(ddl);
    privateDatabaseFiles(file, 'after');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
