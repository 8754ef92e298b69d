/** StatefulSets and ControllerRevisions as the API server validates them: Kubernetes' wording,
 * claim templates are checked as claims and count as the template's volumes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes, msg, statefulSetBuilder } from '../helpers/builders.js';
import { suffix } from '../controlplane/fixtures.js';

const errs = (kind: string, o: KubeObject): string[] => causes(validateObject(kind, o));

describe('stateful sets', () => {
  const name = `db-${suffix()}`;
  const cases: { name: string; sts: KubeObject; want: string[] }[] = [
    { name: 'defaulted: valid', sts: statefulSetBuilder(name).defaulted(), want: [] },
    { name: 'Parallel with a partition', sts: statefulSetBuilder(name).set('spec.podManagementPolicy', 'Parallel').set('spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 2, maxUnavailable: '50%' } }).defaulted(), want: [] },
    { name: 'an empty claim list', sts: statefulSetBuilder(name).set('spec.volumeClaimTemplates', []).defaulted(), want: [] },
    {
      name: 'a claim template without access modes or size',
      sts: statefulSetBuilder(name).set('spec.volumeClaimTemplates', [{ metadata: { name: 'data' } }]).defaulted(),
      want: [
        'spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required',
        'spec.volumeClaimTemplates[0].spec.resources[storage]: Required value',
      ],
    },
    {
      name: 'a claim template mounted by the pods',
      sts: statefulSetBuilder(name).set('spec.volumeClaimTemplates', [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } } }])
        .set('spec.template.spec.containers.0.volumeMounts', [{ name: 'data', mountPath: '/data' }]).defaulted(),
      want: [],
    },
    {
      name: 'a claim template without a name',
      sts: statefulSetBuilder(name).set('spec.volumeClaimTemplates', [{ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } } }]).defaulted(),
      want: ['spec.volumeClaimTemplates[0].metadata.name: Required value: name or generateName is required'],
    },
    {
      name: 'a selector that misses the template',
      sts: statefulSetBuilder(name).set('spec.selector', { matchLabels: { app: 'other' } }).defaulted(),
      want: [`spec.template.metadata.labels: Invalid value: map[string]string{"app":"${name}"}: ${msg.selectorMismatch}`],
    },
    { name: 'an unknown policy', sts: statefulSetBuilder(name).set('spec.podManagementPolicy', 'Random').defaulted(), want: ['spec.podManagementPolicy: Invalid value: "Random": must be \'OrderedReady\' or \'Parallel\''] },
    { name: 'an unknown strategy', sts: statefulSetBuilder(name).set('spec.updateStrategy', { type: 'Sometimes' }).defaulted(), want: ['spec.updateStrategy.type: Unsupported value: "Sometimes": supported values: "OnDelete", "RollingUpdate"'] },
    {
      name: 'OnDelete with rolling parameters',
      sts: statefulSetBuilder(name).set('spec.updateStrategy', { type: 'OnDelete', rollingUpdate: { partition: 1 } }).defaulted(),
      want: ['spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\''],
    },
    { name: 'a negative partition', sts: statefulSetBuilder(name).set('spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: -1 } }).defaulted(), want: ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'maxUnavailable 0', sts: statefulSetBuilder(name).set('spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } }).defaulted(), want: ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0'] },
    { name: 'a service name with dots', sts: statefulSetBuilder(name).set('spec.serviceName', 'a.b').defaulted(), want: ['spec.serviceName: Invalid value: "a.b": must not contain dots'] },
    { name: 'pods that do not restart Always', sts: statefulSetBuilder(name).restartPolicy('OnFailure').defaulted(), want: ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(errs('StatefulSet', c.sts), c.want));

  test('updates: replicas, template and strategy may change; the service name may not', () => {
    const old = statefulSetBuilder(name).defaulted();
    const ok = statefulSetBuilder(name).replicas(5).set('spec.updateStrategy', { type: 'OnDelete' }).defaulted();
    assert.deepEqual(causes(validateObjectUpdate('StatefulSet', ok, old)), []);
    const moved = statefulSetBuilder(name).set('spec.serviceName', 'elsewhere').defaulted();
    assert.deepEqual(causes(validateObjectUpdate('StatefulSet', moved, old)), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('controller revisions', () => {
  const rev = (data: unknown, revision: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: `r-${suffix()}`, namespace: 'default' }, data, revision } as KubeObject);
  test('data is mandatory, the revision not negative', () => {
    assert.deepEqual(errs('ControllerRevision', rev({ spec: {} }, 3)), []);
    assert.deepEqual(errs('ControllerRevision', rev(undefined, -1)), ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
  });
  test('the data is immutable, the revision number is not', () => {
    const old = rev({ spec: { a: 1 } }, 1);
    assert.deepEqual(causes(validateObjectUpdate('ControllerRevision', { ...old, revision: 4 } as KubeObject, old)), []);
    assert.deepEqual(causes(validateObjectUpdate('ControllerRevision', { ...old, data: { spec: { a: 2 } } } as KubeObject, old)), ['data: Invalid value: {"spec":{"a":2}}: field is immutable']);
  });
});
