import { after, before } from 'node:test';
import { openStore } from '../../src/storage/index.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { runStoreConformance } from './conformance.js';

// One etcd for the file; every case opens its own client and uses its own key root.
let etcd: EtcdServer | undefined;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});

runStoreConformance('etcd', async () => {
  if (!etcd) throw new Error('etcd did not start');
  const store = await openStore(etcd.url);
  return { store, cleanup: () => store.close() };
});
