/** networking.k8s.io/v1 defaults: an IngressClass' parameters are cluster-scoped unless said. */
import { isRecord } from '../types.js';

export function defaultIngressClass(obj: Record<string, unknown>): void {
  const spec = obj['spec'];
  if (!isRecord(spec)) return;
  const params = spec['parameters'];
  if (isRecord(params) && params['scope'] === undefined) params['scope'] = 'Cluster';
}
