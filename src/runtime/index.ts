export { ContainerStartError, type ContainerExit, type RunningContainer, type Runtime, type Sandbox } from './runtime.js';
export { FakeRuntime, type FakeRuntimeOptions, simAnnotations } from './fake/index.js';
