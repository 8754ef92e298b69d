/** Label selectors: the string grammar, matching, canonical printing, structured selectors, and
 * label map validation. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '../../src/api/errors.js';
import { fromLabelSelector, fromMap, mapMatches, parseSelector, validateLabels } from '../../src/api/labels.js';
import type { LabelSelector } from '../../src/api/types.js';
import { causes, msg } from '../helpers/builders.js';

describe('parseSelector: canonical strings (requirements sorted by key)', () => {
  const cases: { name: string; text: string; canonical: string }[] = [
    { name: 'empty selects everything', text: '', canonical: '' },
    { name: 'blank selects everything', text: '   ', canonical: '' },
    { name: 'one equality', text: 'hello=world', canonical: 'hello=world' },
    { name: 'double equals kept', text: 'tier==db', canonical: 'tier==db' },
    { name: 'inequality', text: 'env!=prod', canonical: 'env!=prod' },
    { name: 'sorted by key', text: 'project=lambert,app=nginx', canonical: 'app=nginx,project=lambert' },
    { name: 'set values sorted and de-duplicated', text: 'tier in (web, db, web)', canonical: 'tier in (db,web)' },
    { name: 'notin', text: 'zone notin (eu-1,us-2)', canonical: 'zone notin (eu-1,us-2)' },
    { name: 'exists', text: 'gpu', canonical: 'gpu' },
    { name: 'does not exist', text: '!canary', canonical: '!canary' },
    { name: 'whitespace everywhere', text: '  app = nginx ,  ! legacy , tier  in(a , b) ', canonical: 'app=nginx,!legacy,tier in (a,b)' },
    { name: 'prefixed key', text: 'kubernetes.io/hostname=kube-node3', canonical: 'kubernetes.io/hostname=kube-node3' },
    { name: 'empty value', text: 'a=', canonical: 'a=' },
    { name: 'empty set', text: 'a in ()', canonical: 'a in ()' },
    { name: 'greater than', text: 'rank>3', canonical: 'rank>3' },
    { name: 'mixed, many terms', text: 'runDS=ok,app=checkRam,version!=v2,!x,y in (1)', canonical: 'app=checkRam,runDS=ok,version!=v2,!x,y in (1)' },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(parseSelector(c.text).toString(), c.canonical));
  }
  test('the canonical string parses back to itself', () => {
    for (const c of cases) assert.equal(parseSelector(parseSelector(c.text).toString()).toString(), c.canonical);
  });
});

describe('parseSelector: matching', () => {
  const labels = { app: 'checkRam', owner: 'Amy', version: 'v1', rank: '7' };
  const cases: { sel: string; want: boolean }[] = [
    { sel: 'app=checkRam', want: true },
    { sel: 'app==checkRam,version=v1', want: true },
    { sel: 'app=checkram', want: false },
    { sel: 'owner!=Bob', want: true },
    { sel: 'missing!=x', want: true },
    { sel: 'owner!=Amy', want: false },
    { sel: 'version in (v1,v2)', want: true },
    { sel: 'version in (v2)', want: false },
    { sel: 'version notin (v2,v3)', want: true },
    { sel: 'missing notin (a)', want: true },
    { sel: 'owner', want: true },
    { sel: 'missing', want: false },
    { sel: '!missing', want: true },
    { sel: '!owner', want: false },
    { sel: 'rank>5', want: true },
    { sel: 'rank<5', want: false },
    { sel: 'owner>5', want: false },
    { sel: '', want: true },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.sel)} → ${c.want}`, () => assert.equal(parseSelector(c.sel).matches(labels), c.want));
  }
  test('no labels at all', () => {
    assert.equal(parseSelector('a').matches(undefined), false);
    assert.equal(parseSelector('!a').matches(undefined), true);
    assert.equal(parseSelector('a!=b').matches({}), true);
  });
});

describe('parseSelector: malformed input is a BadRequest with Kubernetes’ message', () => {
  const cases: { name: string; text: string; message: string }[] = [
    { name: 'operator without key', text: '=x', message: "found '=', expected: !, identifier, or 'end of string'" },
    { name: 'trailing comma', text: 'a=b,', message: "found '', expected: identifier after ','" },
    { name: 'two values', text: 'a=b c', message: "found 'c', expected: ',' or 'end of string'" },
    { name: 'unknown operator', text: 'a b', message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" },
    { name: 'in without parenthesis', text: 'a in x', message: "unable to parse requirement: found 'x' expected: '('" },
    { name: 'unclosed set', text: 'a in (x', message: "unable to parse requirement: found '', expected: ',' or ')'" },
    { name: 'not-exists with a value', text: '!a=b', message: "found '=', expected: ',' or 'end of string'" },
    { name: 'bad key', text: 'Foo_=x', message: `unable to parse requirement: <nil>: Invalid value: "Foo_": ${msg.qualifiedNamePart}` },
    { name: 'bad value', text: 'app=no way', message: "found 'way', expected: ',' or 'end of string'" },
    { name: 'invalid value characters', text: 'app=-x-', message: `unable to parse requirement: values[0][app]: Invalid value: "-x-": ${msg.labelValue}` },
    { name: 'gt needs an integer', text: 'rank>high', message: "unable to parse requirement: values[0]: Invalid value: \"high\": for 'Gt', 'Lt' operators, the value must be an integer" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(() => parseSelector(c.text), (e: unknown) => {
        assert.ok(e instanceof BadRequestError);
        assert.equal(e.code, 400);
        assert.equal(e.message, c.message);
        return true;
      });
    });
  }
});

describe('fromLabelSelector', () => {
  const cases: { name: string; sel: LabelSelector | undefined; text: string; matches: Record<string, string>; not: Record<string, string> }[] = [
    {
      name: 'matchLabels only (the seed job)',
      sel: { matchLabels: { test: 'dpkg', image: 'ubuntu' } },
      text: 'image=ubuntu,test=dpkg',
      matches: { image: 'ubuntu', test: 'dpkg', owner: 'Amy' },
      not: { image: 'ubuntu' },
    },
    {
      name: 'every operator',
      sel: {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['front', 'edge'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'team', operator: 'Exists' },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      },
      text: 'app=web,!canary,env notin (dev),team,tier in (edge,front)',
      matches: { app: 'web', tier: 'edge', team: 'x' },
      not: { app: 'web', tier: 'edge', team: 'x', canary: 'yes' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = fromLabelSelector(c.sel);
      assert.equal(s.toString(), c.text);
      assert.equal(s.matches(c.matches), true);
      assert.equal(s.matches(c.not), false);
    });
  }
  test('an empty selector selects everything, a missing one nothing', () => {
    assert.equal(fromLabelSelector({}).matches({ any: 'thing' }), true);
    assert.equal(fromLabelSelector({}).empty, true);
    assert.equal(fromLabelSelector(undefined).matches({ any: 'thing' }), false);
    assert.equal(fromLabelSelector(undefined).empty, false);
  });
  test('a bad operator is refused', () => {
    assert.throws(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' as 'In' }] }), BadRequestError);
  });
});

describe('fromMap and mapMatches', () => {
  test('a map is sorted equality requirements', () => {
    const s = fromMap({ project: 'lambert', app: 'nginx', deployment: 'abc-orig' });
    assert.equal(s.toString(), 'app=nginx,deployment=abc-orig,project=lambert');
    assert.equal(s.matches({ app: 'nginx', project: 'lambert', deployment: 'abc-orig', extra: '1' }), true);
    assert.equal(s.matches({ app: 'nginx', project: 'lambert' }), false);
  });
  test('an empty map selects everything', () => {
    assert.equal(fromMap({}).empty, true);
    assert.equal(fromMap(undefined).matches({ a: 'b' }), true);
  });
  test('mapMatches', () => {
    assert.equal(mapMatches({ hello: 'world' }, { hello: 'world', x: 'y' }), true);
    assert.equal(mapMatches({ hello: 'world' }, { hello: 'there' }), false);
    assert.equal(mapMatches({}, undefined), true);
  });
});

describe('validateLabels', () => {
  const cases: { name: string; labels: Record<string, unknown>; want: string[] }[] = [
    { name: 'valid keys and values', labels: { app: 'checkRam', 'kubernetes.io/hostname': 'kube-node3', empty: '', 'a.b_c-d': 'X.y_z-1' }, want: [] },
    { name: 'bad key', labels: { 'Foo Bar': 'x' }, want: [`metadata.labels: Invalid value: "Foo Bar": ${msg.qualifiedNamePart}`] },
    {
      name: 'bad prefix',
      labels: { 'Example.COM/app': 'x' },
      want: [`metadata.labels: Invalid value: "Example.COM/app": prefix part ${msg.dns1123Subdomain}`],
    },
    { name: 'empty prefix', labels: { '/app': 'x' }, want: ['metadata.labels: Invalid value: "/app": prefix part must be non-empty'] },
    {
      name: 'too many slashes',
      labels: { 'a/b/c': 'x' },
      want: ["metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"],
    },
    { name: 'bad value', labels: { tier: '-front' }, want: [`metadata.labels: Invalid value: "-front": ${msg.labelValue}`] },
    {
      name: 'value too long',
      labels: { tier: 'x'.repeat(64) },
      want: [`metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`],
    },
    {
      name: 'name part too long',
      labels: { ['k'.repeat(64)]: 'v' },
      want: [`metadata.labels: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(causes(validateLabels(c.labels, 'metadata.labels')), c.want));
  }
});
