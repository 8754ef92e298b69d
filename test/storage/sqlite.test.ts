import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/storage/index.js';
import { runStoreConformance } from './conformance.js';

runStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-sqlite-conf-'));
  const store = await openStore(`sqlite://${path.join(dir, 'state.db')}`);
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
