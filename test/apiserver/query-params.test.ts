/** Query parameters as kube-apiserver converts them: booleans (`watch=True` from the Python client),
 * int64s, resourceVersion as a uint64, ListOptions and PodLogOptions validation. Unit tables for
 * the parsers, then what a client sees over HTTPS. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { boolParam, intParam, listQuery, queryBool } from '../../src/apiserver/http/query.js';
import { checkResourceVersion } from '../../src/apiserver/http/resourceversion.js';
import { logQueryString, podLogOptions } from '../../src/apiserver/http/logoptions.js';
import { ApiError } from '../../src/api/errors.js';
import { fakeNodeEndpoint, openStream, startTestServer, type TestServer } from '../helpers/apiserver.js';

const suffix = () => randomBytes(3).toString('hex');

/** The error a function throws, as code + message (or 'ok'). */
function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof ApiError, `not an ApiError: ${String(err)}`);
    return `${err.code} ${err.message}`;
  }
}

describe('query booleans (apimachinery Convert_Slice_string_To_bool)', () => {
  const cases: { name: string; value: string | null; want: boolean }[] = [
    { name: 'absent', value: null, want: false },
    { name: 'true', value: 'true', want: true },
    { name: 'Python True', value: 'True', want: true },
    { name: 'TRUE', value: 'TRUE', want: true },
    { name: '1', value: '1', want: true },
    { name: 't', value: 't', want: true },
    { name: 'any other word is true', value: 'yes', want: true },
    { name: 'empty value (bare ?watch) is true', value: '', want: true },
    { name: 'false', value: 'false', want: false },
    { name: 'Python False', value: 'False', want: false },
    { name: 'FALSE', value: 'FALSE', want: false },
    { name: 'mixed case fAlSe', value: 'fAlSe', want: false },
    { name: '0', value: '0', want: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(queryBool(c.value), c.want);
      const q = new URLSearchParams(c.value === null ? '' : `watch=${encodeURIComponent(c.value)}`);
      assert.equal(boolParam(q, 'watch'), c.want);
    });
  }
  test('the first of repeated values counts', () => {
    assert.equal(boolParam(new URLSearchParams('follow=False&follow=true'), 'follow'), false);
  });
});

describe('int64 query parameters (Go strconv.ParseInt)', () => {
  const cases: { name: string; value: string; want: string }[] = [
    { name: 'plain', value: '30', want: 'ok' },
    { name: 'signed', value: '-5', want: 'ok' },
    { name: 'plus sign', value: '+5', want: 'ok' },
    { name: 'largest int64', value: '9223372036854775807', want: 'ok' },
    { name: 'past int64', value: '9223372036854775808', want: '400 strconv.ParseInt: parsing "9223372036854775808": value out of range' },
    { name: 'exponent', value: '1e3', want: '400 strconv.ParseInt: parsing "1e3": invalid syntax' },
    { name: 'fraction', value: '1.5', want: '400 strconv.ParseInt: parsing "1.5": invalid syntax' },
    { name: 'hex', value: '0x10', want: '400 strconv.ParseInt: parsing "0x10": invalid syntax' },
    { name: 'spaces', value: ' 10', want: '400 strconv.ParseInt: parsing " 10": invalid syntax' },
    { name: 'word', value: 'abc', want: '400 strconv.ParseInt: parsing "abc": invalid syntax' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(outcome(() => intParam(new URLSearchParams({ timeoutSeconds: c.value }), 'timeoutSeconds')), c.want);
    });
  }
});

describe('resourceVersion (a uint64, never rounded)', () => {
  const cases: { name: string; value: string; want: string | bigint }[] = [
    { name: 'empty means any', value: '', want: 0n },
    { name: '0 means any', value: '0', want: 0n },
    { name: 'a version', value: '42', want: 42n },
    { name: 'past 2^53 kept exactly', value: '9007199254740993', want: 9007199254740993n },
    { name: 'largest uint64', value: '18446744073709551615', want: 18446744073709551615n },
    { name: 'past uint64', value: '18446744073709551616', want: '400 resourceVersion: Invalid value: "18446744073709551616": strconv.ParseUint: parsing "18446744073709551616": value out of range' },
    { name: 'garbage', value: 'abc', want: '400 resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax' },
    { name: 'exponent', value: '1e100', want: '400 resourceVersion: Invalid value: "1e100": strconv.ParseUint: parsing "1e100": invalid syntax' },
    { name: 'negative', value: '-1', want: '400 resourceVersion: Invalid value: "-1": strconv.ParseUint: parsing "-1": invalid syntax' },
    { name: 'fraction', value: '1.5', want: '400 resourceVersion: Invalid value: "1.5": strconv.ParseUint: parsing "1.5": invalid syntax' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (typeof c.want === 'bigint') assert.equal(checkResourceVersion(c.value), c.want);
      else assert.equal(outcome(() => checkResourceVersion(c.value)), c.want);
    });
  }
});

describe('ListOptions validation (422, kind ListOptions.meta.k8s.io)', () => {
  const prefix = '422 ListOptions.meta.k8s.io "" is invalid: ';
  const cases: { name: string; query: string; watch?: boolean; want: string }[] = [
    { name: 'match with a version', query: 'resourceVersion=5&resourceVersionMatch=NotOlderThan', want: 'ok' },
    { name: 'match without a version', query: 'resourceVersionMatch=NotOlderThan', want: `${prefix}resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided` },
    { name: 'unknown match', query: 'resourceVersion=5&resourceVersionMatch=Newest', want: `${prefix}resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""` },
    { name: 'Exact with 0', query: 'resourceVersion=0&resourceVersionMatch=Exact', want: `${prefix}resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"` },
    { name: 'match with continue', query: 'resourceVersion=5&resourceVersionMatch=Exact&continue=abc', want: `${prefix}resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided` },
    { name: 'sendInitialEvents on a list', query: 'sendInitialEvents=true', want: `${prefix}sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list` },
    { name: 'watch-list as client-go sends it', query: 'sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', watch: true, want: 'ok' },
    { name: 'sendInitialEvents without match on a watch', query: 'sendInitialEvents=true', watch: true, want: `${prefix}resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan` },
    { name: 'match on a plain watch', query: 'resourceVersion=5&resourceVersionMatch=NotOlderThan', watch: true, want: `${prefix}resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided` },
    { name: 'garbage limit is a conversion error', query: 'limit=ten', want: '400 strconv.ParseInt: parsing "ten": invalid syntax' },
    { name: 'garbage version before validation', query: 'resourceVersion=x&resourceVersionMatch=Bad', want: '400 resourceVersion: Invalid value: "x": strconv.ParseUint: parsing "x": invalid syntax' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(outcome(() => listQuery(new URLSearchParams(c.query), 'ConfigMap', c.watch ?? false)), c.want);
    });
  }
});

describe('PodLogOptions', () => {
  const prefix = '422 PodLogOptions "web" is invalid: ';
  const cases: { name: string; query: string; want: string; sent?: string }[] = [
    { name: 'Python follow=True and timestamps=True', query: 'follow=True&timestamps=True', want: 'ok', sent: 'follow=true&timestamps=true' },
    { name: 'previous=1, follow=False', query: 'previous=1&follow=False', want: 'ok', sent: 'previous=true' },
    { name: 'numbers in one spelling', query: 'tailLines=%2B10&limitBytes=0100&container=c', want: 'ok', sent: 'container=c&tailLines=10&limitBytes=100' },
    { name: 'sinceTime kept', query: 'sinceTime=2024-01-02T03:04:05Z', want: 'ok', sent: 'sinceTime=2024-01-02T03%3A04%3A05Z' },
    { name: 'garbage tailLines', query: 'tailLines=ten', want: '400 strconv.ParseInt: parsing "ten": invalid syntax' },
    { name: 'negative tailLines', query: 'tailLines=-1', want: `${prefix}tailLines: Invalid value: -1: must be greater than or equal to 0` },
    { name: 'zero limitBytes', query: 'limitBytes=0', want: `${prefix}limitBytes: Invalid value: 0: must be greater than 0` },
    { name: 'zero sinceSeconds', query: 'sinceSeconds=0', want: `${prefix}sinceSeconds: Invalid value: 0: must be greater than 0` },
    { name: 'both since forms', query: 'sinceSeconds=5&sinceTime=2024-01-02T03:04:05Z', want: `${prefix}: Forbidden: at most one of \`sinceTime\` or \`sinceSeconds\` may be specified` },
    { name: 'garbage sinceTime', query: 'sinceTime=yesterday', want: '400 parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const q = new URLSearchParams(c.query);
      assert.equal(outcome(() => podLogOptions(q, 'web')), c.want);
      if (c.sent !== undefined) assert.equal(logQueryString(podLogOptions(q, 'web')).toString(), c.sent);
    });
  }
});

describe('query parameters over HTTPS', () => {
  let s: TestServer;
  const ns = `q-${suffix()}`;
  const cmPath = `/api/v1/namespaces/${ns}/configmaps`;
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });
  before(async () => {
    s = await startTestServer();
    await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
    await s.request('POST', cmPath, { body: cm(`first-${suffix()}`) });
  });
  after(async () => {
    await s.stop();
  });

  for (const value of ['True', '1', 'true', 't']) {
    test(`watch=${value} streams events (the Python client's spelling included)`, async () => {
      const now = (await s.request('GET', cmPath)).json.metadata.resourceVersion as string;
      const w = openStream(s.server, `${cmPath}?watch=${value}&resourceVersion=${now}`);
      const name = `w-${suffix()}`;
      await new Promise((r) => setTimeout(r, 100));
      await s.request('POST', cmPath, { body: cm(name) });
      await w.waitFor(1);
      w.close();
      assert.equal(w.status, 200);
      assert.equal(w.events[0]!.type, 'ADDED');
      assert.equal((w.events[0]!.object['metadata'] as { name: string }).name, name);
    });
  }

  for (const value of ['False', '0', 'false']) {
    test(`watch=${value} is a list`, async () => {
      const r = await s.request('GET', `${cmPath}?watch=${value}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.kind, 'ConfigMapList');
    });
  }

  const statusCases: { name: string; path: () => string; code: number; reason: string; message: string | RegExp }[] = [
    { name: 'list with a garbage resourceVersion', path: () => `${cmPath}?resourceVersion=abc`, code: 400, reason: 'BadRequest', message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax' },
    { name: 'list with resourceVersion=1e100', path: () => `${cmPath}?resourceVersion=1e100`, code: 400, reason: 'BadRequest', message: 'resourceVersion: Invalid value: "1e100": strconv.ParseUint: parsing "1e100": invalid syntax' },
    { name: 'watch with resourceVersion=-1', path: () => `${cmPath}?watch=true&resourceVersion=-1`, code: 400, reason: 'BadRequest', message: 'resourceVersion: Invalid value: "-1": strconv.ParseUint: parsing "-1": invalid syntax' },
    { name: 'get with resourceVersion=1.5', path: () => `${cmPath}/anything?resourceVersion=1.5`, code: 400, reason: 'BadRequest', message: 'resourceVersion: Invalid value: "1.5": strconv.ParseUint: parsing "1.5": invalid syntax' },
    { name: 'match without a version', path: () => `${cmPath}?resourceVersionMatch=Exact`, code: 422, reason: 'Invalid', message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' },
    { name: 'Exact with 0', path: () => `${cmPath}?resourceVersion=0&resourceVersionMatch=Exact`, code: 422, reason: 'Invalid', message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"' },
    { name: 'garbage timeoutSeconds', path: () => `${cmPath}?watch=1&timeoutSeconds=soon`, code: 400, reason: 'BadRequest', message: 'strconv.ParseInt: parsing "soon": invalid syntax' },
    { name: 'garbage log option before the pod is looked up', path: () => `/api/v1/namespaces/${ns}/pods/nopod/log?tailLines=x`, code: 400, reason: 'BadRequest', message: 'strconv.ParseInt: parsing "x": invalid syntax' },
    { name: 'invalid log option', path: () => `/api/v1/namespaces/${ns}/pods/nopod/log?follow=True&limitBytes=-3`, code: 422, reason: 'Invalid', message: 'PodLogOptions "nopod" is invalid: limitBytes: Invalid value: -3: must be greater than 0' },
    { name: 'valid log options reach the pod lookup', path: () => `/api/v1/namespaces/${ns}/pods/nopod/log?follow=True&timestamps=True`, code: 404, reason: 'NotFound', message: 'pods "nopod" not found' },
  ];
  for (const c of statusCases) {
    test(c.name, async () => {
      const r = await s.request('GET', c.path());
      assert.equal(r.status, c.code, r.text);
      assert.equal(r.json.kind, 'Status');
      assert.equal(r.json.reason, c.reason);
      if (typeof c.message === 'string') assert.equal(r.json.message, c.message);
      else assert.match(r.json.message, c.message);
    });
  }

  test('an update whose body resourceVersion is garbage is 400, not a conflict', async () => {
    const name = `u-${suffix()}`;
    await s.request('POST', cmPath, { body: cm(name) });
    const r = await s.request('PUT', `${cmPath}/${name}`, { body: { ...cm(name), metadata: { name, resourceVersion: '12abc' } } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.message, 'metadata.resourceVersion: Invalid value: "12abc": strconv.ParseUint: parsing "12abc": invalid syntax');
  });

  // Each of these waits the cache's 3 s before answering, as kube-apiserver does.
  const futureCases: { name: string; query: (now: bigint) => string; shown: (now: bigint) => string }[] = [
    { name: 'Exact, a version the store has not reached', query: (now) => `resourceVersion=${now + 1000n}&resourceVersionMatch=Exact`, shown: (now) => String(now + 1000n) },
    { name: 'NotOlderThan, 2^53 + 1 (not rounded)', query: () => 'resourceVersion=9007199254740993&resourceVersionMatch=NotOlderThan', shown: () => '9007199254740993' },
    { name: 'plain list, largest uint64', query: () => 'resourceVersion=18446744073709551615', shown: () => '18446744073709551615' },
  ];
  for (const c of futureCases) {
    test(`a list from the future: ${c.name} → 504 ResourceVersionTooLarge`, async () => {
      const now = BigInt((await s.request('GET', cmPath)).json.metadata.resourceVersion as string);
      const started = Date.now();
      const r = await s.request('GET', `${cmPath}?${c.query(now)}`);
      assert.equal(r.status, 504, r.text);
      assert.ok(Date.now() - started >= 2900, 'answers after the 3 s wait');
      assert.equal(r.json.reason, 'Timeout');
      assert.match(r.json.message, new RegExp(`^Timeout: Too large resource version: ${c.shown(now)}, current: \\d+$`));
      assert.deepEqual(r.json.details.causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
      assert.equal(r.json.details.retryAfterSeconds, 1);
      assert.equal(r.headers['retry-after'], '1', 'Retry-After follows details.retryAfterSeconds on every Status');
    });
  }

  test('a list at an Exact past version is that snapshot', async () => {
    const name = `later-${suffix()}`;
    const before = (await s.request('GET', cmPath)).json;
    await s.request('POST', cmPath, { body: cm(name) });
    const r = await s.request('GET', `${cmPath}?resourceVersion=${before.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    assert.equal(r.status, 200, r.text);
    const names = r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(names, before.items.map((i: { metadata: { name: string } }) => i.metadata.name));
    assert.ok(!names.includes(name));
  });

  test('a watch from a future version opens at once and sends only what comes after it', async () => {
    const now = BigInt((await s.request('GET', cmPath)).json.metadata.resourceVersion as string);
    // Far ahead, with no writes coming: the stream still opens at once (no 3 s wait, no error).
    const started = Date.now();
    const far = openStream(s.server, `${cmPath}?watch=True&resourceVersion=${now + 1000n}`);
    while (far.status === 0 && Date.now() - started < 2500) await new Promise((r) => setTimeout(r, 20));
    far.close();
    assert.equal(far.status, 200);
    assert.ok(Date.now() - started < 2000, `opened after ${Date.now() - started} ms`);
    const w = openStream(s.server, `${cmPath}?watch=True&resourceVersion=${now + 2n}`);
    // Three writes: revisions now+1, now+2 (not after the start) and now+3 (after it).
    const names = [`f1-${suffix()}`, `f2-${suffix()}`, `f3-${suffix()}`];
    for (const n of names) await s.request('POST', cmPath, { body: cm(n) });
    await w.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    w.close();
    assert.equal(w.status, 200);
    assert.deepEqual(w.events.map((e) => `${e.type}:${(e.object['metadata'] as { name: string }).name}`), [`ADDED:${names[2]}`]);
  });

  test('log options reach the node in one spelling: follow=True and timestamps=True are followed', async () => {
    const seen: string[] = [];
    const node = `node-${suffix()}`;
    const kubelet = fakeNodeEndpoint(s.server, node, (req, res) => {
      seen.push(new URL(req.url ?? '/', 'http://x').search);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('2024-01-02T03:04:05Z hello\n');
    });
    await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
    try {
      const port = (kubelet.address() as AddressInfo).port;
      const made = await s.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: node } } });
      assert.equal(made.status, 201, made.text);
      const st = await s.request('PATCH', `/api/v1/nodes/${node}/status`, {
        body: { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(st.status, 200, st.text);
      const pod = `logs-${suffix()}`;
      await s.request('POST', `/api/v1/namespaces/${ns}/pods`, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
      const bound = await s.request('POST', `/api/v1/namespaces/${ns}/pods/${pod}/binding`, { body: { target: { kind: 'Node', name: node } } });
      assert.equal(bound.status, 201, bound.text);
      const cases: { query: string; sent: string }[] = [
        { query: 'follow=True&timestamps=True', sent: '?follow=true&timestamps=true' },
        { query: 'follow=1&previous=t&tailLines=05', sent: '?follow=true&previous=true&tailLines=5' },
        { query: 'follow=False&timestamps=0&container=c', sent: '?container=c' },
      ];
      for (const c of cases) {
        const r = await s.request('GET', `/api/v1/namespaces/${ns}/pods/${pod}/log?${c.query}`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.text, '2024-01-02T03:04:05Z hello\n');
        assert.equal(seen.pop(), c.sent, c.query);
      }
    } finally {
      kubelet.close();
    }
  });
});
