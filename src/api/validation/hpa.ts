/**
 * HorizontalPodAutoscalers, as Kubernetes' ValidateHorizontalPodAutoscaler checks them, and what
 * skiff's autoscaler can act on: Resource metrics (cpu, memory) with Utilization or AverageValue
 * targets. Pods, Object, External and ContainerResource metrics are refused here rather than
 * accepted and never acted on.
 */
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { parseQuantity } from '../quantity.js';
import { child, index, invalid, notSupported, required } from './field.js';

type Obj = Record<string, unknown>;

const rec = (v: unknown): Obj => (isRecord(v) ? v : {});

function validateTarget(path: string, t: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = t['type'];
  if (type === 'Utilization') {
    const u = t['averageUtilization'];
    if (u === undefined) errs.push(required(child(path, 'averageUtilization'), 'must set averageUtilization when type is Utilization'));
    else if (typeof u !== 'number' || !Number.isInteger(u) || u <= 0) errs.push(invalid(child(path, 'averageUtilization'), u, 'must be greater than 0'));
  } else if (type === 'AverageValue') {
    const v = t['averageValue'];
    let q: number | undefined;
    try {
      q = v === undefined ? undefined : parseQuantity(String(v)).toNumber();
    } catch {
      q = NaN;
    }
    if (v === undefined) errs.push(required(child(path, 'averageValue'), 'must set averageValue when type is AverageValue'));
    else if (q === undefined || !(q > 0)) errs.push(invalid(child(path, 'averageValue'), v, 'must be positive'));
  } else if (type === undefined) errs.push(required(child(path, 'type'), 'must specify a metric target type'));
  else errs.push(notSupported(child(path, 'type'), type, ['Utilization', 'AverageValue']));
  return errs;
}

function validateMetric(path: string, m: Obj): FieldError[] {
  const type = m['type'];
  if (type !== 'Resource') {
    return [type === undefined ? required(child(path, 'type'), 'must specify a metric source type')
      : notSupported(child(path, 'type'), type, ['Resource'])];
  }
  const r = m['resource'];
  if (!isRecord(r)) return [required(child(path, 'resource'), 'must populate information for the given metric source')];
  const rp = child(path, 'resource');
  const errs: FieldError[] = [];
  const name = r['name'];
  if (name === undefined || name === '') errs.push(required(child(rp, 'name'), 'must specify a resource name'));
  else if (name !== 'cpu' && name !== 'memory') errs.push(notSupported(child(rp, 'name'), name, ['cpu', 'memory']));
  if (!isRecord(r['target'])) errs.push(required(child(rp, 'target'), 'must specify a metric target'));
  else errs.push(...validateTarget(child(rp, 'target'), r['target']));
  return errs;
}

function validateRules(path: string, rules: unknown): FieldError[] {
  if (rules === undefined || rules === null) return [];
  const r = rec(rules);
  const errs: FieldError[] = [];
  const w = r['stabilizationWindowSeconds'];
  if (w !== undefined && (typeof w !== 'number' || w < 0 || w > 3600)) errs.push(invalid(child(path, 'stabilizationWindowSeconds'), w, 'must be less than or equal to 3600 and greater than or equal to 0'));
  const sp = r['selectPolicy'];
  if (sp !== undefined && sp !== 'Max' && sp !== 'Min' && sp !== 'Disabled') errs.push(notSupported(child(path, 'selectPolicy'), sp, ['Disabled', 'Max', 'Min']));
  const policies = Array.isArray(r['policies']) ? r['policies'] : [];
  if (sp !== 'Disabled' && policies.length === 0) errs.push(required(child(path, 'policies'), 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = index(child(path, 'policies'), i);
    const o = rec(p);
    if (o['type'] !== 'Pods' && o['type'] !== 'Percent') errs.push(notSupported(child(pp, 'type'), o['type'], ['Percent', 'Pods']));
    const v = o['value'];
    if (typeof v !== 'number' || v <= 0) errs.push(invalid(child(pp, 'value'), v, 'must be greater than zero'));
    const per = o['periodSeconds'];
    if (typeof per !== 'number' || per <= 0 || per > 1800) errs.push(invalid(child(pp, 'periodSeconds'), per, per !== undefined && typeof per === 'number' && per > 0 ? 'must be less than or equal to 1800' : 'must be greater than zero'));
  });
  return errs;
}

export function validateHorizontalPodAutoscaler(obj: Obj): FieldError[] {
  const spec = rec(obj['spec']);
  const errs: FieldError[] = [];
  const ref = rec(spec['scaleTargetRef']);
  if (!ref['kind']) errs.push(required('spec.scaleTargetRef.kind'));
  if (!ref['name']) errs.push(required('spec.scaleTargetRef.name'));
  const min = spec['minReplicas'];
  const max = spec['maxReplicas'];
  if (typeof min === 'number' && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof max !== 'number' || max < 1) errs.push(invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (typeof min === 'number' && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const metrics = Array.isArray(spec['metrics']) ? spec['metrics'] : [];
  metrics.forEach((m, i) => errs.push(...validateMetric(index('spec.metrics', i), rec(m))));
  const behavior = rec(spec['behavior']);
  errs.push(...validateRules('spec.behavior.scaleUp', behavior['scaleUp']), ...validateRules('spec.behavior.scaleDown', behavior['scaleDown']));
  return errs;
}
