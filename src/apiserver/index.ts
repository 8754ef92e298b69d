/** The API server's face. */
export { ApiServer, versionInfo, KUBERNETES_VERSION, type ApiServerOptions } from './server.js';
export { compileRuntimeConfig, RuntimeConfigError, type RuntimeConfig } from './runtimeconfig.js';
export type { PodLogStreamer } from './http/context.js';
export { kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
