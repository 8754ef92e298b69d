/**
 * PodLogOptions from the query of `pods/NAME/log`, converted and validated as kube-apiserver does
 * before it asks the kubelet: booleans as Kubernetes reads query booleans (`follow=True` is true),
 * int64s as Go parses them (400 on garbage), sinceTime as RFC 3339, then ValidatePodLogOptions
 * (422 Invalid, kind PodLogOptions). The node gets the options back in one canonical spelling.
 */
import { BadRequestError, InvalidError, type FieldError } from '../../api/errors.js';
import { forbidden, invalid } from '../../api/validation/field.js';
import { boolParam } from './query.js';
import { goQuote, parseInt64 } from './numbers.js';

export interface PodLogOptions {
  readonly container?: string;
  readonly follow: boolean;
  readonly previous: boolean;
  readonly timestamps: boolean;
  readonly insecureSkipTLSVerifyBackend: boolean;
  readonly sinceSeconds?: bigint;
  readonly sinceTime?: string;
  readonly tailLines?: bigint;
  readonly limitBytes?: bigint;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function int64Option(q: URLSearchParams, name: string): bigint | undefined {
  const v = q.get(name);
  return v === null || v === '' ? undefined : parseInt64(v);
}

/** metav1.Time from a query value: "" and "null" are unset; otherwise RFC 3339 or 400. */
function timeOption(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (v === null || v === '' || v === 'null') return undefined;
  if (!RFC3339.test(v) || Number.isNaN(Date.parse(v))) {
    throw new BadRequestError(`parsing time ${goQuote(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${goQuote(v)} as "2006"`);
  }
  return v;
}

export function podLogOptions(q: URLSearchParams, podName: string): PodLogOptions {
  const container = q.get('container');
  const opts: PodLogOptions = {
    ...(container ? { container } : {}),
    follow: boolParam(q, 'follow'),
    previous: boolParam(q, 'previous'),
    timestamps: boolParam(q, 'timestamps'),
    insecureSkipTLSVerifyBackend: boolParam(q, 'insecureSkipTLSVerifyBackend'),
    ...optional('sinceSeconds', int64Option(q, 'sinceSeconds')),
    ...optional('sinceTime', timeOption(q, 'sinceTime')),
    ...optional('tailLines', int64Option(q, 'tailLines')),
    ...optional('limitBytes', int64Option(q, 'limitBytes')),
  };
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0n) errs.push(invalid('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  if (opts.limitBytes !== undefined && opts.limitBytes < 1n) errs.push(invalid('limitBytes', opts.limitBytes, 'must be greater than 0'));
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1n) {
    errs.push(invalid('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  if (errs.length > 0) throw new InvalidError('PodLogOptions', '', podName, errs);
  return opts;
}

function optional<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}

/** The options in the one spelling the node's log endpoint reads (`follow=true`, decimal numbers). */
export function logQueryString(o: PodLogOptions): URLSearchParams {
  const p = new URLSearchParams();
  if (o.container !== undefined) p.set('container', o.container);
  for (const k of ['follow', 'previous', 'timestamps'] as const) if (o[k]) p.set(k, 'true');
  for (const k of ['sinceSeconds', 'tailLines', 'limitBytes'] as const) {
    const v = o[k];
    if (v !== undefined) p.set(k, v.toString());
  }
  if (o.sinceTime !== undefined) p.set('sinceTime', o.sinceTime);
  return p;
}
