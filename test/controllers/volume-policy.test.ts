/** The volume decisions, table-driven: which volume a claim binds to, the local-path volume made
 * for a claim, a stateful set's claims and their retention owners, and the scheduler's
 * VolumeBinding verdicts for a pod's claims. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StatefulSet, StorageClass } from '../../src/api/kinds.js';
import { findVolume, provisionedVolume } from '../../src/controllers/volume/index.js';
import { claimsFor, desiredOwners, ownersAfter, withClaimVolumes } from '../../src/controllers/statefulset/claims.js';
import { volumeBinding, reasonReadWriteOncePod, reasonUnboundImmediate, reasonVolumeNodeAffinity } from '../../src/scheduler/plugins/index.js';
import { CycleState, type ClusterView } from '../../src/scheduler/framework.js';
import { info, pod as schedPod, schedNode } from '../scheduler/helpers.js';
import { nodeInfo } from '../scheduler/helpers.js';
import { podBuilder } from '../helpers/builders.js';
import { suffix } from '../controlplane/fixtures.js';

const hostAffinity = (node: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } });

function pv(name: string, size: string, opts: Partial<PersistentVolume['spec']> & { labels?: Record<string, string>; phase?: string } = {}): PersistentVolume {
  const { labels, phase, ...spec } = opts;
  return {
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: '', hostPath: { path: `/srv/${name}` }, ...spec },
    status: { phase: phase ?? 'Available' },
  };
}

function pvc(name: string, size: string, spec: Partial<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim {
  return {
    metadata: { name, namespace: 'default', uid: `${name}-uid`, resourceVersion: '7' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: '', ...spec },
  };
}

const node = (name: string): Node => schedNode(name).labels({ 'kubernetes.io/hostname': name }).build();

describe('findVolume', () => {
  const claim = pvc(`data-${suffix()}`, '1Gi');
  const cases: { name: string; volumes: PersistentVolume[]; claim?: PersistentVolumeClaim; node?: Node; want: string | undefined }[] = [
    { name: 'the smallest that fits', volumes: [pv('big', '10Gi'), pv('small', '2Gi'), pv('tiny', '512Mi')], want: 'small' },
    { name: 'none large enough', volumes: [pv('tiny', '512Mi')], want: undefined },
    { name: 'another class', volumes: [pv('fast', '1Gi', { storageClassName: 'fast' })], want: undefined },
    { name: 'a missing access mode', volumes: [pv('ro', '1Gi', { accessModes: ['ReadOnlyMany'] })], want: undefined },
    { name: 'bound elsewhere', volumes: [pv('taken', '1Gi', { claimRef: { namespace: 'default', name: 'other', uid: 'x' }, phase: 'Bound' })], want: undefined },
    { name: 'reserved for this claim beats a smaller one', volumes: [pv('free', '1Gi'), pv('mine', '5Gi', { claimRef: { namespace: 'default', name: claim.metadata.name ?? '' } })], want: 'mine' },
    { name: 'Released volumes are not reused', volumes: [pv('old', '1Gi', { phase: 'Released' })], want: undefined },
    { name: 'the selector', volumes: [pv('a', '1Gi', { labels: { tier: 'a' } }), pv('b', '1Gi', { labels: { tier: 'b' } })], claim: pvc(claim.metadata.name ?? '', '1Gi', { selector: { matchLabels: { tier: 'b' } } }), want: 'b' },
    { name: 'unreachable from the selected node', volumes: [pv('far', '1Gi', { nodeAffinity: hostAffinity('n2') })], node: node('n1'), want: undefined },
    { name: 'reachable from the selected node', volumes: [pv('near', '1Gi', { nodeAffinity: hostAffinity('n1') })], node: node('n1'), want: 'near' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(findVolume(c.volumes, c.claim ?? claim, c.node)?.metadata.name, c.want));
});

test('provisionedVolume: a local volume on the node, reserved for the claim, with the class\'s policy', () => {
  const claim = pvc(`web-${suffix()}`, '64Mi', { storageClassName: 'local-path' });
  const cls: StorageClass = { metadata: { name: 'local-path' }, provisioner: 'skiff.io/local-path', reclaimPolicy: 'Retain' };
  const v = provisionedVolume(claim, cls, 'n7', '/data/nodes/n7/volumes/');
  assert.equal(v.metadata.name, `pvc-${claim.metadata.uid ?? ''}`);
  assert.deepEqual(v.spec.local, { path: `/data/nodes/n7/volumes/pvc-${claim.metadata.uid ?? ''}` });
  assert.deepEqual(v.spec.nodeAffinity, hostAffinity('n7'));
  assert.equal(v.spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.deepEqual(v.spec.capacity, { storage: '64Mi' });
  assert.equal(v.spec.claimRef?.uid, claim.metadata.uid);
  assert.equal(v.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'skiff.io/local-path');
});

describe('stateful set claims', () => {
  const name = `db-${suffix()}`;
  const set = (retention?: { whenDeleted: string; whenScaled: string }): StatefulSet => ({
    metadata: { name, namespace: 'ns1', uid: `${name}-uid` },
    spec: {
      replicas: 2, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [], volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', emptyDir: {} }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data', labels: { kind: 'db' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...(retention ? { persistentVolumeClaimRetentionPolicy: retention } : {}),
    },
  });

  test('named TEMPLATE-SET-ORDINAL, with the template\'s and the selector\'s labels', () => {
    const [c] = claimsFor(set(), 3);
    assert.equal(c?.metadata.name, `data-${name}-3`);
    assert.equal(c?.metadata.namespace, 'ns1');
    assert.deepEqual(c?.metadata.labels, { kind: 'db', app: name });
  });

  test('the pod mounts its claim in place of a template volume of the same name', () => {
    const t = withClaimVolumes(set().spec.template, set(), 1);
    assert.deepEqual(t.spec.volumes, [{ name: 'cfg', emptyDir: {} }, { name: 'data', persistentVolumeClaim: { claimName: `data-${name}-1` } }]);
  });

  const p: Pod = { metadata: { name: `${name}-1`, uid: 'pod-uid' }, spec: { containers: [] } };
  const cases: { name: string; retention?: { whenDeleted: string; whenScaled: string }; condemned: boolean; want: string[] }[] = [
    { name: 'Retain/Retain: no owner', condemned: true, want: [] },
    { name: 'whenDeleted Delete: the set', retention: { whenDeleted: 'Delete', whenScaled: 'Retain' }, condemned: false, want: ['StatefulSet'] },
    { name: 'whenScaled Delete, in range: none', retention: { whenDeleted: 'Retain', whenScaled: 'Delete' }, condemned: false, want: [] },
    { name: 'whenScaled Delete, condemned: the pod', retention: { whenDeleted: 'Retain', whenScaled: 'Delete' }, condemned: true, want: ['Pod'] },
    { name: 'both Delete, condemned: the set and the pod', retention: { whenDeleted: 'Delete', whenScaled: 'Delete' }, condemned: true, want: ['StatefulSet', 'Pod'] },
  ];
  for (const c of cases) test(`owners: ${c.name}`, () => assert.deepEqual(desiredOwners(set(c.retention), p, c.condemned).map((r) => r.kind), c.want));

  test('owner updates keep foreign owners and are skipped when nothing changes', () => {
    const s = set({ whenDeleted: 'Delete', whenScaled: 'Retain' });
    const foreign = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'cm' };
    const claim = { ...claimsFor(s, 0)[0]!, metadata: { ...claimsFor(s, 0)[0]!.metadata, ownerReferences: [foreign] } };
    const next = ownersAfter(claim, s, desiredOwners(s, undefined, false));
    assert.deepEqual(next?.map((r) => r.uid), ['cm', `${name}-uid`]);
    assert.equal(ownersAfter({ ...claim, metadata: { ...claim.metadata, ownerReferences: next } }, s, desiredOwners(s, undefined, false)), undefined);
  });
});

describe('VolumeBinding', () => {
  const claims = new Map<string, PersistentVolumeClaim>();
  const volumes = new Map<string, PersistentVolume>();
  const classes = new Map<string, StorageClass>([
    ['local-path', { metadata: { name: 'local-path' }, provisioner: 'skiff.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' }],
    ['fast', { metadata: { name: 'fast' }, provisioner: 'example.com/fast', volumeBindingMode: 'Immediate' }],
  ]);
  const users = new Map<string, Pod[]>();
  const view = {
    storage: {
      claim: (ns: string, n: string) => claims.get(`${ns}/${n}`), volume: (n: string) => volumes.get(n), storageClass: (n: string) => classes.get(n),
      claimUsers: (ns: string, n: string) => users.get(`${ns}/${n}`) ?? [],
    },
  } as unknown as ClusterView;
  const add = (c: PersistentVolumeClaim) => claims.set(`default/${c.metadata.name ?? ''}`, c);
  add(pvc('waits', '1Gi', { storageClassName: 'local-path' }));
  add(pvc('immediate', '1Gi', { storageClassName: 'fast' }));
  add(pvc('bound', '1Gi', { storageClassName: 'local-path', volumeName: 'pv-n1' }));
  add(pvc('noclass', '1Gi', { storageClassName: 'gone' }));
  volumes.set('pv-n1', pv('pv-n1', '1Gi', { nodeAffinity: hostAffinity('n1'), phase: 'Bound' }));
  add(pvc('single', '1Gi', { storageClassName: 'local-path', accessModes: ['ReadWriteOncePod'] }));
  add(pvc('single-free', '1Gi', { storageClassName: 'local-path', accessModes: ['ReadWriteOncePod'] }));
  users.set('default/single', [{ metadata: { name: 'holder', uid: 'holder-uid' }, spec: { containers: [], nodeName: 'n1' } }]);

  const verdict = (claim: string, nodeName: string) => {
    const p = schedPod(podBuilder(`p-${suffix()}`).set('spec.volumes', [{ name: 'd', persistentVolumeClaim: { claimName: claim } }]));
    const cycle = new CycleState();
    const pi = info(p);
    assert.equal(volumeBinding.preFilter!(pi, view, cycle), true);
    return volumeBinding.filter(pi, nodeInfo(node(nodeName)), cycle);
  };
  const cases: { name: string; claim: string; node: string; want: string | undefined }[] = [
    { name: 'WaitForFirstConsumer fits anywhere', claim: 'waits', node: 'n2', want: undefined },
    { name: 'an unbound Immediate claim fits nowhere', claim: 'immediate', node: 'n1', want: reasonUnboundImmediate },
    { name: 'a bound volume keeps the pod on its node', claim: 'bound', node: 'n1', want: undefined },
    { name: 'a bound volume of another node', claim: 'bound', node: 'n2', want: reasonVolumeNodeAffinity },
    { name: 'a missing claim', claim: 'nope', node: 'n1', want: 'persistentvolumeclaim "nope" not found' },
    { name: 'a missing class', claim: 'noclass', node: 'n1', want: 'storageclass.storage.k8s.io "gone" not found' },
    { name: 'a ReadWriteOncePod claim another pod mounts', claim: 'single', node: 'n2', want: reasonReadWriteOncePod },
    { name: 'a ReadWriteOncePod claim nobody mounts', claim: 'single-free', node: 'n2', want: undefined },
  ];
  for (const c of cases) test(c.name, () => assert.equal(verdict(c.claim, c.node), c.want));
});
