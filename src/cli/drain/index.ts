/** kubectl drain's pieces: which pods go, and evicting one. */
export { podsForDeletion, type DrainFilterOptions, type PodsForDeletion } from './filters.js';
export { removePod, type EvictOptions } from './evict.js';
export { setUnschedulable } from './cordon.js';
