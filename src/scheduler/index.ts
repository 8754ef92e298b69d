/** The scheduler: a plugin framework (filter, score) over a cache of nodes, a scheduling queue
 * with backoff, and concurrent binding through `pods/binding`. */
export { Scheduler, defaultSchedulerName, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export { Algorithm, type AlgorithmOptions, type Decision } from './algorithm.js';
export { SchedulerCache, isTerminated } from './cache.js';
export { SchedulingQueue, type QueueOptions, type QueuedPod } from './queue.js';
export { NodeInfo, effectiveTaints } from './nodeinfo.js';
export { podInfoOf, type PodInfo } from './podinfo.js';
export { defaultNormalize, maxNodeScore, type FilterPlugin, type FilterStatus, type ScorePlugin } from './framework.js';
export { fitErrorMessage, noNodesAvailable } from './reasons.js';
export * from './plugins/index.js';
