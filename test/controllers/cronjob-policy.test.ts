/** The cron schedule grammar and the cronjob controller's time arithmetic, as tables. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CronSyntaxError, formatInZone, parseSchedule, timeZoneError } from '../../src/api/cron.js';
import type { CronJob } from '../../src/api/kinds.js';
import { jobFor, missedTimes, nextSyncInMs, scheduledTimestampAnnotation } from '../../src/controllers/cronjob/index.js';

const at = (iso: string): Date => new Date(iso);

test('schedules: five fields, macros and @every, in a time zone', () => {
  const cases: [string, string, string, string][] = [
    ['*/15 * * * *', 'UTC', '2026-03-01T10:07:00Z', '2026-03-01T10:15:00.000Z'],
    ['@hourly', 'UTC', '2026-03-01T10:07:00Z', '2026-03-01T11:00:00.000Z'],
    ['@daily', 'UTC', '2026-03-01T10:07:00Z', '2026-03-02T00:00:00.000Z'],
    ['@midnight', 'Asia/Tokyo', '2026-03-01T10:07:00Z', '2026-03-01T15:00:00.000Z'],
    ['0 9 * * mon-fri', 'America/New_York', '2026-03-06T15:00:00Z', '2026-03-09T13:00:00.000Z'],
    ['30 2 1 jan *', 'Europe/Paris', '2026-06-01T00:00:00Z', '2027-01-01T01:30:00.000Z'],
    ['@every 90s', 'UTC', '2026-03-01T10:07:00Z', '2026-03-01T10:08:30.000Z'],
  ];
  for (const [spec, tz, from, want] of cases) assert.equal(parseSchedule(spec, tz).next(at(from)).toISOString(), want, `${spec} in ${tz}`);
});

test('schedules refused with robfig/cron\'s words', () => {
  const cases: [string, RegExp][] = [
    ['', /^empty spec string$/],
    ['* * * *', /^expected exactly 5 fields, found 4: \[\* \* \* \*\]$/],
    ['0 0 * * * *', /^expected exactly 5 fields, found 6/],
    ['@fortnightly', /^unrecognized descriptor: @fortnightly$/],
    ['0 0 L * *', /failed to parse int from L/],
    ['61 * * * *', /./],
    ['@every soon', /failed to parse duration/],
  ];
  for (const [spec, re] of cases) assert.throws(() => parseSchedule(spec, 'UTC'), (e: unknown) => e instanceof CronSyntaxError && re.test(e.message), spec);
});

test('time zones: IANA names load, others are unknown', () => {
  for (const ok of ['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5']) assert.equal(timeZoneError(ok), undefined, ok);
  for (const bad of ['Mars/Olympus_Mons', '+01:00', 'Europe Paris']) assert.equal(timeZoneError(bad), `unknown time zone ${bad}`, bad);
  assert.equal(formatInZone(at('2026-07-01T12:00:00Z'), 'America/New_York'), '2026-07-01T08:00:00-04:00');
  assert.equal(formatInZone(at('2026-07-01T12:00:00Z'), 'Asia/Kolkata'), '2026-07-01T17:30:00+05:30');
  assert.equal(formatInZone(at('2026-07-01T12:00:00Z'), 'UTC'), '2026-07-01T12:00:00Z');
});

function cj(spec: Partial<CronJob['spec']>, status: CronJob['status'] = {}, created = '2026-03-01T10:00:30Z'): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob',
    metadata: { name: 'report', namespace: 'ops', uid: 'u1', creationTimestamp: created },
    spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } }, ...spec },
    status,
  };
}

test('missed times: none, one, many (latest only), deadline-bounded', () => {
  const s = parseSchedule('*/1 * * * *', 'UTC');
  assert.deepEqual(missedTimes(cj({}), at('2026-03-01T10:00:50Z'), s, true), { earliest: at('2026-03-01T10:00:30Z'), missed: 0 });
  assert.equal(missedTimes(cj({}), at('2026-03-01T10:01:10Z'), s, true).mostRecent?.toISOString(), '2026-03-01T10:01:00.000Z');
  const many = missedTimes(cj({}, { lastScheduleTime: '2026-03-01T10:01:00Z' }), at('2026-03-01T12:45:10Z'), s, true);
  assert.equal(many.mostRecent?.toISOString(), '2026-03-01T12:45:00.000Z');
  assert.equal(many.missed, 164);
  const bounded = missedTimes(cj({ startingDeadlineSeconds: 200 }, { lastScheduleTime: '2026-03-01T10:01:00Z' }), at('2026-03-01T12:45:10Z'), s, true);
  assert.ok(bounded.missed <= 4, String(bounded.missed));
  assert.equal(nextSyncInMs(cj({}), at('2026-03-01T10:00:50Z'), s), 10_100);
});

test('the job for a scheduled time: name in minutes, annotation in the cron job\'s zone', () => {
  const t = at('2026-03-01T14:00:00Z');
  const plain = jobFor(cj({}), t);
  assert.equal(plain.metadata.name, `report-${t.getTime() / 60_000}`);
  assert.equal(plain.metadata.annotations?.[scheduledTimestampAnnotation], '2026-03-01T14:00:00Z');
  assert.deepEqual(plain.metadata.ownerReferences?.[0], { apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'u1', controller: true, blockOwnerDeletion: true });
  const zoned = jobFor(cj({ timeZone: 'Asia/Tokyo' }), t);
  assert.equal(zoned.metadata.annotations?.[scheduledTimestampAnnotation], '2026-03-01T23:00:00+09:00');
});
