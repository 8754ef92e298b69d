/** The etcd backend (`etcd://HOST:PORT[,HOST:PORT…]`): several servers share one cluster. */
export { EtcdStore } from './etcd-store.js';
