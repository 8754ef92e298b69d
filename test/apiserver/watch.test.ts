/** Watches: ordering, resumption, selector transitions, bookmarks, 410 for compacted history. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStream, startTestServer, type TestServer } from '../helpers/apiserver.js';

const cmPath = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data,
});

describe('watch', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ bookmarkIntervalMs: 200 });
    for (const ns of ['w1', 'w2']) await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
  });
  after(async () => {
    await s.stop();
  });

  test('events arrive in order with their types, only from the watched namespace', async () => {
    const list = await s.request('GET', cmPath('w1'));
    const w = openStream(s.server, `${cmPath('w1')}?watch=true&resourceVersion=${list.json.metadata.resourceVersion}`);
    await new Promise((r) => setTimeout(r, 100));
    await s.request('POST', cmPath('w1'), { body: cm('alpha') });
    await s.request('POST', cmPath('w2'), { body: cm('elsewhere') });
    await s.request('PATCH', `${cmPath('w1')}/alpha`, { body: { data: { k: 'v' } }, contentType: 'application/merge-patch+json' });
    await s.request('DELETE', `${cmPath('w1')}/alpha`);
    await w.waitFor(3);
    w.close();
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.ok(w.events.every((e) => (e.object['metadata'] as { name: string }).name === 'alpha'));
    const rvs = w.events.map((e) => Number((e.object['metadata'] as { resourceVersion: string }).resourceVersion));
    assert.deepEqual([...rvs].sort((a, b) => a - b), rvs);
  });

  test('a watch resumed from a past revision replays exactly what it missed', async () => {
    const start = Number((await s.request('GET', cmPath('w2'))).json.metadata.resourceVersion);
    const names = ['r-0', 'r-1', 'r-2', 'r-3', 'r-4', 'r-5'];
    for (const n of names) await s.request('POST', cmPath('w2'), { body: cm(n) });
    const w = openStream(s.server, `${cmPath('w2')}?watch=1&resourceVersion=${start}`);
    await w.waitFor(names.length);
    await new Promise((r) => setTimeout(r, 150));
    w.close();
    assert.deepEqual(w.events.map((e) => (e.object['metadata'] as { name: string }).name), names);
  });

  test('objects entering and leaving a label selector are ADDED and DELETED', async () => {
    const rv = (await s.request('GET', cmPath('w1'))).json.metadata.resourceVersion;
    const w = openStream(s.server, `${cmPath('w1')}?watch=true&labelSelector=tier%3Dgold&resourceVersion=${rv}`);
    await s.request('POST', cmPath('w1'), { body: cm('moving', { tier: 'silver' }) });
    await s.request('PATCH', `${cmPath('w1')}/moving`, { body: { metadata: { labels: { tier: 'gold' } } }, contentType: 'application/merge-patch+json' });
    await s.request('PATCH', `${cmPath('w1')}/moving`, { body: { data: { x: '1' } }, contentType: 'application/merge-patch+json' });
    await s.request('PATCH', `${cmPath('w1')}/moving`, { body: { metadata: { labels: { tier: 'bronze' } } }, contentType: 'application/merge-patch+json' });
    await w.waitFor(3);
    w.close();
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  });

  test('a watch without a revision starts with the current state', async () => {
    await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w3' } } });
    for (const n of ['s-a', 's-b']) await s.request('POST', cmPath('w3'), { body: cm(n) });
    const w = openStream(s.server, `${cmPath('w3')}?watch=true`);
    await w.waitFor(2);
    await s.request('POST', cmPath('w3'), { body: cm('s-c') });
    await w.waitFor(3);
    w.close();
    assert.deepEqual(w.events.map((e) => `${e.type}:${(e.object['metadata'] as { name: string }).name}`), ['ADDED:s-a', 'ADDED:s-b', 'ADDED:s-c']);
  });

  test('bookmarks carry the current revision when allowed', async () => {
    const rv = (await s.request('GET', cmPath('w1'))).json.metadata.resourceVersion;
    const w = openStream(s.server, `${cmPath('w1')}?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`);
    await w.waitFor(1, 3000);
    w.close();
    assert.equal(w.events[0]!.type, 'BOOKMARK');
    assert.ok(Number((w.events[0]!.object['metadata'] as { resourceVersion: string }).resourceVersion) >= Number(rv));
  });

  test('get -w style Table events', async () => {
    const rv = (await s.request('GET', cmPath('w2'))).json.metadata.resourceVersion;
    const w = openStream(s.server, `${cmPath('w2')}?watch=true&resourceVersion=${rv}`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    await s.request('POST', cmPath('w2'), { body: cm('tabled', {}, { a: '1', b: '2' }) });
    await w.waitFor(1);
    w.close();
    const t = w.events[0]!.object as { kind: string; rows: { cells: unknown[]; object: { metadata: { resourceVersion: string } } }[] };
    assert.equal(t.kind, 'Table');
    assert.equal(t.rows.length, 1);
    assert.equal(t.rows[0]!.cells[0], 'tabled');
    assert.ok(t.rows[0]!.object.metadata.resourceVersion);
  });

  test('a revision from before a restart gets 410 Expired as an ERROR event; the data is still there', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-watch-'));
    try {
      const first = await startTestServer({ dataDir: dir, datastore: `sqlite://${dir}/state.db` });
      for (const n of ['kept-1', 'kept-2', 'kept-3']) await first.request('POST', cmPath('default'), { body: cm(n) });
      await first.stop();
      const second = await startTestServer({ dataDir: dir, datastore: `sqlite://${dir}/state.db` });
      try {
        const names = (await second.request('GET', cmPath('default'))).json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
        assert.deepEqual(names, ['kept-1', 'kept-2', 'kept-3']);
        const w = openStream(second.server, `${cmPath('default')}?watch=true&resourceVersion=1`);
        await w.waitFor(1);
        w.close();
        assert.equal(w.events[0]!.type, 'ERROR');
        assert.equal((w.events[0]!.object as { code: number }).code, 410);
        assert.equal((w.events[0]!.object as { reason: string }).reason, 'Expired');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
