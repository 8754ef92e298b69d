/** The resource metrics API (metrics.k8s.io/v1beta1), computed from the nodes' summaries. */
export { MetricsApi, metricsGroup } from './serve.js';
