/** Type resolution: what users type (`po`, `rc`, `daemonsets.apps`, `TYPE/NAME`, `all`) to discovered resources. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Discovery, parseResourceArgs, resolveType, resolveTypes, kindString, CliError, type ApiResource } from '../../src/cli/kube/index.js';

const base = Discovery.static();
// A server with extensions/v1beta1 daemonsets switched on (runtime-config): same plural, no short name.
const extDs: ApiResource = { ...base.resources.find((r) => r.plural === 'daemonsets')!, group: 'extensions', version: 'v1beta1', shortNames: [], categories: [], preferred: true };
const withExt = Discovery.of([...base.resources, extDs]);

describe('resolveType', () => {
  const cases: [typed: string, group: string, plural: string][] = [
    ['pods', '', 'pods'], ['pod', '', 'pods'], ['po', '', 'pods'], ['Pod', '', 'pods'], ['PODS', '', 'pods'],
    ['rc', '', 'replicationcontrollers'], ['replicationcontrollers', '', 'replicationcontrollers'], ['replicationcontroller', '', 'replicationcontrollers'],
    ['svc', '', 'services'], ['ds', 'apps', 'daemonsets'], ['daemonsets', 'apps', 'daemonsets'], ['daemonsets.apps', 'apps', 'daemonsets'],
    ['deploy', 'apps', 'deployments'], ['deployments.v1.apps', 'apps', 'deployments'], ['jobs', 'batch', 'jobs'], ['jobs.batch', 'batch', 'jobs'],
    ['job', 'batch', 'jobs'], ['jobs.extensions', 'extensions', 'jobs'], ['no', '', 'nodes'], ['ns', '', 'namespaces'], ['ev', '', 'events'],
    ['ep', '', 'endpoints'], ['cm', '', 'configmaps'], ['rs', 'apps', 'replicasets'], ['leases', 'coordination.k8s.io', 'leases'],
  ];
  for (const [typed, group, plural] of cases) {
    test(`${typed} → ${group || 'core'}/${plural}`, () => {
      const r = resolveType(base, typed);
      assert.equal(r.group, group);
      assert.equal(r.plural, plural);
    });
  }

  test('ds stays apps when extensions also serves daemonsets; daemonsets.extensions reaches the legacy one', () => {
    assert.equal(resolveType(withExt, 'ds').group, 'apps');
    assert.equal(resolveType(withExt, 'daemonsets').group, 'apps');
    assert.equal(resolveType(withExt, 'daemonsets.extensions').group, 'extensions');
  });

  test('an unknown type is kubectl\'s error', () => {
    for (const t of ['foo', 'podz', 'pods.apps', 'daemonsets.v2.apps']) {
      assert.throws(() => resolveType(base, t), (e: unknown) => e instanceof CliError && e.message === `the server doesn't have a resource type "${t}"`);
    }
  });

  test('all is the "all" category: pods, services, rcs, sets, jobs — not nodes or events', () => {
    const all = resolveTypes(base, 'all').map((r) => r.plural);
    for (const p of ['pods', 'services', 'replicationcontrollers', 'daemonsets', 'jobs', 'deployments', 'replicasets']) assert.ok(all.includes(p), p);
    for (const p of ['nodes', 'events', 'namespaces', 'configmaps']) assert.ok(!all.includes(p), p);
    assert.equal(all.filter((p) => p === 'jobs').length, 1);
  });

  test('kindString names core kinds bare and others with their group', () => {
    assert.equal(kindString(resolveType(base, 'rc')), 'replicationcontroller');
    assert.equal(kindString(resolveType(base, 'ds')), 'daemonset.apps');
    assert.equal(kindString(resolveType(base, 'jobs')), 'job.batch');
  });
});

describe('parseResourceArgs', () => {
  test('TYPE NAME1 NAME2', () => {
    const s = parseResourceArgs(base, ['rc', 'a', 'b']);
    assert.equal(s.length, 1);
    assert.equal(s[0]!.resource.plural, 'replicationcontrollers');
    assert.deepEqual(s[0]!.names, ['a', 'b']);
  });
  test('TYPE/NAME forms, grouped by type', () => {
    const s = parseResourceArgs(base, ['rc/a', 'svc/b', 'replicationcontrollers/c']);
    assert.deepEqual(s.map((x) => [x.resource.plural, x.names]), [['replicationcontrollers', ['a', 'c']], ['services', ['b']]]);
  });
  test('TYPE,TYPE without names', () => {
    assert.deepEqual(parseResourceArgs(base, ['rc,svc']).map((x) => [x.resource.plural, x.names.length]), [['replicationcontrollers', 0], ['services', 0]]);
  });
  test('mixing TYPE and TYPE/NAME is refused', () => {
    assert.throws(() => parseResourceArgs(base, ['rc', 'rc/a']), /no need to specify a resource type as a separate argument/);
  });
  test('TYPE/NAME/extra is refused', () => {
    assert.throws(() => parseResourceArgs(base, ['rc/a/b']), /must have a single resource and name/);
  });
  test('unknown types fail with the server error wording', () => {
    assert.throws(() => parseResourceArgs(base, ['foo/x']), /the server doesn't have a resource type "foo"/);
  });
});
