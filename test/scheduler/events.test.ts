/** The event sink: one write at a time, Normal events deferred while busy, surplus dropped with
 * warnings kept ahead of Normal events. (A stub recorder: what is under test is the pacing.) */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventRecorder } from '../../src/client/events.js';
import { EventSink } from '../../src/scheduler/events.js';
import { pod } from './helpers.js';

function recorder(): { rec: EventRecorder; written: string[]; maxConcurrent: () => number } {
  const written: string[] = [];
  let inFlight = 0;
  let max = 0;
  const rec = {
    async event(_obj: unknown, _type: string, reason: string, message: string) {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      written.push(`${reason}: ${message}`);
      inFlight--;
    },
  } as unknown as EventRecorder;
  return { rec, written, maxConcurrent: () => max };
}

test('writes one event at a time, in order', async () => {
  const r = recorder();
  const sink = new EventSink(r.rec);
  for (let i = 0; i < 5; i++) sink.emit(pod(), 'Normal', 'Scheduled', `m${i}`);
  await sink.idle();
  assert.deepEqual(r.written, ['Scheduled: m0', 'Scheduled: m1', 'Scheduled: m2', 'Scheduled: m3', 'Scheduled: m4']);
  assert.equal(r.maxConcurrent(), 1);
});

test('Normal events wait while busy; warnings do not', async () => {
  const r = recorder();
  let busy = true;
  const sink = new EventSink(r.rec, {}, () => busy);
  sink.emit(pod(), 'Normal', 'Scheduled', 'later');
  sink.emit(pod(), 'Warning', 'FailedScheduling', 'now');
  await new Promise((res) => setTimeout(res, 20));
  assert.deepEqual(r.written, ['FailedScheduling: now']);
  busy = false;
  sink.resume();
  await sink.idle();
  assert.deepEqual(r.written, ['FailedScheduling: now', 'Scheduled: later']);
});

test('a full backlog drops Normal events first and counts them', async () => {
  const r = recorder();
  const sink = new EventSink(r.rec, { maxQueued: 4 }, () => true);
  for (let i = 0; i < 5; i++) sink.emit(pod(), 'Normal', 'Scheduled', `n${i}`);
  sink.emit(pod(), 'Warning', 'FailedScheduling', 'w');
  assert.equal(sink.dropped, 3);
  await sink.idle();
  assert.deepEqual(r.written, ['FailedScheduling: w', 'Scheduled: n0', 'Scheduled: n1']);
});
