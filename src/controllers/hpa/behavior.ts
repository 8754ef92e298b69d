/**
 * `behavior`, after Kubernetes' normalizeDesiredReplicasWithBehaviors: recommendations are
 * stabilized over each direction's window (scale up to the lowest recent one, down to the highest),
 * then limited by the policies' rates over the replicas changed in their periods, then by
 * min/maxReplicas. An autoscaler without `behavior` gets the defaults (defaults/hpa.ts), which
 * is upstream's older path in effect: 5 minutes down, up by max(4 pods, 100%) per 15 s.
 */
import type { HPAScalingRules } from '../../api/kinds.js';

interface Timed {
  readonly at: number;
  readonly value: number;
}

export const defaultScaleUp: Required<HPAScalingRules> = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
export const defaultScaleDown: Required<HPAScalingRules> = { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

function complete(rules: HPAScalingRules | undefined, d: Required<HPAScalingRules>): Required<HPAScalingRules> {
  return { stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds, selectPolicy: rules?.selectPolicy ?? d.selectPolicy, policies: rules?.policies ?? d.policies };
}

export interface Normalized {
  readonly replicas: number;
  readonly stabilized: { readonly changed: boolean; readonly reason: string; readonly message: string };
  readonly limited: { readonly limited: boolean; readonly reason: string; readonly message: string };
}

/** Each autoscaler's recent recommendations and scale events (memory of one controller). */
export class ScalingHistory {
  private readonly recommendations = new Map<string, Timed[]>();
  private readonly ups = new Map<string, Timed[]>();
  private readonly downs = new Map<string, Timed[]>();

  forget(key: string): void {
    this.recommendations.delete(key);
    this.ups.delete(key);
    this.downs.delete(key);
  }

  /** Records a change of the target's replicas made by the controller. */
  recordScale(key: string, from: number, to: number, now: number): void {
    const list = to > from ? this.ups : this.downs;
    const events = list.get(key) ?? [];
    // Upstream keeps events for the longest policy period; an hour bounds it here.
    list.set(key, [...events.filter((e) => now - e.at < 3600_000), { at: now, value: Math.abs(to - from) }]);
  }

  normalize(key: string, current: number, desired: number, min: number, max: number, behavior: { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules } | undefined, now: number): Normalized {
    const up = complete(behavior?.scaleUp, defaultScaleUp);
    const down = complete(behavior?.scaleDown, defaultScaleDown);
    // Stabilize over the windows, then remember the raw recommendation.
    const recs = (this.recommendations.get(key) ?? []).filter((r) => now - r.at < Math.max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds) * 1000);
    let upRec = desired;
    let downRec = desired;
    for (const r of recs) {
      if (now - r.at < up.stabilizationWindowSeconds * 1000) upRec = Math.min(upRec, r.value);
      if (now - r.at < down.stabilizationWindowSeconds * 1000) downRec = Math.max(downRec, r.value);
    }
    this.recommendations.set(key, [...recs, { at: now, value: desired }]);
    const stabilizedTo = Math.min(Math.max(current, upRec), downRec);
    const stabilized = stabilizedTo !== desired
      ? desired >= current
        ? { changed: true, reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { changed: true, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
      : { changed: false, reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
    const limitedTo = this.limit(key, current, stabilizedTo, min, max, up, down, now);
    return { replicas: limitedTo.replicas, stabilized, limited: { limited: limitedTo.replicas !== stabilizedTo, reason: limitedTo.reason, message: limitedTo.message } };
  }

  private changedIn(list: Map<string, Timed[]>, key: string, periodSeconds: number, now: number): number {
    return (list.get(key) ?? []).filter((e) => now - e.at < periodSeconds * 1000).reduce((a, e) => a + e.value, 0);
  }

  private limit(key: string, current: number, desired: number, min: number, max: number, up: Required<HPAScalingRules>, down: Required<HPAScalingRules>, now: number): { replicas: number; reason: string; message: string } {
    if (desired > current) {
      const upLimit = Math.max(current, this.rateLimit(key, current, up, now, 'up'));
      const [allowed, reason, message] = max > upLimit
        ? [upLimit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
        : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
      if (desired > allowed) return { replicas: allowed, reason, message };
    } else if (desired < current) {
      const downLimit = Math.min(current, this.rateLimit(key, current, down, now, 'down'));
      const [allowed, reason, message] = min < downLimit
        ? [downLimit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']
        : [min, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
      if (desired < allowed) return { replicas: allowed, reason, message };
    }
    return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
  }

  /** The furthest the policies let the replicas go from where each period started. */
  private rateLimit(key: string, current: number, rules: Required<HPAScalingRules>, now: number, dir: 'up' | 'down'): number {
    if (rules.selectPolicy === 'Disabled') return current;
    // Max picks the policy allowing the most change: the highest limit up, the lowest down.
    const most = rules.selectPolicy !== 'Min';
    const pick = dir === 'up' ? (most ? Math.max : Math.min) : (most ? Math.min : Math.max);
    let result: number | undefined;
    for (const p of rules.policies) {
      const start = current - this.changedIn(this.ups, key, p.periodSeconds, now) + this.changedIn(this.downs, key, p.periodSeconds, now);
      const proposed = dir === 'up'
        ? p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100))
        : p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      result = result === undefined ? proposed : pick(result, proposed);
    }
    return result ?? current;
  }
}
