/** The in-memory backend (`memory://`), for tests. */
export { MemoryStore } from './memory-store.js';
