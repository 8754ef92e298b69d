/** One validation for create, update and status: what create refuses (an image with Go-whitespace
 * around it) is refused at once, and every stored object stays writable through `/status` —
 * including one stored before the rule existed, which is what a kubelet or controller writes. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { goTrimSpace, hasOuterSpace } from '../../src/api/validation/whitespace.js';
import { goQuote } from '../../src/api/validation/goquote.js';
import { validateObject, validateObjectStatusUpdate } from '../../src/api/validation/index.js';
import { openStore } from '../../src/storage/index.js';
import { encodeStored } from '../../src/apiserver/registry/codec.js';
import { objectKey } from '../../src/apiserver/registry/keys.js';
import { pods } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes, containerBuilder, podBuilder } from '../helpers/builders.js';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

const suffix = () => randomBytes(3).toString('hex');

describe("Go's TrimSpace and %q", () => {
  const trims: { name: string; value: string; outer: boolean }[] = [
    { name: 'plain', value: 'busybox', outer: false },
    { name: 'inner space is fine', value: 'my image', outer: false },
    { name: 'trailing line separator U+2028', value: 'busybox\u2028', outer: true },
    { name: 'trailing paragraph separator U+2029', value: 'busybox\u2029', outer: true },
    { name: 'leading no-break space U+00A0', value: '\u00a0busybox', outer: true },
    { name: 'trailing ideographic space U+3000', value: 'busybox\u3000', outer: true },
    { name: 'trailing next line U+0085 (JS trim keeps it)', value: 'busybox\u0085', outer: true },
    { name: 'trailing tab', value: 'busybox\t', outer: true },
    { name: 'trailing BOM U+FEFF is not Go whitespace', value: 'busybox\ufeff', outer: false },
    { name: 'trailing zero-width space U+200B is not Go whitespace', value: 'busybox\u200b', outer: false },
  ];
  for (const c of trims) test(c.name, () => assert.equal(hasOuterSpace(c.value), c.outer));
  test('trims both ends only', () => assert.equal(goTrimSpace('\u3000 a b\u2028\t'), 'a b'));

  const quotes: { name: string; value: string; want: string }[] = [
    { name: 'printable', value: 'nginx:1.25', want: '"nginx:1.25"' },
    { name: 'quote and backslash', value: 'a"b\\c', want: '"a\\"b\\\\c"' },
    { name: 'line separator', value: 'busybox\u2028', want: '"busybox\\u2028"' },
    { name: 'no-break space', value: '\u00a0x', want: '"\\u00a0x"' },
    { name: 'named controls', value: '\t\n\r\u0007', want: '"\\t\\n\\r\\a"' },
    { name: 'other ASCII controls', value: '\u0000\u007f', want: '"\\x00\\x7f"' },
    { name: 'non-BMP printable', value: 'é😀', want: '"é😀"' },
  ];
  for (const c of quotes) test(`%q: ${c.name}`, () => assert.equal(goQuote(c.value), c.want));
});

describe('pod images with Go whitespace', () => {
  const cases: { name: string; pod: KubeObject; want: string[] }[] = [
    {
      name: 'container image ending in U+2028',
      pod: podBuilder('p').containers(containerBuilder('c').image('busybox\u2028')).defaulted(),
      want: ['spec.containers[0].image: Invalid value: "busybox\\u2028": must not have leading or trailing whitespace'],
    },
    {
      name: 'init container image starting with U+00A0',
      pod: podBuilder('p').initContainer(containerBuilder('init').image('\u00a0busybox')).defaulted(),
      want: ['spec.initContainers[0].image: Invalid value: "\\u00a0busybox": must not have leading or trailing whitespace'],
    },
    { name: 'image ending in U+FEFF is accepted, as Kubernetes does', pod: podBuilder('p').containers(containerBuilder('c').image('busybox\ufeff')).defaulted(), want: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(causes(validateObject('Pod', c.pod)), c.want));

  test('a status update does not judge the stored spec again', () => {
    const old = podBuilder('p').containers(containerBuilder('c').image('busybox\u2028')).defaulted();
    const next = structuredClone(old);
    next.status = { phase: 'Running' };
    assert.deepEqual(validateObjectStatusUpdate('Pod', next, old), []);
  });
});

describe('create refuses, status writes keep working (HTTPS)', () => {
  let s: TestServer;
  let dir: string;
  const ns = `sw-${suffix()}`;
  const podsPath = `/api/v1/namespaces/${ns}/pods`;
  const legacy = `legacy-${suffix()}`;
  const pod = (name: string, image: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image }] },
  });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-status-writes-'));
    const datastore = `sqlite://${dir}/state.db`;
    const first = await startTestServer({ dataDir: dir, datastore });
    await first.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
    // A pod as an older skiff stored it: the image that create now refuses, already bound.
    const stored = (await first.request('POST', `${podsPath}?dryRun=All`, { body: pod(legacy, 'busybox') })).json as KubeObject;
    await first.stop();
    (stored.spec as { containers: { image: string }[]; nodeName?: string }).containers[0]!.image = 'busybox\u2028';
    (stored.spec as { nodeName?: string }).nodeName = 'node-a';
    stored.metadata.uid = `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`;
    stored.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const store = await openStore(datastore);
    await store.create(objectKey(pods, ns, legacy), encodeStored(stored));
    await store.close();
    s = await startTestServer({ dataDir: dir, datastore });
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const refused: { name: string; image: string; message: string }[] = [
    { name: 'U+2028', image: 'busybox\u2028', message: 'spec.containers[0].image: Invalid value: "busybox\\u2028": must not have leading or trailing whitespace' },
    { name: 'U+3000', image: 'busybox\u3000', message: 'spec.containers[0].image: Invalid value: "busybox\\u3000": must not have leading or trailing whitespace' },
    { name: 'leading space', image: ' busybox', message: 'spec.containers[0].image: Invalid value: " busybox": must not have leading or trailing whitespace' },
  ];
  for (const c of refused) {
    test(`create refuses an image with ${c.name} around it`, async () => {
      const name = `bad-${suffix()}`;
      const r = await s.request('POST', podsPath, { body: pod(name, c.image) });
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.reason, 'Invalid');
      assert.equal(r.json.message, `Pod "${name}" is invalid: ${c.message}`);
      assert.equal((await s.request('GET', `${podsPath}/${name}`)).status, 404);
    });
  }

  test('every stored pod takes status writes: PUT and merge PATCH on /status', async () => {
    const names = [`ok-${suffix()}`, `bom-${suffix()}`];
    await s.request('POST', podsPath, { body: pod(names[0]!, 'busybox') });
    await s.request('POST', podsPath, { body: pod(names[1]!, 'busybox\ufeff') });
    for (const n of names) {
      const bind = await s.request('POST', `${podsPath}/${n}/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: n }, target: { kind: 'Node', name: 'node-a' } } });
      assert.equal(bind.status, 201, bind.text);
    }
    const all = (await s.request('GET', podsPath)).json.items as KubeObject[];
    assert.deepEqual(all.map((p) => p.metadata.name).sort(), [legacy, ...names].sort());
    for (const p of all) {
      const name = p.metadata.name!;
      const put = await s.request('PUT', `${podsPath}/${name}/status`, { body: { ...p, status: { ...(p.status ?? {}), phase: 'Running', podIP: '10.0.0.7' } } });
      assert.equal(put.status, 200, `${name}: ${put.text}`);
      assert.equal(put.json.status.phase, 'Running');
      const patch = await s.request('PATCH', `${podsPath}/${name}/status`, { body: { status: { phase: 'Succeeded' } }, contentType: 'application/merge-patch+json' });
      assert.equal(patch.status, 200, `${name}: ${patch.text}`);
      assert.equal(patch.json.status.phase, 'Succeeded');
      assert.equal(patch.json.spec.containers[0].image, (p.spec as { containers: { image: string }[] }).containers[0]!.image);
    }
  });

  test('the legacy pod can have its image fixed through the main resource, as in Kubernetes', async () => {
    const p = (await s.request('GET', `${podsPath}/${legacy}`)).json;
    const relabel = await s.request('PATCH', `${podsPath}/${legacy}`, { body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(relabel.status, 422, relabel.text);
    p.spec.containers[0].image = 'busybox';
    const fixed = await s.request('PUT', `${podsPath}/${legacy}`, { body: p });
    assert.equal(fixed.status, 200, fixed.text);
    assert.equal(fixed.json.spec.containers[0].image, 'busybox');
  });
});
