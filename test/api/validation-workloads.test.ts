/** Replication controllers, replica sets, deployments and daemon sets: selectors against
 * templates, restart policies, counts, strategies, and the immutable apps/v1 selector. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes, daemonSetBuilder, deploymentBuilder, msg, rcBuilder, replicaSetBuilder } from '../helpers/builders.js';

const errs = (kind: string, o: KubeObject): string[] => causes(validateObject(kind, o));

describe('replication controllers', () => {
  const cases: { name: string; rc: KubeObject; want: string[] }[] = [
    { name: 'the seed RC (selector hello=world, 4 replicas)', rc: rcBuilder('hello-nginx', { hello: 'world' }).replicas(4).defaulted(), want: [] },
    { name: 'a selector that is a subset of the labels', rc: rcBuilder('r', { app: 'nginx', project: 'lambert' }).selector({ app: 'nginx' }).replicas(3).defaulted(), want: [] },
    {
      name: 'a selector that does not match',
      rc: rcBuilder('r', { app: 'nginx' }).selector({ app: 'httpd' }).defaulted(),
      want: [`spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: ${msg.selectorMismatch}`],
    },
    {
      name: 'no selector and no template labels',
      rc: rcBuilder('r', {}).templateLabels(undefined).selector(undefined).defaulted(),
      want: ['spec.selector: Required value'],
    },
    { name: 'negative replicas', rc: rcBuilder('r').replicas(-2).defaulted(), want: ['spec.replicas: Invalid value: -2: must be greater than or equal to 0'] },
    {
      name: 'pods that do not restart Always',
      rc: rcBuilder('r').restartPolicy('OnFailure').defaulted(),
      want: ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    },
    {
      name: 'activeDeadlineSeconds in the template',
      rc: rcBuilder('r').podField('activeDeadlineSeconds', 10).defaulted(),
      want: ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported'],
    },
    { name: 'no template', rc: rcBuilder('r').set('spec.template', undefined).build(), want: ['spec.template: Required value'] },
    {
      name: 'template labels are reported at spec.template.labels',
      rc: rcBuilder('r', { 'bad key': 'x' }).labels({ app: 'r' }).selector({ app: 'r' }).templateLabels({ app: 'r', 'bad key': 'x' }).defaulted(),
      want: [`spec.template.labels: Invalid value: "bad key": ${msg.qualifiedNamePart}`],
    },
    {
      name: 'errors inside the template',
      rc: rcBuilder('r').container({ name: 'x' }).defaulted(),
      want: ['spec.template.spec.containers[1].image: Required value'],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(errs('ReplicationController', c.rc), c.want));
  test('an RC update may change the selector (core/v1 has no such rule)', () => {
    const old = rcBuilder('r', { app: 'a', v: '1' }).defaulted();
    const next = rcBuilder('r', { app: 'a', v: '1' }).selector({ app: 'a' }).defaulted();
    assert.deepEqual(validateObjectUpdate('ReplicationController', next, old), []);
  });
});

describe('replica sets and deployments', () => {
  for (const [kind, builder] of [['ReplicaSet', replicaSetBuilder], ['Deployment', deploymentBuilder]] as const) {
    test(`${kind}: valid`, () => assert.deepEqual(errs(kind, builder('web', { app: 'web' }).replicas(3).defaulted()), []));
    test(`${kind}: a missing selector`, () => {
      assert.deepEqual(errs(kind, builder('web').selector(undefined).defaulted()), [
        'spec.selector: Required value',
        `spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: ${msg.selectorMismatch}`,
      ]);
    });
    test(`${kind}: an empty selector`, () => {
      assert.deepEqual(errs(kind, builder('web').selector({}).defaulted()), [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      ]);
    });
    test(`${kind}: a selector expression that does not match`, () => {
      const o = builder('web', { app: 'web', tier: 'db' }).selector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }).defaulted();
      assert.deepEqual(errs(kind, o), [`spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"db"}: ${msg.selectorMismatch}`]);
    });
    test(`${kind}: a malformed selector expression`, () => {
      const o = builder('web').selector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' }, { key: 'x', operator: 'Exists', values: ['y'] }] }).defaulted();
      assert.deepEqual(errs(kind, o), [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string(nil)}, v1.LabelSelectorRequirement{Key:"x", Operator:"Exists", Values:[]string{"y"}}}}: invalid label selector',
      ]);
    });
    test(`${kind}: the selector is immutable`, () => {
      const old = builder('web', { app: 'web', v: '1' }).uid('u').defaulted();
      const next = builder('web', { app: 'web', v: '1' }).uid('u').matchLabels({ app: 'web' }).defaulted();
      assert.deepEqual(causes(validateObjectUpdate(kind, next, old)), [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      ]);
      const scaled = builder('web', { app: 'web', v: '1' }).uid('u').replicas(5).defaulted();
      assert.deepEqual(validateObjectUpdate(kind, scaled, old), []);
    });
  }
  test('deployment strategy', () => {
    const bad = deploymentBuilder('d').set('spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } }).defaulted();
    assert.deepEqual(errs('Deployment', bad), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']);
    const pct = deploymentBuilder('d').set('spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%', maxSurge: 'lots' } }).defaulted();
    assert.deepEqual(errs('Deployment', pct), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"lots\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
    // Only maxUnavailable is capped at 100%: a deployment may surge to three times its size.
    const surge = deploymentBuilder('d').set('spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '200%' } }).defaulted();
    assert.deepEqual(errs('Deployment', surge), []);
    const recreate = deploymentBuilder('d').set('spec.strategy', { type: 'Recreate', rollingUpdate: {} }).defaulted();
    assert.deepEqual(errs('Deployment', recreate), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
    const deadline = deploymentBuilder('d').set('spec.minReadySeconds', 30).set('spec.progressDeadlineSeconds', 30).defaulted();
    assert.deepEqual(errs('Deployment', deadline), ['spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds']);
  });
});

describe('daemon sets', () => {
  test('the seed daemon set (selector app=checkRam,version=v1, template with owner too)', () => {
    const ds = daemonSetBuilder('ram-check', { app: 'checkRam', owner: 'Amy', version: 'v1' }).matchLabels({ app: 'checkRam', version: 'v1' }).defaulted();
    assert.deepEqual(errs('DaemonSet', ds), []);
  });
  const cases: { name: string; ds: KubeObject; want: string[] }[] = [
    {
      name: 'template labels that do not match',
      ds: daemonSetBuilder('d', { name: 'fluentd' }).matchLabels({ name: 'fluentd-elasticsearch' }).defaulted(),
      want: [`spec.template.metadata.labels: Invalid value: map[string]string{"name":"fluentd"}: ${msg.selectorMismatch}`],
    },
    {
      name: 'no selector',
      ds: daemonSetBuilder('d').selector(undefined).defaulted(),
      want: ['spec.selector: Required value', `spec.template.metadata.labels: Invalid value: map[string]string{"app":"d"}: ${msg.selectorMismatch}`],
    },
    {
      name: 'an empty selector',
      ds: daemonSetBuilder('d').selector({}).defaulted(),
      want: ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset'],
    },
    {
      name: 'pods that restart Never',
      ds: daemonSetBuilder('d').restartPolicy('Never').defaulted(),
      want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    },
    {
      name: 'activeDeadlineSeconds',
      ds: daemonSetBuilder('d').podField('activeDeadlineSeconds', 5).defaulted(),
      want: ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported'],
    },
    {
      name: 'an unknown update strategy',
      ds: daemonSetBuilder('d').set('spec.updateStrategy', { type: 'Rolling' }).defaulted(),
      want: ['spec.updateStrategy.type: Unsupported value: "Rolling": supported values: "OnDelete", "RollingUpdate"'],
    },
    {
      name: 'surge and unavailability together',
      ds: daemonSetBuilder('d').set('spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }).defaulted(),
      want: ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero'],
    },
    {
      name: 'neither surge nor unavailability',
      ds: daemonSetBuilder('d').set('spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }).defaulted(),
      want: ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0'],
    },
    {
      name: 'a negative history limit',
      ds: daemonSetBuilder('d').set('spec.revisionHistoryLimit', -1).defaulted(),
      want: ['spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0'],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(errs('DaemonSet', c.ds), c.want));
  test('the selector is immutable; the node selector may change', () => {
    const old = daemonSetBuilder('ram-check', { app: 'checkRam' }).uid('u').defaulted();
    const moved = daemonSetBuilder('ram-check', { app: 'checkRam' }).uid('u').nodeSelector({ runDS: 'ok' }).defaulted();
    assert.deepEqual(validateObjectUpdate('DaemonSet', moved, old), []);
    const reselected = daemonSetBuilder('ram-check', { app: 'checkRam', v: '2' }).uid('u').matchLabels({ app: 'checkRam', v: '2' }).defaulted();
    assert.deepEqual(causes(validateObjectUpdate('DaemonSet', reselected, old)).map((c) => c.split(':')[0]), ['spec.selector']);
  });
});
