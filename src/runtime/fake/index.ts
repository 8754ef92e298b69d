export { FakeRuntime, simAnnotations, simContainerAnnotation, type FakeRuntimeOptions } from './fake-runtime.js';
