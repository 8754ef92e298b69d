/** The SQLite backend (`sqlite://PATH`), the embedded default. */
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
