export { FakeRuntime, simAnnotations, type FakeRuntimeOptions } from './fake-runtime.js';
