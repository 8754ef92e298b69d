/** Persistent storage in the API server: its admission plugins and the default class. */
export { claimHooks, defaultClassOf, volumeHooks } from './admission.js';
export { defaultStorageClass, LOCAL_PATH_CLASS } from './default-class.js';
