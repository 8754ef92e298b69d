/**
 * batch/v1 CronJobs, as Kubernetes' ValidateCronJobCreate/Update check them: a name short enough
 * for the jobs named after it, a schedule robfig/cron parses (without `TZ=`), a time zone Go can
 * load, a known concurrency policy, non-negative deadlines and limits, and a job template whose
 * spec is a valid job's (its selector is generated, never given).
 */
import { CronSyntaxError, localTimeZone, parseSchedule, timeZoneError } from '../cron.js';
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { child, invalid, nonNegative, notSupported, required } from './field.js';
import { validateJobSpec } from './job.js';

type Obj = Record<string, unknown>;

/** Kubernetes' DNS1035LabelMaxLength (63) less the 11 characters of `-<minutes>` job suffixes. */
const maxNameLength = 52;

function validateSchedule(spec: Obj): FieldError[] {
  const path = 'spec.schedule';
  const schedule = spec['schedule'];
  if (schedule === undefined || schedule === null || schedule === '') return [required(path)];
  if (typeof schedule !== 'string') return [invalid(path, schedule, 'must be a string')];
  const errs: FieldError[] = [];
  const tz = typeof spec['timeZone'] === 'string' && !timeZoneError(spec['timeZone']) ? spec['timeZone'] : localTimeZone();
  try {
    parseSchedule(schedule, tz);
  } catch (err) {
    errs.push(invalid(path, schedule, err instanceof CronSyntaxError ? err.message : String(err)));
  }
  if (schedule.includes('TZ')) errs.push(invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

function validateTimeZone(tz: unknown): FieldError[] {
  const path = 'spec.timeZone';
  if (tz === undefined || tz === null) return [];
  if (typeof tz !== 'string' || tz === '') return [invalid(path, tz, 'timeZone must be nil or non-empty string')];
  if (tz.toLowerCase() === 'local') return [invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  const err = timeZoneError(tz);
  return err ? [invalid(path, tz, err)] : [];
}

/** Field errors of the job template's spec, at their place under `spec.jobTemplate`. */
function validateJobTemplate(template: unknown): FieldError[] {
  const base = 'spec.jobTemplate';
  if (!isRecord(template) || !isRecord(template['spec'])) return [required(`${base}.spec`)];
  const spec = template['spec'];
  const errs: FieldError[] = [];
  if (spec['selector'] !== undefined && spec['selector'] !== null) {
    errs.push(invalid(`${base}.spec.selector`, spec['selector'], '`selector` will be auto-generated'));
  }
  if (spec['manualSelector'] === true) errs.push(notSupported(`${base}.spec.manualSelector`, true, ['nil', 'false']));
  // The job's own rules, with the selector the job will be given (its template's labels).
  const t = spec['template'];
  const labels = isRecord(t) && isRecord(t['metadata']) && isRecord(t['metadata']['labels']) ? t['metadata']['labels'] : {};
  for (const e of validateJobSpec({ ...spec, selector: { matchLabels: labels } })) {
    if (e.field.startsWith('spec.selector')) continue;
    errs.push({ ...e, field: `${base}.${e.field}` });
  }
  return errs;
}

export function validateCronJob(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const meta: Obj = isRecord(obj['metadata']) ? obj['metadata'] : {};
  const name = meta['name'];
  if (typeof name === 'string' && name.length > maxNameLength) errs.push(invalid('metadata.name', name, `must be no more than ${maxNameLength} characters`));
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  errs.push(...validateSchedule(spec), ...validateTimeZone(spec['timeZone']));
  const policy = spec['concurrencyPolicy'];
  if (policy === undefined || policy === null || policy === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(policy as string)) errs.push(notSupported('spec.concurrencyPolicy', policy, ['Allow', 'Forbid', 'Replace']));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...nonNegative(child('spec', f), spec[f]));
  errs.push(...validateJobTemplate(spec['jobTemplate']));
  return errs;
}
