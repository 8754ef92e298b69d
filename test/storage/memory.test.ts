import { MemoryStore } from '../../src/storage/index.js';
import { runStoreConformance } from './conformance.js';

runStoreConformance('memory', () => {
  const store = new MemoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});
