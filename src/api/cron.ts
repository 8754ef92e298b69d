/**
 * CronJob schedules as Kubernetes reads them (robfig/cron's ParseStandard): five fields (minute
 * hour day-of-month month day-of-week), the `@yearly`/`@annually`/`@monthly`/`@weekly`/`@daily`/
 * `@midnight`/`@hourly` macros and `@every <duration>`, evaluated in an IANA time zone. The
 * calendar arithmetic is cron-parser's; this module only keeps to the grammar Kubernetes accepts
 * (no seconds field, no `L`/`W`/`#`/`H` extensions) and words errors as robfig does.
 */
import { CronExpressionParser } from 'cron-parser';

export interface CronSchedule {
  /** The first activation strictly after `t`. */
  next(t: Date): Date;
  /** The last activation at or before `t`, if the schedule can step back (calendar schedules). */
  prev?(t: Date): Date | undefined;
}

const macros: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const monthNames = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b/gi;
const dayNames = /\b(sun|mon|tue|wed|thu|fri|sat)\b/gi;

export class CronSyntaxError extends Error {}

const durationUnits: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`1h30m`, `90s`) in milliseconds, or undefined when it is not one. */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  if (s === '' || s === '0') return s === '0' ? 0 : undefined;
  let total = 0;
  let at = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (durationUnits[m[2] ?? ''] ?? 0);
    at = re.lastIndex;
  }
  return at === s.length ? total : undefined;
}

/** The time zone schedules without `timeZone` run in: the controller's own, as kube-controller-manager's. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Why `tz` is not a time zone Kubernetes (Go's time.LoadLocation) would load, or undefined. */
export function timeZoneError(tz: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return `unknown time zone ${tz}`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `unknown time zone ${tz}`;
  }
}

function calendar(fields: string, tz: string): CronSchedule {
  const parse = (currentDate: Date) => CronExpressionParser.parse(fields, { currentDate, tz });
  try {
    parse(new Date());
  } catch (err) {
    throw new CronSyntaxError(err instanceof Error ? err.message : String(err));
  }
  return {
    next: (t) => parse(t).next().toDate(),
    prev: (t) => {
      const p = parse(new Date(t.getTime() + 1)).prev().toDate();
      return p.getTime() <= t.getTime() ? p : undefined;
    },
  };
}

/** Parses a schedule; throws {@link CronSyntaxError} with robfig's wording where it has one. */
export function parseSchedule(spec: string, tz: string = localTimeZone()): CronSchedule {
  const s = spec.trim();
  if (s === '') throw new CronSyntaxError('empty spec string');
  if (s.startsWith('@every ')) {
    const ms = parseGoDuration(s.slice('@every '.length).trim());
    if (ms === undefined) throw new CronSyntaxError(`failed to parse duration ${s}: time: invalid duration "${s.slice(7).trim()}"`);
    // robfig: intervals under a second are rounded up to one, and fire on whole seconds.
    const every = Math.max(1000, Math.floor(ms / 1000) * 1000);
    return { next: (t) => new Date(Math.floor((t.getTime() + every) / 1000) * 1000) };
  }
  if (s.startsWith('@')) {
    const m = macros[s];
    if (!m) throw new CronSyntaxError(`unrecognized descriptor: ${s}`);
    return calendar(m, tz);
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const names = [undefined, undefined, undefined, monthNames, dayNames];
  fields.forEach((f, i) => {
    const bare = names[i] ? f.replace(names[i], '0') : f;
    if (!/^[0-9*?,/-]+$/.test(bare)) throw new CronSyntaxError(`failed to parse int from ${f}: strconv.Atoi: parsing "${f}": invalid syntax`);
  });
  return calendar(fields.join(' '), tz);
}

/** `t` as RFC 3339 in `tz` with its offset (`2026-01-02T15:04:05-05:00`, `Z` for UTC), as Go's
 * `t.In(loc).Format(time.RFC3339)` writes it. */
export function formatInZone(t: Date, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(t);
  const p = (type: string): string => parts.find((x) => x.type === type)?.value ?? '00';
  const wall = Date.UTC(Number(p('year')), Number(p('month')) - 1, Number(p('day')), Number(p('hour')), Number(p('minute')), Number(p('second')));
  const offsetMin = Math.round((wall - Math.floor(t.getTime() / 1000) * 1000) / 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const zone = offsetMin === 0 ? 'Z' : `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  return `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}:${p('second')}${zone}`;
}
