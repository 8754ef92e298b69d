/** Request bodies that nest too deep or (YAML) hold too many nodes are refused before parsing, with
 * a Status; the server's memory stays flat through a burst of 3 MiB hostile bodies. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MAX_NESTING_DEPTH, MAX_YAML_NODES, jsonTooDeep, scanYaml, valueTooDeep } from '../../src/apiserver/http/depth.js';
import { decodeBody } from '../../src/apiserver/http/body.js';
import { ApiError } from '../../src/api/errors.js';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

const suffix = () => randomBytes(3).toString('hex');
const nestedArrays = (d: number) => '['.repeat(d) + ']'.repeat(d);
const nestedObjects = (d: number) => '{"a":'.repeat(d) + '1' + '}'.repeat(d);
const blockMaps = (d: number) => Array.from({ length: d }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ` 1\n`;
const dashes = (d: number) => Array.from({ length: d }, (_, i) => `${' '.repeat(2 * i)}- a:`).join('\n') + ` 1\n`;
const MiB3 = 3 * 1024 * 1024 - 4096;

describe('JSON depth scan', () => {
  const cases: { name: string; text: string; want: string | undefined }[] = [
    { name: 'flat object', text: '{"a":1,"b":[1,2]}', want: undefined },
    { name: 'arrays at the limit', text: nestedArrays(MAX_NESTING_DEPTH), want: undefined },
    { name: 'arrays one past the limit', text: nestedArrays(MAX_NESTING_DEPTH + 1), want: '[' },
    { name: 'objects one past the limit', text: nestedObjects(MAX_NESTING_DEPTH + 1), want: '{' },
    { name: 'brackets inside strings do not count', text: `{"a":"${'['.repeat(5000)}"}`, want: undefined },
    { name: 'escaped quotes stay inside the string', text: `{"a":"\\"${'{'.repeat(5000)}"}`, want: undefined },
    { name: 'siblings do not add up', text: `[${Array(5000).fill('[[]]').join(',')}]`, want: undefined },
  ];
  for (const c of cases) test(c.name, () => assert.equal(jsonTooDeep(c.text), c.want));
});

describe('YAML scan', () => {
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web # a comment with [ and {',
    '  annotations:',
    "    note: 'it''s [not] a {flow}'",
    '    quoted: "a [ b { c"',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: web',
    '        image: nginx:1.25',
    '        command: ["sh", "-c", "echo ${A[0]}"]',
    '        args:',
    '        - |',
    '          literal text',
    '                    deeply indented text is still text',
    '                              [[[[[[[[[[',
    '        env: [{name: A, value: "1"}, {name: B, value: x}]',
  ].join('\n');
  const cases: { name: string; text: string; want: string }[] = [
    { name: 'a realistic manifest', text: deployment, want: 'ok' },
    { name: 'block maps at the limit', text: blockMaps(MAX_NESTING_DEPTH - 1), want: 'ok' },
    { name: 'block maps past the limit', text: blockMaps(MAX_NESTING_DEPTH + 5), want: 'deep' },
    { name: '"- a:" items count two levels each', text: dashes(MAX_NESTING_DEPTH / 2 + 5), want: 'deep' },
    { name: 'flow sequences past the limit', text: nestedArrays(MAX_NESTING_DEPTH + 1), want: 'deep' },
    { name: 'flow maps past the limit', text: '{a: '.repeat(MAX_NESTING_DEPTH + 1) + '1' + '}'.repeat(MAX_NESTING_DEPTH + 1), want: 'deep' },
    { name: 'a block scalar is one node', text: `data: |\n${'  line [ { - a:\n'.repeat(50_000)}`, want: 'ok' },
    { name: 'keys at the node cap', text: Array.from({ length: MAX_YAML_NODES / 2 }, (_, i) => `k${i}: v`).join('\n'), want: 'ok' },
    { name: 'keys past the node cap', text: Array.from({ length: MAX_YAML_NODES / 2 + 1 }, (_, i) => `k${i}: v`).join('\n'), want: 'nodes' },
    { name: 'a flow list past the node cap', text: `[${Array(MAX_YAML_NODES + 1).fill('1').join(',')}]`, want: 'nodes' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = scanYaml(c.text);
      assert.equal(r === undefined ? 'ok' : 'tooDeepAt' in r ? 'deep' : 'nodes', c.want);
    });
  }
});

describe('parsed value depth', () => {
  test('iterative, so no depth overflows it', () => {
    assert.equal(valueTooDeep(JSON.parse(nestedArrays(50_000))), true);
    assert.equal(valueTooDeep(JSON.parse(nestedArrays(MAX_NESTING_DEPTH))), false);
  });
});

describe('decodeBody', () => {
  const outcome = (text: string, type: string, kind?: string): string => {
    try {
      decodeBody(text, type, kind);
      return 'ok';
    } catch (err) {
      assert.ok(err instanceof ApiError, String(err));
      return `${err.code} ${err.message}`;
    }
  };
  const cases: { name: string; text: string; type: string; kind?: string; want: string }[] = [
    { name: 'deep JSON', text: nestedArrays(MAX_NESTING_DEPTH + 1), type: 'application/json', want: "400 invalid character '[' exceeded max depth" },
    {
      name: 'deep JSON object body, worded as kube-apiserver does',
      text: `{"apiVersion":"v1","kind":"ConfigMap","x":${nestedArrays(MAX_NESTING_DEPTH)}}`,
      type: 'application/json',
      kind: 'ConfigMap',
      want: `400 the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character '[' exceeded max depth ({"apiVersion":"v1","kind":"Con ...)`,
    },
    { name: 'deep YAML', text: blockMaps(MAX_NESTING_DEPTH + 5), type: 'application/yaml', want: `400 error converting YAML to JSON: yaml: line ${MAX_NESTING_DEPTH + 1}: exceeded max depth of ${MAX_NESTING_DEPTH}` },
    { name: 'YAML with too many nodes', text: `[${Array(MAX_YAML_NODES + 1).fill('1').join(',')}]`, type: 'application/yaml', want: `413 the YAML request body is too large: limit is ${MAX_YAML_NODES} nodes (send JSON for larger bodies)` },
    {
      name: 'YAML aliases that nest deeper than the text',
      text: `a: &deep ${nestedArrays(150)}\nb: ${'['.repeat(100)}*deep${']'.repeat(100)}\n`,
      type: 'application/yaml',
      want: `400 error converting YAML to JSON: yaml: line 1: exceeded max depth of ${MAX_NESTING_DEPTH}`,
    },
    {
      name: 'a YAML alias bomb',
      text: ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 20 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join('\n'),
      type: 'application/yaml',
      want: '400 error converting YAML to JSON: Excessive alias count indicates a resource exhaustion attack',
    },
    { name: 'repeated YAML keys: the last wins', text: 'a: 1\na: 2\n', type: 'application/yaml', want: 'ok' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(outcome(c.text, c.type, c.kind), c.want));
  test('repeated YAML keys give the last value', () => {
    assert.deepEqual(decodeBody('a: 1\nb: x\na: 2\n', 'application/yaml'), { a: 2, b: 'x' });
  });
});

describe('hostile bodies over HTTPS', () => {
  let s: TestServer;
  const ns = `body-${suffix()}`;
  const cmPath = `/api/v1/namespaces/${ns}/configmaps`;
  before(async () => {
    s = await startTestServer();
    await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
  });
  after(async () => {
    await s.stop();
  });

  const cm = (name: string, extra: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"data":{"k":"v"},"x":${extra}}`;
  const cases: { name: string; method: string; path: (n: string) => string; body: (n: string) => string; type?: string; code: number }[] = [
    { name: 'JSON create 10,001 deep', method: 'POST', path: () => cmPath, body: (n) => cm(n, nestedArrays(10_001)), code: 400 },
    { name: 'JSON create one level past the limit', method: 'POST', path: () => cmPath, body: (n) => cm(n, nestedArrays(MAX_NESTING_DEPTH)), code: 400 },
    { name: 'JSON create just under 3 MiB of nesting', method: 'POST', path: () => cmPath, body: (n) => cm(n, nestedArrays(MiB3 / 2)), code: 400 },
    { name: 'YAML create just under 3 MiB of block nesting', method: 'POST', path: () => cmPath, body: () => blockMaps(2400), type: 'application/yaml', code: 400 },
    { name: 'YAML create just under 3 MiB of flow nesting', method: 'POST', path: () => cmPath, body: () => nestedArrays(MiB3 / 2), type: 'application/yaml', code: 400 },
    { name: 'YAML create of 3 MiB of keys', method: 'POST', path: () => cmPath, body: () => 'data:\n' + Array.from({ length: MiB3 / 16 }, (_, i) => `  k${String(i).padStart(9, '0')}: 1`).join('\n'), type: 'application/yaml', code: 413 },
    { name: 'deep merge patch', method: 'PATCH', path: (n) => `${cmPath}/${n}`, body: () => `{"x":${nestedArrays(10_001)}}`, type: 'application/merge-patch+json', code: 400 },
    { name: 'deep DeleteOptions', method: 'DELETE', path: (n) => `${cmPath}/${n}`, body: () => `{"preconditions":${nestedObjects(10_001)}}`, code: 400 },
    { name: 'JSON create 150 deep is fine', method: 'POST', path: () => cmPath, body: (n) => cm(n, nestedArrays(150)), code: 201 },
    { name: 'YAML create 150 deep is fine', method: 'POST', path: () => cmPath, body: (n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\nx: ${nestedArrays(150)}\n`, type: 'application/yaml', code: 201 },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.code}`, async () => {
      const name = `cm-${suffix()}`;
      if (c.method !== 'POST') await s.request('POST', cmPath, { body: cm(name, '1') });
      const r = await s.request(c.method, c.path(name), { body: c.body(name), contentType: c.type ?? 'application/json' });
      assert.equal(r.status, c.code, r.text.slice(0, 300));
      if (c.code >= 400) {
        assert.equal(r.json.kind, 'Status');
        assert.equal(r.json.code, c.code);
      }
    });
  }

  test('RSS stays flat through a burst of 3 MiB hostile bodies', async () => {
    const bodies: { body: string; type: string }[] = [
      { body: nestedArrays(MiB3 / 2), type: 'application/json' },
      { body: nestedObjects(MiB3 / 6), type: 'application/json' },
      { body: nestedArrays(MiB3 / 2), type: 'application/yaml' },
      { body: blockMaps(2400), type: 'application/yaml' },
      { body: `[${'1,'.repeat(MiB3 / 2 - 1)}1]`, type: 'application/yaml' },
    ];
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = Date.now();
    try {
      const codes: number[] = [];
      for (let round = 0; round < 4; round++) {
        const answers = await Promise.all(bodies.map((b) => s.request('POST', cmPath, { body: b.body, contentType: b.type })));
        codes.push(...answers.map((a) => a.status));
      }
      assert.ok(codes.every((c) => c === 400 || c === 413), `codes: ${codes.join(',')}`);
    } finally {
      clearInterval(sampler);
    }
    const growthMB = (peak - before) / 1e6;
    // 20 bodies of 3 MiB are 60 MiB of text on the wire and in buffers; before the fix one such
    // YAML body alone took 1.8 GB and 28 s.
    assert.ok(growthMB < 400, `RSS grew by ${growthMB.toFixed(0)} MB`);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    const ok = await s.request('POST', cmPath, { body: cm(`after-${suffix()}`, '1') });
    assert.equal(ok.status, 201, ok.text);
  });
});
