/** The OCI image store: pull from registries, import archives, flattened root filesystems for the
 * oci runtime (through the contract's ImageService), list, remove, GC. */
export * from './contract.js';
export * from './errors.js';
export { ImageStore, imagesDir, imageIdOf, type ImageStoreOptions, type ImageSummary } from './store.js';
export type { GcResult } from './gc.js';
export type { ImportOptions } from './archive.js';
export type { ImageRecord } from './refindex.js';
export type { RegistryOptions } from './registry.js';
export { endpointsFor, parseMirrorFlags, type Endpoint, type RegistryMirrors } from './mirrors.js';
export type { Credentials } from './auth.js';
export { parseReference, familiarName, type ImageReference } from './reference.js';
export { hostPlatform, mediaTypes, type Platform } from './manifest.js';
export { defaultImageGcPolicy, diskUsagePercent, ImageGarbageCollector, type ImageGcPolicy } from './gcpolicy.js';
