/**
 * Every manifest the two seed documents print (test/fixtures/seeds/, copied as printed), through
 * the server's pipeline: legacy conversion, defaulting, the generated job selector, validation —
 * and back to the legacy version.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { extensionsConverters } from '../../src/api/conversion/index.js';
import { applyDefaults, prepareJobSelector } from '../../src/api/defaults/index.js';
import type { DaemonSet, Job, Pod, ReplicationController, Service } from '../../src/api/kinds.js';
import { fromLabelSelector, fromMap } from '../../src/api/labels.js';
import { unknownFields } from '../../src/api/schema/index.js';
import { parseApiVersion, type KubeObject } from '../../src/api/types.js';
import { validateObject } from '../../src/api/validation/index.js';
import { fixture } from '../helpers/paths.js';
import { causes } from '../helpers/builders.js';

function load(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(fixture('seeds', file), 'utf8')).map((d) => d.toJS() as KubeObject).filter((o) => o !== null);
}

/** What the API server does with a created object: the stored form, defaulted, with identity. */
function store(obj: KubeObject, uid = 'seed-uid-1'): KubeObject {
  const kind = String(obj.kind);
  const converter = obj.apiVersion === 'extensions/v1beta1' ? extensionsConverters[kind] : undefined;
  const stored = converter ? converter.toStorage(obj) : structuredClone(obj);
  applyDefaults(kind, stored);
  stored.metadata.namespace ??= 'default';
  stored.metadata.uid = uid;
  if (kind === 'Job') prepareJobSelector(stored as Job);
  return stored;
}

const seedFiles = readdirSync(fixture('seeds')).filter((f) => f.endsWith('.yaml')).sort();

describe('every seed manifest is accepted', () => {
  test('all eleven manifests are there', () => {
    assert.deepEqual(seedFiles, [
      'daemonset-free-nodeselector.yaml', 'daemonset-free.yaml', 'dameonset-nodeselector.yaml', 'dameonset.yaml',
      'job-dpkg-completions.yaml', 'job-dpkg-lz.yaml', 'job-dpkg.yaml', 'nginx-rc-podtoservcie.yaml', 'nginx-rc-svc.yaml',
      'nginx-rc.yaml', 'nginxpod.yaml',
    ]);
  });
  for (const file of seedFiles) {
    test(file, () => {
      for (const doc of load(file)) {
        const { group, version } = parseApiVersion(String(doc.apiVersion));
        assert.deepEqual(unknownFields(group, version, String(doc.kind), doc), [], 'the manifest passes strict field validation');
        const stored = store(doc);
        assert.deepEqual(causes(validateObject(String(doc.kind), stored)), [], `${file}: ${String(doc.kind)} is valid`);
        const st = parseApiVersion(String(stored.apiVersion));
        assert.deepEqual(unknownFields(st.group, st.version, String(stored.kind), stored), [], 'the stored form has only known fields');
      }
    });
  }
});

describe('000 (German): jobs and daemon sets', () => {
  test('job-dpkg.yaml: the given selector is kept, manual', () => {
    const [doc] = load('job-dpkg.yaml');
    const job = store(doc!) as Job;
    assert.equal(job.apiVersion, 'batch/v1');
    assert.deepEqual(job.spec.selector, { matchLabels: { image: 'ubuntu', test: 'dpkg' } });
    assert.equal(job.spec.manualSelector, true);
    assert.equal(fromLabelSelector(job.spec.selector).toString(), 'image=ubuntu,test=dpkg');
    assert.deepEqual(job.metadata.labels, { image: 'ubuntu', test: 'dpkg', owner: 'Amy' });
    assert.deepEqual(job.spec.template.metadata?.labels, { image: 'ubuntu', test: 'dpkg', owner: 'Amy' });
    assert.equal(job.spec.parallelism, 1);
    assert.equal(job.spec.completions, 1);
    assert.deepEqual(job.spec.template.spec.containers[0]!.command, ['dpkg-query', '-l']);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  });
  test('job-dpkg-completions.yaml: no selector, so the template labels are copied', () => {
    const [doc] = load('job-dpkg-completions.yaml');
    const job = store(doc!) as Job;
    assert.deepEqual(job.spec.selector, { matchLabels: { image: 'ubuntu', test: 'dpkg', owner: 'Amy' } });
    assert.equal(job.spec.manualSelector, true);
    assert.equal(fromLabelSelector(job.spec.selector).toString(), 'image=ubuntu,owner=Amy,test=dpkg');
    // As the seed's describe shows: "Parallelism: 3, Completions: 3".
    assert.equal(job.spec.completions, 3);
    assert.equal(job.spec.parallelism, 3);
    assert.equal(job.spec.template.metadata?.name, 'package-check-amy');
  });
  test('daemonset-free.yaml: the plain-map selector becomes matchLabels; OnDelete', () => {
    const [doc] = load('daemonset-free.yaml');
    assert.deepEqual(doc!.spec!['selector'], { app: 'checkRam', version: 'v1' });
    const ds = store(doc!) as DaemonSet;
    assert.equal(ds.apiVersion, 'apps/v1');
    assert.deepEqual(ds.spec.selector, { matchLabels: { app: 'checkRam', version: 'v1' } });
    assert.equal(fromLabelSelector(ds.spec.selector).toString(), 'app=checkRam,version=v1');
    assert.deepEqual(ds.spec.updateStrategy, { type: 'OnDelete' });
    assert.deepEqual(ds.metadata.labels, { app: 'checkRam', owner: 'Amy', version: 'v1' });
    assert.equal(ds.spec.template.spec.restartPolicy, 'Always');
    assert.equal(ds.spec.revisionHistoryLimit, 10);
  });
  test('daemonset-free-nodeselector.yaml: runDS=ok stays a string', () => {
    const ds = store(load('daemonset-free-nodeselector.yaml')[0]!) as DaemonSet;
    assert.deepEqual(ds.spec.template.spec.nodeSelector, { runDS: 'ok' });
    assert.equal(fromLabelSelector(ds.spec.selector).matches({ app: 'checkRam', owner: 'Amy', version: 'v1' }), true);
  });
});

describe('001 (Chinese): RCs, services, pods, jobs, daemon sets', () => {
  test('nginx-rc-svc.yaml: an RC and a NodePort service in one file', () => {
    const [rcDoc, svcDoc] = load('nginx-rc-svc.yaml');
    const rc = store(rcDoc!) as ReplicationController;
    assert.equal(rc.spec.replicas, 4);
    assert.equal(fromMap(rc.spec.selector).toString(), 'hello=world');
    assert.deepEqual(rc.metadata.labels, { hello: 'world' });
    assert.equal(rc.spec.template?.spec.containers[0]!.imagePullPolicy, 'Always');
    const svc = store(svcDoc!) as Service;
    assert.equal(svc.spec.type, 'NodePort');
    assert.deepEqual(svc.spec.ports, [{ protocol: 'TCP', port: 80, nodePort: 30088, targetPort: 80 }]);
    assert.equal(fromMap(svc.spec.selector).toString(), 'hello=world');
    assert.equal(svc.spec.externalTrafficPolicy, 'Cluster');
  });
  test('nginx-rc.yaml: selector app=nginx,project=lambert', () => {
    const rc = store(load('nginx-rc.yaml')[0]!) as ReplicationController;
    assert.equal(fromMap(rc.spec.selector).toString(), 'app=nginx,project=lambert');
    assert.equal(rc.spec.replicas, 3);
    assert.deepEqual(rc.spec.template?.spec.containers[0]!.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  });
  test('nginxpod.yaml: two containers with host ports', () => {
    const pod = store(load('nginxpod.yaml')[0]!) as Pod;
    assert.equal(pod.apiVersion, 'v1');
    assert.deepEqual(pod.spec.containers.map((c) => [c.name, c.ports?.[0]?.hostPort, c.imagePullPolicy]), [
      ['nginx80', 80, 'Always'],
      ['nginx8800', 8800, 'Always'],
    ]);
    assert.equal(pod.spec.restartPolicy, 'Always');
  });
  test('job-dpkg-lz.yaml', () => {
    const job = store(load('job-dpkg-lz.yaml')[0]!) as Job;
    assert.equal(fromLabelSelector(job.spec.selector).toString(), 'image=ubuntu,test=dpkg');
    assert.deepEqual(job.metadata.labels, { image: 'ubuntu', test: 'dpkg', owner: 'lz' });
  });
  test('dameonset.yaml: fluentd with resources, host paths and its own labels', () => {
    const ds = store(load('dameonset.yaml')[0]!) as DaemonSet;
    assert.deepEqual(ds.metadata.labels, { 'k8s-app': 'fluentd-logging' });
    assert.deepEqual(ds.spec.selector, { matchLabels: { name: 'fluentd-elasticsearch' } });
    const c = ds.spec.template.spec.containers[0]!;
    assert.deepEqual(c.resources, { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } });
    assert.equal(c.imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(ds.spec.template.spec.volumes, [
      { name: 'varlog', hostPath: { path: '/var/log', type: '' } },
      { name: 'varlibdockercontainers', hostPath: { path: '/var/lib/docker/containers', type: '' } },
    ]);
    assert.equal(ds.spec.template.spec.terminationGracePeriodSeconds, 30);
  });
  test('dameonset-nodeselector.yaml', () => {
    const ds = store(load('dameonset-nodeselector.yaml')[0]!) as DaemonSet;
    assert.deepEqual(ds.spec.template.spec.nodeSelector, { runds: 'ok' });
    assert.equal(ds.metadata.name, 'fluentd2-elasticsearch');
  });
});

describe('round trip: extensions/v1beta1 → stored → extensions/v1beta1', () => {
  const legacyFiles = seedFiles.filter((f) => load(f).some((d) => d.apiVersion === 'extensions/v1beta1'));
  test('the legacy seeds', () => assert.equal(legacyFiles.length, 7));
  for (const file of legacyFiles) {
    test(file, () => {
      const doc = load(file)[0]!;
      const conv = extensionsConverters[String(doc.kind)]!;
      const stored = store(doc);
      const back = conv.fromStorage(stored);
      assert.equal(back.apiVersion, 'extensions/v1beta1');
      assert.equal(back.kind, doc.kind);
      // What the user wrote is still there (a plain-map selector as matchLabels).
      assert.deepEqual(back.metadata.name, doc.metadata.name);
      assert.deepEqual((back.spec!['template'] as Record<string, unknown>)['metadata'], (stored.spec!['template'] as Record<string, unknown>)['metadata']);
      assert.deepEqual(fromLabelSelector(back.spec!['selector'] as never).toString(), fromLabelSelector(stored.spec!['selector'] as never).toString());
      // The legacy form only has fields the legacy schema knows.
      assert.deepEqual(unknownFields('extensions', 'v1beta1', String(doc.kind), back), []);
      // And it converts back to the same stored object.
      const again = conv.toStorage(back);
      applyDefaults(String(doc.kind), again);
      assert.deepEqual(again, stored);
    });
  }
});
