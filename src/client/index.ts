/** Client machinery: config, REST client, informers, work queue. */
export { clientCertificateOf, loadKubeconfig, type ClientConfig, type KubeconfigUser } from './config.js';
export { RestClient, errorFrom, type ListOptions, type WatchOptions, type WatchEvent, type WatchStream, type PatchType } from './rest.js';
export { Informer, keyOf, splitKey, type EventHandlers, type IndexFunc, type InformerOptions } from './informer.js';
export { WorkQueue, type WorkQueueOptions } from './workqueue.js';
export { tlsOf } from './transport.js';
