export { ContainerStartError, type ContainerExit, type ContainerUsage, type ExecResult, type Mount, type RecoveredContainer, type RecoveredSandbox, type RunningContainer, type Runtime, type Sandbox, type StartOptions } from './runtime.js';
export { FakeRuntime, type FakeRuntimeOptions, simAnnotations } from './fake/index.js';
export { ImageCatalog, ImageCatalogError, ProcessRuntime, type ProcessRuntimeOptions } from './process/index.js';
export { OciRuntime, type OciRuntimeOptions } from './oci/index.js';
export { containersOutlive, containersOutliveProcess, hostUsage } from './shared/index.js';
