/** extensions/v1beta1 ↔ stored conversions, field by field, without mutating the input. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extensionsConverters, normalizeSelector } from '../../src/api/conversion/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { AppsBuilder, JobBuilder } from '../helpers/builders.js';

const conv = (kind: string): NonNullable<(typeof extensionsConverters)[string]> => extensionsConverters[kind]!;
type Obj = Record<string, unknown>;
const spec = (o: KubeObject): Obj => o.spec as Obj;

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const legacyJob = (labels: Record<string, string>): JobBuilder => new JobBuilder('task', labels, 'extensions/v1beta1');
const legacy = (kind: 'ReplicaSet' | 'Deployment' | 'DaemonSet', labels: Record<string, string>): AppsBuilder =>
  new AppsBuilder(kind, 'x', labels, 'extensions/v1beta1');

describe('normalizeSelector', () => {
  const cases: { name: string; in: unknown; out: unknown }[] = [
    { name: 'a plain map', in: { app: 'checkRam', version: 'v1' }, out: { matchLabels: { app: 'checkRam', version: 'v1' } } },
    { name: 'YAML numbers and booleans become strings', in: { tier: 1, on: true }, out: { matchLabels: { tier: '1', on: 'true' } } },
    { name: 'a structured selector stays', in: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] }, out: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] } },
    { name: 'loose keys beside matchLabels are merged', in: { matchLabels: { a: 'b' }, c: 'd' }, out: { matchLabels: { a: 'b', c: 'd' } } },
    { name: 'empty', in: {}, out: {} },
    { name: 'not an object', in: 'app=x', out: 'app=x' },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(normalizeSelector(c.in), c.out));
});

describe('Job', () => {
  test('a given selector is kept and marked manual', () => {
    const out = conv('Job').toStorage(legacyJob({ a: 'b', c: 'd' }).matchLabels({ a: 'b' }).build());
    assert.equal(out.apiVersion, 'batch/v1');
    assert.deepEqual(spec(out)['selector'], { matchLabels: { a: 'b' } });
    assert.equal(spec(out)['manualSelector'], true);
  });
  test('no selector: the template labels, manual', () => {
    const out = conv('Job').toStorage(legacyJob({ x: '1', y: '2' }).build());
    assert.deepEqual(spec(out)['selector'], { matchLabels: { x: '1', y: '2' } });
    assert.equal(spec(out)['manualSelector'], true);
    assert.deepEqual(out.metadata.labels, { x: '1', y: '2' });
  });
  test('autoSelector asks for the generated selector', () => {
    const out = conv('Job').toStorage(legacyJob({ x: '1' }).set('spec.autoSelector', true).build());
    assert.equal(spec(out)['selector'], undefined);
    assert.equal(spec(out)['manualSelector'], false);
    assert.equal(spec(out)['autoSelector'], undefined);
  });
  test('no selector and no labels: left for generation', () => {
    const out = conv('Job').toStorage(legacyJob({}).templateLabels(undefined).build());
    assert.equal(spec(out)['selector'], undefined);
    assert.equal(spec(out)['manualSelector'], undefined);
  });
  test('parallelism defaults to completions, as the legacy version did', () => {
    const cases: [number | undefined, number | undefined, [unknown, unknown]][] = [
      [3, undefined, [3, 3]],
      [5, 2, [5, 2]],
      [undefined, 4, [undefined, 4]],
      [undefined, undefined, [undefined, undefined]],
    ];
    for (const [completions, parallelism, want] of cases) {
      const out = conv('Job').toStorage(legacyJob({ x: '1' }).set('spec.completions', completions).set('spec.parallelism', parallelism).build());
      assert.deepEqual([spec(out)['completions'], spec(out)['parallelism']], want);
    }
  });
  test('an explicit manualSelector wins', () => {
    const out = conv('Job').toStorage(legacyJob({ x: '1' }).matchLabels({ x: '1' }).manualSelector(false).build());
    assert.equal(spec(out)['manualSelector'], false);
  });
  test('fromStorage: autoSelector mirrors manualSelector, batch/v1-only fields go', () => {
    const stored: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } }, podReplacementPolicy: 'TerminatingOrFailed', backoffLimit: 6, template: {} },
      status: { succeeded: 1 },
    };
    const out = conv('Job').fromStorage(deepFreeze(stored));
    assert.equal(out.apiVersion, 'extensions/v1beta1');
    assert.equal(spec(out)['autoSelector'], false);
    assert.equal(spec(out)['podReplacementPolicy'], undefined);
    assert.equal(spec(out)['backoffLimit'], 6);
    assert.deepEqual(out.status, { succeeded: 1 });
  });
});

describe('DaemonSet', () => {
  test('plain-map selector, OnDelete, labels from the template', () => {
    const out = conv('DaemonSet').toStorage(legacy('DaemonSet', { app: 'a', v: '1' }).selector({ app: 'a' }).build());
    assert.equal(out.apiVersion, 'apps/v1');
    assert.deepEqual(spec(out)['selector'], { matchLabels: { app: 'a' } });
    assert.deepEqual(spec(out)['updateStrategy'], { type: 'OnDelete' });
    assert.deepEqual(out.metadata.labels, { app: 'a', v: '1' });
  });
  test('no selector: the template labels', () => {
    const out = conv('DaemonSet').toStorage(legacy('DaemonSet', { k: 'v' }).selector(undefined).build());
    assert.deepEqual(spec(out)['selector'], { matchLabels: { k: 'v' } });
  });
  test('RollingUpdate gets maxUnavailable 1; templateGeneration is dropped', () => {
    const out = conv('DaemonSet').toStorage(legacy('DaemonSet', { k: 'v' }).set('spec.updateStrategy', { type: 'RollingUpdate' }).set('spec.templateGeneration', 3).build());
    assert.deepEqual(spec(out)['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    assert.equal(spec(out)['templateGeneration'], undefined);
  });
  test('the object’s own labels are kept', () => {
    const out = conv('DaemonSet').toStorage(legacy('DaemonSet', { name: 'f' }).labels({ 'k8s-app': 'fluentd-logging' }).build());
    assert.deepEqual(out.metadata.labels, { 'k8s-app': 'fluentd-logging' });
  });
});

describe('Deployment and ReplicaSet', () => {
  test('deployment: legacy strategy and limits', () => {
    const out = conv('Deployment').toStorage(legacy('Deployment', { app: 'web' }).selector(undefined).set('spec.rollbackTo', { revision: 2 }).build());
    assert.equal(out.apiVersion, 'apps/v1');
    assert.deepEqual(spec(out)['selector'], { matchLabels: { app: 'web' } });
    assert.deepEqual(spec(out)['strategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } });
    assert.equal(spec(out)['revisionHistoryLimit'], 2147483647);
    assert.equal(spec(out)['progressDeadlineSeconds'], 2147483647);
    assert.equal(spec(out)['rollbackTo'], undefined);
  });
  test('deployment: what the user set is kept', () => {
    const out = conv('Deployment').toStorage(legacy('Deployment', { app: 'web' }).set('spec.strategy', { type: 'Recreate' }).set('spec.revisionHistoryLimit', 3).build());
    assert.deepEqual(spec(out)['strategy'], { type: 'Recreate' });
    assert.equal(spec(out)['revisionHistoryLimit'], 3);
  });
  test('replica set: selector from labels', () => {
    const out = conv('ReplicaSet').toStorage(legacy('ReplicaSet', { tier: 'fe' }).selector(undefined).build());
    assert.deepEqual(spec(out)['selector'], { matchLabels: { tier: 'fe' } });
    assert.deepEqual(out.metadata.labels, { tier: 'fe' });
  });
  test('fromStorage only renames the version', () => {
    for (const kind of ['DaemonSet', 'ReplicaSet', 'Deployment']) {
      const stored = deepFreeze({ apiVersion: 'apps/v1', kind, metadata: { name: 'n' }, spec: { selector: { matchLabels: { a: 'b' } } } } as KubeObject);
      assert.deepEqual(conv(kind).fromStorage(stored), { ...stored, apiVersion: 'extensions/v1beta1' });
    }
  });
});

describe('inputs are never mutated', () => {
  for (const kind of ['Job', 'DaemonSet', 'ReplicaSet', 'Deployment'] as const) {
    test(kind, () => {
      const b = kind === 'Job' ? legacyJob({ a: 'b' }) : legacy(kind, { a: 'b' }).selector(undefined);
      const input = deepFreeze(b.set('spec.autoSelector', undefined).build());
      const copy = structuredClone(input);
      const out = conv(kind).toStorage(input);
      assert.deepEqual(input, copy);
      assert.notEqual(out, input);
      conv(kind).fromStorage(deepFreeze(out));
    });
  }
});
