/** The node's resource metrics: sampling, and kubelet's two ways of serving them. */
export { MetricsCollector, type MetricsSource, type NodeSample, type PodSample, type ContainerSample, type Usage } from './collector.js';
export { statsSummary } from './summary.js';
export { resourceMetricsText } from './prometheus.js';
