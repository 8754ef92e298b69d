/** autoscaling/v2 SetDefaults_HorizontalPodAutoscaler: one replica at least, CPU at 80% when no
 * metric is given, and a given `behavior` completed with the default rules (scale up: no
 * stabilization, the larger of 4 pods or 100% per 15 s; scale down: 300 s stabilization, 100%
 * per 15 s). */
import { ensureObj, objAt, setDefault, type Obj } from './util.js';

const scaleUp = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
const scaleDown = { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

function completeRules(behavior: Obj, key: 'scaleUp' | 'scaleDown', defaults: Obj): void {
  const rules = ensureObj(behavior, key);
  if (!rules) return;
  for (const [k, v] of Object.entries(defaults)) setDefault(rules, k, structuredClone(v));
}

export function defaultHorizontalPodAutoscaler(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'minReplicas', 1);
  if (!Array.isArray(spec['metrics']) || spec['metrics'].length === 0) {
    spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = objAt(spec, 'behavior');
  if (behavior) {
    completeRules(behavior, 'scaleUp', scaleUp);
    completeRules(behavior, 'scaleDown', scaleDown);
  }
}
