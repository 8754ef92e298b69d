/**
 * policy/v1 PodDisruptionBudgets, as Kubernetes' ValidatePodDisruptionBudget checks them:
 * minAvailable or maxUnavailable (never both), each a non-negative int or a percentage up to 100%,
 * a well-formed selector and a known unhealthy-pod eviction policy; status counts not negative.
 */
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { invalidRendered, nonNegative, notSupported } from './field.js';
import { validateLabelSelector } from './meta.js';
import { intOrPercent } from './workloads.js';

type Obj = Record<string, unknown>;

const unhealthyPodEvictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

const set = (v: unknown): boolean => v !== undefined && v !== null;

export function validatePodDisruptionBudget(obj: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const errs: FieldError[] = [];
  if (set(spec['minAvailable']) && set(spec['maxUnavailable'])) {
    errs.push(invalidRendered('spec', JSON.stringify({ minAvailable: spec['minAvailable'], maxUnavailable: spec['maxUnavailable'] }),
      'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable']) errs.push(...intOrPercent(spec[f], `spec.${f}`).errors);
  if (set(spec['selector'])) errs.push(...validateLabelSelector(spec['selector'], 'spec.selector'));
  const policy = spec['unhealthyPodEvictionPolicy'];
  if (set(policy) && !unhealthyPodEvictionPolicies.includes(policy as string)) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, unhealthyPodEvictionPolicies));
  }
  return errs;
}

export function validatePodDisruptionBudgetStatus(obj: Obj): FieldError[] {
  const status: Obj = isRecord(obj['status']) ? obj['status'] : {};
  return ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'].flatMap((f) => nonNegative(`status.${f}`, status[f]));
}
