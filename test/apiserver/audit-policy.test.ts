/**
 * The audit policy as kube-apiserver's checker reads it: rules × requests → level and omitted
 * stages (first match wins, no match is None), and policies that must not load.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { evaluatePolicy, parsePolicy, type AuditAttributes } from '../../src/apiserver/audit/index.js';

const sfx = randomBytes(3).toString('hex');
const alice = `alice-${sfx}`;
const team = `team-${sfx}`;
const ns = `ns-${sfx}`;
const secretName = `db-${sfx}`;

/** A request's attributes: a resource request by alice unless told otherwise. */
function req(o: Partial<AuditAttributes> = {}): AuditAttributes {
  return {
    user: { name: alice, groups: [team, 'system:authenticated'] },
    verb: 'get', resourceRequest: true, group: '', resource: 'pods', subresource: '', namespace: ns, name: 'p', path: '',
    ...o,
  };
}

const nonResource = (path: string, verb = 'get'): AuditAttributes =>
  req({ resourceRequest: false, path, verb, resource: '', namespace: '', name: '' });

const policyYaml = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:kube-proxy-${sfx}"]
  - level: RequestResponse
    resources: [{ group: "", resources: ["pods/log", "pods/status"] }]
  - level: Metadata
    resources: [{ group: "", resources: ["secrets", "configmaps"] }]
    omitStages: [ResponseStarted]
  - level: Request
    resources: [{ group: "", resources: ["secrets"], resourceNames: ["${secretName}"] }]
  - level: Request
    verbs: [create, update, patch]
    resources: [{ group: "apps" }]
  - level: None
    nonResourceURLs: ["/healthz*", "/version"]
  - level: Metadata
    userGroups: ["${team}"]
    namespaces: ["${ns}"]
  - level: RequestResponse
    resources: [{ group: "batch", resources: ["*/status"] }, { group: "batch", resources: ["cronjobs/*"] }]
  - level: Metadata
    nonResourceURLs: ["/api*"]
`;

describe('audit policy evaluation (first match wins)', () => {
  const policy = parsePolicy(policyYaml);
  const cases: { name: string; a: AuditAttributes; level: string; omit?: string[] }[] = [
    { name: 'a named user matched by a None rule', a: req({ user: { name: `system:kube-proxy-${sfx}`, groups: [] } }), level: 'None' },
    { name: 'a subresource named exactly', a: req({ subresource: 'log' }), level: 'RequestResponse', omit: ['RequestReceived'] },
    { name: 'the bare resource does not match its subresource rule', a: req({ namespace: 'other', user: { name: 'bob', groups: [] } }), level: 'None' },
    { name: 'secrets at Metadata, the rule adds an omitted stage', a: req({ resource: 'secrets', name: secretName }), level: 'Metadata', omit: ['RequestReceived', 'ResponseStarted'] },
    { name: 'an earlier rule wins over a later narrower one', a: req({ resource: 'secrets', name: secretName, verb: 'update' }), level: 'Metadata', omit: ['RequestReceived', 'ResponseStarted'] },
    { name: 'a group with no resources matches all its resources', a: req({ group: 'apps', resource: 'deployments', verb: 'create' }), level: 'Request', omit: ['RequestReceived'] },
    { name: 'a verb not in the rule', a: req({ group: 'apps', resource: 'deployments', verb: 'list', namespace: 'x' }), level: 'None' },
    { name: 'a non-resource URL with a wildcard', a: nonResource('/healthz/etcd'), level: 'None' },
    { name: 'a non-resource URL exactly', a: nonResource('/version'), level: 'None' },
    { name: 'a user group in a namespace', a: req({ resource: 'services', namespace: ns }), level: 'Metadata' },
    { name: 'a namespaced rule does not match another namespace', a: req({ resource: 'services', namespace: `x-${sfx}` }), level: 'None' },
    { name: 'a namespaced rule does not match a non-resource URL', a: nonResource('/metrics'), level: 'None' },
    { name: '*/status matches any resource\'s status', a: req({ group: 'batch', resource: 'jobs', subresource: 'status', namespace: 'x' }), level: 'RequestResponse' },
    { name: 'cronjobs/* matches cronjobs itself', a: req({ group: 'batch', resource: 'cronjobs', namespace: 'x' }), level: 'RequestResponse' },
    { name: 'a group differing by name does not match', a: req({ group: 'batch.example', resource: 'cronjobs', namespace: 'x' }), level: 'None' },
    { name: 'a URL prefix rule', a: nonResource('/apis/apps/v1'), level: 'Metadata' },
    { name: 'no user (failed authentication) skips user rules', a: { ...nonResource('/api/v1'), user: undefined }, level: 'Metadata' },
    { name: 'no user never matches a group rule', a: { ...req({ resource: 'services' }), user: undefined }, level: 'None' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = evaluatePolicy(policy, c.a);
      assert.equal(got.level, c.level);
      if (c.level !== 'None') assert.deepEqual([...got.omitStages].sort(), (c.omit ?? ['RequestReceived']).sort());
    });
  }

  test('omitManagedFields: the rule overrides the policy', () => {
    const p = parsePolicy(JSON.stringify({
      apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitManagedFields: true,
      rules: [{ level: 'Request', resources: [{ group: '', resources: ['configmaps'] }], omitManagedFields: false }, { level: 'Metadata' }],
    }));
    assert.equal(evaluatePolicy(p, req({ resource: 'configmaps' })).omitManagedFields, false);
    assert.equal(evaluatePolicy(p, req({ resource: 'pods' })).omitManagedFields, true);
  });
});

describe('audit policies that must not load', () => {
  const head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';
  const cases: { name: string; text: string; error: RegExp }[] = [
    { name: 'wrong apiVersion', text: 'apiVersion: audit.k8s.io/v1beta2\nkind: Policy\nrules: [{level: None}]', error: /apiVersion: Unsupported value/ },
    { name: 'wrong kind', text: 'apiVersion: audit.k8s.io/v1\nkind: Polycy\nrules: [{level: None}]', error: /kind: Unsupported value/ },
    { name: 'no rules', text: head + 'rules: []', error: /no rules/ },
    { name: 'unknown level', text: head + 'rules: [{level: Everything}]', error: /rules\[0\]\.level: Unsupported value: "Everything"/ },
    { name: 'unknown stage', text: head + 'omitStages: [Started]\nrules: [{level: None}]', error: /omitStages\[0\]: Unsupported value: "Started"/ },
    { name: 'resources and URLs together', text: head + 'rules: [{level: None}, {level: Metadata, resources: [{group: ""}], nonResourceURLs: ["/x"]}]', error: /rules\[1\]\.nonResourceURLs: Invalid value/ },
    { name: 'URL without a slash', text: head + 'rules: [{level: None, nonResourceURLs: ["healthz"]}]', error: /must begin with a '\/'/ },
    { name: 'wildcard in the middle of a URL', text: head + 'rules: [{level: None, nonResourceURLs: ["/a*/b"]}]', error: /final character/ },
    { name: 'bad resource form', text: head + 'rules: [{level: None, resources: [{resources: ["pods/log/x"]}]}]', error: /resources\[0\]\.resources\[0\]: Invalid value/ },
    { name: 'not YAML at all', text: '{{{', error: /./ },
  ];
  for (const c of cases) {
    test(c.name, () => assert.throws(() => parsePolicy(c.text), c.error));
  }
});
