/** Persistent volumes: binding and local-path provisioning, and in-use protection. */
export { PersistentVolumeController } from './binder.js';
export { VolumeProtectionController } from './protection.js';
export { findVolume, reachableFrom, requestedStorage } from './match.js';
export { LOCAL_PATH_PROVISIONER, LOCAL_PATH_ROOT_ANNOTATION, provisionedName, provisionedVolume } from './provision.js';
