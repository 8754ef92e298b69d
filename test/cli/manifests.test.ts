/** Reading -f: YAML streams, JSON, Lists, directories (-R), stdin, and kubectl's errors. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readManifests, parseManifests, CliError } from '../../src/cli/kube/index.js';

const rc = (name: string) => `apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: ${name}\nspec:\n  replicas: 2\n`;
const svcJson = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }] } });

describe('manifests', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-manifests-'));
    writeFileSync(path.join(dir, 'a.yaml'), `${rc('one')}\n---\n\n---\n${rc('two')}`);
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(svcJson('three')));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a manifest');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'c.yml'), rc('four'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a YAML stream gives every non-empty document in order', () => {
    const m = readManifests([path.join(dir, 'a.yaml')]);
    assert.deepEqual(m.map((x) => x.object.metadata.name), ['one', 'two']);
    assert.equal(m[0]!.source, path.join(dir, 'a.yaml'));
  });

  test('a directory: its yaml/yml/json files in name order; subdirectories only with -R', () => {
    assert.deepEqual(readManifests([dir]).map((x) => x.object.metadata.name), ['one', 'two', 'three']);
    assert.deepEqual(readManifests([dir], { recursive: true }).map((x) => x.object.metadata.name), ['one', 'two', 'three', 'four']);
  });

  test('JSON Lists (and YAML v1 Lists) are flattened', () => {
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [svcJson('x'), svcJson('y')] });
    assert.deepEqual(parseManifests(list, 'l.json').map((m) => m.object.metadata.name), ['x', 'y']);
    const yamlList = `apiVersion: v1\nkind: ServiceList\nitems:\n- ${JSON.stringify(svcJson('z'))}\n`;
    assert.deepEqual(parseManifests(yamlList, 'l.yaml').map((m) => m.object.metadata.name), ['z']);
  });

  test('- reads stdin, named STDIN', () => {
    const m = readManifests(['-'], { stdin: () => rc('from-stdin') });
    assert.equal(m[0]!.source, 'STDIN');
    assert.equal(m[0]!.object.kind, 'ReplicationController');
  });

  test('a missing path is kubectl\'s error', () => {
    assert.throws(() => readManifests(['nope.yaml']), (e: unknown) => e instanceof CliError && e.message === 'the path "nope.yaml" does not exist');
  });

  test('a YAML syntax error names the file and the line', () => {
    const bad = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   labels: [\n';
    assert.throws(() => parseManifests(bad, 'bad.yaml'), (e: unknown) => e instanceof CliError && /^error parsing bad\.yaml: error converting YAML to JSON: yaml: line \d+: /.test(e.message));
  });

  test('broken JSON names the file', () => {
    assert.throws(() => parseManifests('{"kind": ', 'bad.json'), /error parsing bad\.json/);
  });

  test('kind and apiVersion are required', () => {
    assert.throws(() => parseManifests('apiVersion: v1\nmetadata:\n  name: x\n', 'f.yaml'), /error validating "f\.yaml": error validating data: kind not set/);
    assert.throws(() => parseManifests('kind: Pod\nmetadata:\n  name: x\n', 'f.yaml'), /apiVersion not set/);
  });
});
