/** The custom resources served now, for controllers that act on every kind. */
export { CustomResourceTracker, type ResourceListener } from './tracker.js';
