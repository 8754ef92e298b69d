/**
 * RBAC's rule and subject matching, the escalation check's "not currently held" list, aggregation,
 * and the Forbidden message, each as Kubernetes defines them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appliesTo, ruleAllows, type PolicyRule, type Subject } from '../../src/apiserver/auth/rbac/rules.js';
import { missingRights } from '../../src/apiserver/auth/rbac/escalation.js';
import { aggregatedRules } from '../../src/apiserver/auth/rbac/aggregation.js';
import { forbidden, type Attributes } from '../../src/apiserver/auth/attributes.js';
import type { KubeObject } from '../../src/api/types.js';

const user = { name: 'jane', groups: ['devs', 'system:authenticated'] };

function res(verb: string, group: string, resource: string, o: { sub?: string; name?: string; ns?: string } = {}): Attributes {
  return { user, resourceRequest: true, verb, group, version: 'v1', resource, subresource: o.sub ?? '', name: o.name ?? '', namespace: o.ns ?? 'default' };
}

function url(verb: string, path: string): Attributes {
  return { user, resourceRequest: false, verb, path };
}

describe('rule matching', () => {
  const cases: { name: string; rule: PolicyRule; a: Attributes; want: boolean }[] = [
    { name: 'exact verb, group, resource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, a: res('get', '', 'pods'), want: true },
    { name: 'other verb', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, a: res('list', '', 'pods'), want: false },
    { name: 'other group', rule: { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, a: res('get', '', 'pods'), want: false },
    { name: 'verb *', rule: { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, a: res('delete', '', 'pods'), want: true },
    { name: 'group * and resource *', rule: { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, a: res('get', 'apps', 'deployments'), want: true },
    { name: 'resource * covers subresources', rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] }, a: res('get', '', 'pods', { sub: 'log' }), want: true },
    { name: 'resource does not cover its subresource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, a: res('get', '', 'pods', { sub: 'log' }), want: false },
    { name: 'resource/subresource', rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, a: res('get', '', 'pods', { sub: 'log' }), want: true },
    { name: '*/subresource', rule: { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }, a: res('update', 'apps', 'deployments', { sub: 'status' }), want: true },
    { name: '*/subresource is not the resource', rule: { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] }, a: res('update', 'apps', 'deployments'), want: false },
    { name: 'resourceNames allow the name', rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, a: res('get', '', 'configmaps', { name: 'a' }), want: true },
    { name: 'resourceNames refuse other names', rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, a: res('get', '', 'configmaps', { name: 'b' }), want: false },
    { name: 'resourceNames refuse a list', rule: { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, a: res('list', '', 'configmaps'), want: false },
    { name: 'URL exact', rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] }, a: url('get', '/healthz'), want: true },
    { name: 'URL prefix *', rule: { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, a: url('get', '/apis/apps/v1'), want: true },
    { name: 'URL prefix * is not the bare path', rule: { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, a: url('get', '/apis'), want: false },
    { name: 'URL rule does not allow resources', rule: { verbs: ['*'], nonResourceURLs: ['*'] }, a: res('get', '', 'pods'), want: false },
    { name: 'resource rule does not allow URLs', rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, a: url('get', '/metrics'), want: false },
  ];
  for (const c of cases) test(c.name, () => assert.equal(ruleAllows(c.a, c.rule), c.want));
});

describe('subjects', () => {
  const sa = { name: 'system:serviceaccount:ns1:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] };
  const cases: { name: string; who: typeof user; s: Subject; bindingNs: string; want: boolean }[] = [
    { name: 'user by name', who: user, s: { kind: 'User', name: 'jane' }, bindingNs: '', want: true },
    { name: 'another user', who: user, s: { kind: 'User', name: 'bob' }, bindingNs: '', want: false },
    { name: 'group membership', who: user, s: { kind: 'Group', name: 'devs' }, bindingNs: '', want: true },
    { name: 'system:authenticated', who: user, s: { kind: 'Group', name: 'system:authenticated' }, bindingNs: '', want: true },
    { name: 'service account with namespace', who: sa, s: { kind: 'ServiceAccount', name: 'robot', namespace: 'ns1' }, bindingNs: '', want: true },
    { name: 'service account in the binding namespace', who: sa, s: { kind: 'ServiceAccount', name: 'robot' }, bindingNs: 'ns1', want: true },
    { name: 'service account of another namespace', who: sa, s: { kind: 'ServiceAccount', name: 'robot', namespace: 'ns2' }, bindingNs: '', want: false },
    { name: 'service account without any namespace', who: sa, s: { kind: 'ServiceAccount', name: 'robot' }, bindingNs: '', want: false },
    { name: 'all service accounts of a namespace', who: sa, s: { kind: 'Group', name: 'system:serviceaccounts:ns1' }, bindingNs: '', want: true },
  ];
  for (const c of cases) test(c.name, () => assert.equal(appliesTo(c.who, c.s, c.bindingNs), c.want));
});

describe('escalation: rights not currently held', () => {
  test('only what is not covered, verbs of one resource together, sorted', () => {
    const owned: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }];
    const wanted: PolicyRule[] = [{ verbs: ['get', 'list', 'delete'], apiGroups: [''], resources: ['pods', 'nodes'] }];
    assert.deepEqual(missingRights(owned, wanted), [
      '{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list" "delete"]}',
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
    ]);
  });
  test('wildcards, */subresource and resource names cover', () => {
    const owned: PolicyRule[] = [
      { verbs: ['*'], apiGroups: ['apps'], resources: ['*'] },
      { verbs: ['update'], apiGroups: [''], resources: ['*/status'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] },
      { verbs: ['get'], nonResourceURLs: ['/logs/*'] },
    ];
    assert.deepEqual(missingRights(owned, [
      { verbs: ['create', 'delete'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'] },
      { verbs: ['update'], apiGroups: [''], resources: ['pods/status'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] },
      { verbs: ['get'], nonResourceURLs: ['/logs/x'] },
    ]), []);
    assert.deepEqual(missingRights(owned, [
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] },
      { verbs: ['get'], nonResourceURLs: ['/metrics'] },
    ]), ['{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}', '{NonResourceURLs:["/metrics"], Verbs:["get"]}']);
  });
});

describe('aggregation', () => {
  const role = (name: string, labels: Record<string, string>, rules: PolicyRule[]): KubeObject =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules }) as unknown as KubeObject;
  test('the union of matching roles\' rules, in name order, without repeats', () => {
    const agg = {
      ...role('view', {}, []),
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg': 'view' } }] },
    } as unknown as KubeObject;
    const r1: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
    const r2: PolicyRule = { verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'] };
    const all = [agg, role('z-role', { agg: 'view' }, [r1]), role('a-role', { agg: 'view' }, [r2, r1]), role('other', { agg: 'edit' }, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])];
    assert.deepEqual(aggregatedRules(agg as never, all), [r2, r1]);
  });
});

describe('Forbidden messages', () => {
  const cases: { name: string; a: Attributes; want: string }[] = [
    { name: 'a list in a namespace', a: res('list', '', 'pods', { ns: 'default' }), want: 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"' },
    { name: 'a named object of a group', a: res('get', 'apps', 'deployments', { name: 'web', ns: 'prod' }), want: 'deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API group "apps" in the namespace "prod"' },
    { name: 'a subresource', a: res('get', '', 'pods', { sub: 'log', name: 'p', ns: 'default' }), want: 'pods "p" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "default"' },
    { name: 'cluster scope', a: res('list', '', 'nodes', { ns: '' }), want: 'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope' },
    { name: 'a path', a: url('get', '/metrics'), want: 'forbidden: User "jane" cannot get path "/metrics"' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const e = forbidden(c.a);
      assert.equal(e.code, 403);
      assert.equal(e.message, c.want);
    });
  }
});
