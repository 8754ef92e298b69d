/** Events as client-go records them: identical ones counted on one Event, and at most a burst
 * of 25 per object. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Pod } from '../../src/api/kinds.js';
import { events, pods } from '../../src/api/resources.js';
import { EventRecorder } from '../../src/client/events.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { podBuilder } from '../helpers/builders.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
});
after(async () => {
  await c.stop();
});

const eventsAbout = async (name: string) =>
  (await c.client.list<Event>(events, 'default', { fieldSelector: `involvedObject.name=${name}` })).items;

test('the same event about the same object is counted, not repeated', async () => {
  const pod = await c.client.create<Pod>(pods, podBuilder('counted').build() as Pod);
  const r = new EventRecorder(c.client, { component: 'test' });
  const n = 3 + Math.floor(Math.random() * 4);
  for (let i = 0; i < n; i++) await r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  const list = await eventsAbout('counted');
  assert.equal(list.length, 1);
  assert.equal(list[0]!.count, n);
  assert.equal(list[0]!.source?.component, 'test');
});

test('one object gets at most 25 events in a burst', async () => {
  const pod = await c.client.create<Pod>(pods, podBuilder('chatty').build() as Pod);
  const r = new EventRecorder(c.client, { component: 'test' });
  for (let i = 0; i < 40; i++) await r.event(pod, 'Normal', 'SuccessfulCreate', `Created pod: chatty-${i}`);
  const list = await eventsAbout('chatty');
  assert.equal(list.length, 25);
  // Another object still has its own budget.
  const other = await c.client.create<Pod>(pods, podBuilder('quiet').build() as Pod);
  await r.event(other, 'Normal', 'Pulled', 'image present');
  assert.equal((await eventsAbout('quiet')).length, 1);
});
