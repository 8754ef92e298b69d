export { ProcessRuntime, type ProcessRuntimeOptions } from './process-runtime.js';
export { ImageCatalog, ImageCatalogError, parseImageName, type CatalogEntry, type ResolvedImage } from './catalog.js';
