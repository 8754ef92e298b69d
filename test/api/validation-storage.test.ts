/** PersistentVolumes, PersistentVolumeClaims and StorageClasses as the API server validates them,
 * in Kubernetes' words; what skiff cannot mount is refused, never stored and ignored. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from '../../src/api/defaults/index.js';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes } from '../helpers/builders.js';
import { suffix } from '../controlplane/fixtures.js';

type Obj = Record<string, unknown>;

function defaulted(kind: string, o: KubeObject): KubeObject {
  applyDefaults(kind, o);
  return o;
}

const pv = (name: string, spec: Obj): KubeObject => defaulted('PersistentVolume', { metadata: { name }, spec });
const pvc = (name: string, spec: Obj): KubeObject => defaulted('PersistentVolumeClaim', { metadata: { name, namespace: 'default' }, spec });
const sc = (name: string, fields: Obj): KubeObject => defaulted('StorageClass', { metadata: { name }, ...fields });

const errs = (kind: string, o: KubeObject): string[] => causes(validateObject(kind, o));

describe('persistent volumes', () => {
  const name = `pv-${suffix()}`;
  const good = { capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/data' } };
  const cases: { name: string; spec: Obj; want: string[] }[] = [
    { name: 'a hostPath volume', spec: good, want: [] },
    {
      name: 'a local volume with node affinity',
      spec: { ...good, hostPath: undefined, local: { path: '/srv/x' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } } },
      want: [],
    },
    { name: 'a local volume without node affinity', spec: { ...good, hostPath: undefined, local: { path: '/srv/x' } }, want: ['spec.nodeAffinity: Required value: Local volume requires node affinity'] },
    { name: 'no access modes', spec: { ...good, accessModes: [] }, want: ['spec.accessModes: Required value: must specify at least 1 access mode'] },
    {
      name: 'an unknown access mode',
      spec: { ...good, accessModes: ['ReadWriteSometimes'] },
      want: ['spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
    },
    { name: 'ReadWriteOncePod with another mode', spec: { ...good, accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] }, want: ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes'] },
    { name: 'no capacity', spec: { ...good, capacity: undefined }, want: ['spec.capacity: Required value'] },
    { name: 'no source', spec: { ...good, hostPath: undefined }, want: ['spec: Required value: must specify a volume type'] },
    { name: 'a negative size', spec: { ...good, capacity: { storage: '-1Gi' } }, want: ['spec.capacity.storage: Invalid value: "-1Gi": must be greater than zero'] },
    { name: 'a bad class name', spec: { ...good, storageClassName: 'Fast_Disks' }, want: [`spec.storageClassName: Invalid value: "Fast_Disks": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`] },
    { name: 'an unknown reclaim policy', spec: { ...good, persistentVolumeReclaimPolicy: 'Shred' }, want: ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Shred": supported values: "Delete", "Recycle", "Retain"'] },
    { name: 'a block volume', spec: { ...good, volumeMode: 'Block' }, want: ['spec.volumeMode: Forbidden: raw block volumes are not served by skiff; use Filesystem'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(errs('PersistentVolume', pv(name, { ...c.spec })), c.want));

  test('defaults: Retain, Filesystem', () => {
    const o = pv(name, { ...good });
    assert.equal(o.spec?.['persistentVolumeReclaimPolicy'], 'Retain');
    assert.equal(o.spec?.['volumeMode'], 'Filesystem');
  });

  test('the source is immutable', () => {
    const old = pv(name, { ...good });
    const next = pv(name, { ...good, hostPath: { path: '/elsewhere' } });
    assert.deepEqual(causes(validateObjectUpdate('PersistentVolume', next, old)), ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation']);
  });
});

describe('persistent volume claims', () => {
  const name = `data-${suffix()}`;
  const good = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
  const cases: { name: string; spec: Obj; want: string[] }[] = [
    { name: 'a claim', spec: good, want: [] },
    { name: 'no access modes', spec: { ...good, accessModes: undefined }, want: ['spec.accessModes: Required value: at least 1 access mode is required'] },
    { name: 'no size', spec: { ...good, resources: {} }, want: ['spec.resources[storage]: Required value'] },
    { name: 'a zero size', spec: { ...good, resources: { requests: { storage: '0' } } }, want: ['spec.resources[storage]: Invalid value: "0": must be greater than zero'] },
    { name: 'an unknown volume mode', spec: { ...good, volumeMode: 'Tape' }, want: ['spec.volumeMode: Unsupported value: "Tape": supported values: "Block", "Filesystem"'] },
    { name: 'a snapshot source', spec: { ...good, dataSource: { kind: 'VolumeSnapshot', name: 's' } }, want: ['spec.dataSource: Forbidden: volume populators and snapshots are not served by skiff'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(errs('PersistentVolumeClaim', pvc(name, { ...c.spec })), c.want));

  const immutable = 'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
  const updates: { name: string; from: Obj; to: Obj; want: string[] }[] = [
    { name: 'binding sets volumeName once', from: good, to: { ...good, volumeName: 'pv-1' }, want: [] },
    { name: 'the volume may not change', from: { ...good, volumeName: 'pv-1' }, to: { ...good, volumeName: 'pv-2' }, want: [immutable] },
    { name: 'access modes may not change', from: good, to: { ...good, accessModes: ['ReadWriteMany'] }, want: [immutable] },
    { name: 'the request may grow', from: good, to: { ...good, resources: { requests: { storage: '2Gi' } } }, want: [] },
    { name: 'the request may not shrink', from: good, to: { ...good, resources: { requests: { storage: '512Mi' } } }, want: ['spec.resources.requests.storage: Forbidden: field can not be less than previous value'] },
  ];
  for (const u of updates) {
    test(`update: ${u.name}`, () => {
      assert.deepEqual(causes(validateObjectUpdate('PersistentVolumeClaim', pvc(name, structuredClone(u.to)), pvc(name, structuredClone(u.from)))), u.want);
    });
  }
});

describe('storage classes', () => {
  const name = `fast-${suffix()}`;
  test('defaults: Delete, Immediate', () => {
    const o = sc(name, { provisioner: 'example.com/disk' });
    assert.equal(o['reclaimPolicy'], 'Delete');
    assert.equal(o['volumeBindingMode'], 'Immediate');
    assert.deepEqual(errs('StorageClass', o), []);
  });
  test('no provisioner', () => assert.deepEqual(errs('StorageClass', sc(name, {})), ['provisioner: Required value']));
  test('an unknown binding mode', () => assert.deepEqual(errs('StorageClass', sc(name, { provisioner: 'p', volumeBindingMode: 'Eventually' })),
    ['volumeBindingMode: Unsupported value: "Eventually": supported values: "Immediate", "WaitForFirstConsumer"']));
  test('Recycle is not a class policy', () => assert.deepEqual(errs('StorageClass', sc(name, { provisioner: 'p', reclaimPolicy: 'Recycle' })),
    ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']));
  test('the provisioner and parameters are fixed', () => {
    const old = sc(name, { provisioner: 'p', parameters: { a: '1' } });
    const next = sc(name, { provisioner: 'q', parameters: { a: '2' }, allowVolumeExpansion: true });
    assert.deepEqual(causes(validateObjectUpdate('StorageClass', next, old)), ['parameters: Forbidden: updates to parameters are forbidden.', 'provisioner: Forbidden: updates to provisioner are forbidden.']);
  });
});
