/** label/annotate arguments: splitting resources from changes, kubectl's refusals, the patch. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyValuePatch, parseKeyValueArgs } from '../../src/cli/metadata/keyvalues.js';

describe('parseKeyValueArgs', () => {
  test('resources first, then KEY=VALUE and KEY-', () => {
    assert.deepEqual(parseKeyValueArgs(['nodes', 'kube-node3', 'runDS=ok', 'old-'], 'label'), { resources: ['nodes', 'kube-node3'], set: { runDS: 'ok' }, remove: ['old'] });
    assert.deepEqual(parseKeyValueArgs(['pod/x', 'example.com/tier=web'], 'label').set, { 'example.com/tier': 'web' });
    assert.deepEqual(parseKeyValueArgs(['pod/x', 'note=a b = c'], 'annotation').set, { note: 'a b = c' });
  });
  const refused: [name: string, args: string[], kind: 'label' | 'annotation', msg: RegExp][] = [
    ['no changes', ['pod', 'x'], 'label', /at least one label update is required/],
    ['a resource after a change', ['pod', 'a=b', 'x'], 'label', /all resources must be specified before label changes: x/],
    ['set and remove the same key', ['pod', 'x', 'a=b', 'a-'], 'label', /can not both modify and remove the following label\(s\) in the same command: a/],
    ['a bad key', ['pod', 'x', '-bad=1'], 'label', /invalid label spec: -bad=1/],
    ['a bad label value', ['pod', 'x', 'a=has space'], 'label', /invalid label value: "a=has space"/],
    ['an empty key', ['pod', 'x', '=v'], 'annotation', /invalid annotation spec: =v/],
  ];
  for (const [name, args, kind, msg] of refused) test(`refuses ${name}`, () => assert.throws(() => parseKeyValueArgs(args, kind), msg));
});

describe('keyValuePatch', () => {
  test('sets and removes only what changes (null removes)', () => {
    assert.deepEqual(keyValuePatch({ a: '1', b: '2' }, { set: { c: '3' }, remove: ['b', 'zz'] }, false), { c: '3', b: null });
  });
  test('nothing to do is undefined', () => {
    assert.equal(keyValuePatch({ a: '1' }, { set: { a: '1' }, remove: ['nope'] }, true), undefined);
  });
  test('an existing key without --overwrite is kubectl\'s error, even for the same value', () => {
    assert.throws(() => keyValuePatch({ a: 'v' }, { set: { a: 'w' }, remove: [] }, false), /^CliError: 'a' already has a value \(v\), and --overwrite is false$/);
    assert.throws(() => keyValuePatch({ a: 'v' }, { set: { a: 'v' }, remove: [] }, false), /already has a value/);
    assert.deepEqual(keyValuePatch({ a: 'v' }, { set: { a: 'w' }, remove: [] }, true), { a: 'w' });
  });
});
