/**
 * The prepared statements the SQLite store runs, and the mapping from log rows to the contract's
 * KeyValue and WatchEvent. Every query is prepared once per open database.
 */
import type { KeyValue, WatchEvent } from '../store.js';
import type { Db } from './schema.js';

/** A row of `log` as the queries select it. */
export interface LogRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string | null;
  old_value: string | null;
}

const columns = 'id, name, created, deleted, create_revision, prev_revision, value, old_value';

/** Queries over a key range take `lo <= name < hi` (`hi` omitted when unbounded), so the (name, id)
 * index answers them; pagination moves `lo` past the last key instead of adding a second bound. */
export function prepareStatements(db: Db) {
  return {
    /** The key's latest row, whatever it is (a delete row means the key is absent). */
    latest: db.prepare<[string], LogRow>(`SELECT ${columns} FROM log WHERE name = ? ORDER BY id DESC LIMIT 1`),
    insert: db.prepare<[number, string, number, number, number, number, string | null, string | null]>(
      'INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    /** The last revision handed out; survives compaction deleting the newest rows. */
    currentRevision: db.prepare<[], { rev: number }>(
      "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'log'), 0) AS rev",
    ),
    compactedRevision: db.prepare<[], { rev: number }>(
      "SELECT COALESCE((SELECT value FROM meta WHERE key = 'compact_rev'), 0) AS rev",
    ),
    setCompactedRevision: db.prepare<[number]>(
      "INSERT INTO meta (key, value) VALUES ('compact_rev', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
    /** Page of live keys at revision `rev`, in key order: walks the (name, id) index from the
     * start key and keeps a row when it is its key's newest at or below `rev` and not a delete, so
     * LIMIT stops the walk early instead of grouping the whole range first. */
    listBounded: db.prepare<{ lo: string; hi: string; rev: number; limit: number }, LogRow>(
      `SELECT ${columns} FROM log AS l
       WHERE l.name >= :lo AND l.name < :hi AND l.id <= :rev AND l.deleted = 0
         AND l.id = (SELECT MAX(n.id) FROM log AS n WHERE n.name = l.name AND n.id <= :rev)
       ORDER BY l.name LIMIT :limit`,
    ),
    listUnbounded: db.prepare<{ lo: string; rev: number; limit: number }, LogRow>(
      `SELECT ${columns} FROM log AS l
       WHERE l.name >= :lo AND l.id <= :rev AND l.deleted = 0
         AND l.id = (SELECT MAX(n.id) FROM log AS n WHERE n.name = l.name AND n.id <= :rev)
       ORDER BY l.name LIMIT :limit`,
    ),
    /** Count of live keys: newest id per key from the covering (name, id) index, then one
     * primary-key lookup each to drop deleted keys. */
    countBounded: db.prepare<{ lo: string; hi: string }, { n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT MAX(id) AS id FROM log WHERE name >= :lo AND name < :hi GROUP BY name) AS m
       JOIN log AS l ON l.id = m.id WHERE l.deleted = 0`,
    ),
    countUnbounded: db.prepare<{ lo: string }, { n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT MAX(id) AS id FROM log WHERE name >= :lo GROUP BY name) AS m
       JOIN log AS l ON l.id = m.id WHERE l.deleted = 0`,
    ),
    /** Rows after `after` in revision order: what the poll loop and watch replays read. */
    since: db.prepare<{ after: number; upto: number; limit: number }, LogRow>(
      `SELECT ${columns} FROM log WHERE id > :after AND id <= :upto ORDER BY id LIMIT :limit`,
    ),
    /** Compaction: rows at or below `rev` in [lo, hi) that no read at `rev` or later can need —
     * delete rows, and rows superseded by a newer row of the same key at or below `rev`. */
    compactRange: db.prepare<{ lo: number; hi: number; rev: number }>(
      `DELETE FROM log WHERE id > :lo AND id <= :hi AND (
         deleted = 1 OR id < (SELECT MAX(n.id) FROM log AS n WHERE n.name = log.name AND n.id <= :rev))`,
    ),
    minId: db.prepare<[], { id: number | null }>('SELECT MIN(id) AS id FROM log'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** The key's value as a row states it. */
export function rowToKeyValue(row: LogRow): KeyValue {
  return { key: row.name, value: row.value ?? '', createRevision: row.create_revision, modRevision: row.id };
}

/** The event a row records; prevKv comes free from old_value/prev_revision. */
export function rowToEvent(row: LogRow): WatchEvent {
  const kv = rowToKeyValue(row);
  const prevKv: KeyValue | undefined =
    row.created === 1
      ? undefined
      : { key: row.name, value: row.old_value ?? '', createRevision: row.create_revision, modRevision: row.prev_revision };
  const type = row.deleted === 1 ? 'delete' : 'put';
  return prevKv ? { type, kv, prevKv, revision: row.id } : { type, kv, revision: row.id };
}
