/** Defaulting per kind, on the stored forms, as Kubernetes' SetDefaults_* do it. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, imageTag, prepareJobSelector } from '../../src/api/defaults/index.js';
import type { Job } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/types.js';
import {
  containerBuilder, daemonSetBuilder, deploymentBuilder, jobBuilder, namespaceBuilder, nodeBuilder, objectBuilder,
  podBuilder, rcBuilder, replicaSetBuilder, serviceBuilder,
} from '../helpers/builders.js';

type Obj = Record<string, unknown>;
const spec = (o: KubeObject): Obj => o.spec as Obj;
const podSpecOf = (o: KubeObject): Obj => ((spec(o)['template'] as Obj)['spec']) as Obj;
const containersOf = (s: Obj): Obj[] => s['containers'] as Obj[];

describe('image pull policy', () => {
  const cases: [string, string, string][] = [
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.13.6', '1.13.6', 'IfNotPresent'],
    ['gcr.io/google-containers/fluentd-elasticsearch:1.20', '1.20', 'IfNotPresent'],
    ['localhost:5000/team/app', 'latest', 'Always'],
    ['localhost:5000/team/app:v2', 'v2', 'IfNotPresent'],
    ['msfuko/nginx_8800', 'latest', 'Always'],
    ['busybox@sha256:abcdef', '', 'IfNotPresent'],
  ];
  for (const [image, tag, policy] of cases) {
    test(`${image} → ${policy}`, () => {
      assert.equal(imageTag(image), tag);
      const pod = podBuilder().containers(containerBuilder('c').image(image)).defaulted();
      assert.equal(containersOf(spec(pod))[0]!['imagePullPolicy'], policy);
    });
  }
  test('an explicit policy is kept', () => {
    const pod = podBuilder().containers(containerBuilder('c').image('nginx').set('imagePullPolicy', 'Never')).defaulted();
    assert.equal(containersOf(spec(pod))[0]!['imagePullPolicy'], 'Never');
  });
});

describe('pods', () => {
  test('PodSpec, Pod and container defaults', () => {
    const pod = podBuilder('nginxpod')
      .containers(containerBuilder('nginx80').image('nginx').port(80, { hostPort: 80 }), containerBuilder('nginx8800').image('msfuko/nginx_8800').port(8800, { hostPort: 8800 }))
      .defaulted();
    const s = spec(pod);
    assert.equal(s['restartPolicy'], 'Always');
    assert.equal(s['dnsPolicy'], 'ClusterFirst');
    assert.equal(s['schedulerName'], 'default-scheduler');
    assert.equal(s['terminationGracePeriodSeconds'], 30);
    assert.deepEqual(s['securityContext'], {});
    assert.equal(s['enableServiceLinks'], true);
    for (const c of containersOf(s)) {
      assert.equal(c['terminationMessagePath'], '/dev/termination-log');
      assert.equal(c['terminationMessagePolicy'], 'File');
      assert.equal((c['ports'] as Obj[])[0]!['protocol'], 'TCP');
    }
  });
  test('what the user set is kept', () => {
    const pod = podBuilder().restartPolicy('Never').podField('terminationGracePeriodSeconds', 0).podField('dnsPolicy', 'Default').defaulted();
    assert.equal(spec(pod)['restartPolicy'], 'Never');
    assert.equal(spec(pod)['terminationGracePeriodSeconds'], 0);
    assert.equal(spec(pod)['dnsPolicy'], 'Default');
  });
  test('requests default to limits, quantities canonical', () => {
    const pod = podBuilder().containers(containerBuilder('c').limits({ cpu: '0.5', memory: '1024Mi' }).requests({ memory: '200Mi' })).defaulted();
    const res = containersOf(spec(pod))[0]!['resources'] as Obj;
    assert.deepEqual(res['limits'], { cpu: '500m', memory: '1Gi' });
    assert.deepEqual(res['requests'], { memory: '200Mi', cpu: '500m' });
  });
  test('quantities round up to milli', () => {
    const pod = podBuilder().containers(containerBuilder('c').requests({ cpu: '0.0001' })).defaulted();
    assert.deepEqual((containersOf(spec(pod))[0]!['resources'] as Obj)['requests'], { cpu: '1m' });
  });
  test('hostNetwork copies container ports to host ports', () => {
    const pod = podBuilder().podField('hostNetwork', true).containers(containerBuilder('c').port(8080)).defaulted();
    assert.equal((containersOf(spec(pod))[0]!['ports'] as Obj[])[0]!['hostPort'], 8080);
  });
  test('probes, volumes and env references', () => {
    const pod = podBuilder()
      .containers(containerBuilder('c').probe('livenessProbe', { httpGet: { port: 80 } }).env('POD', undefined, { fieldRef: { fieldPath: 'metadata.name' } }))
      .volume('scratch', {})
      .volume('conf', { configMap: { name: 'cfg' } })
      .volume('logs', { hostPath: { path: '/var/log' } })
      .defaulted();
    const c = containersOf(spec(pod))[0]!;
    assert.deepEqual(c['livenessProbe'], { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(((c['env'] as Obj[])[0]!['valueFrom'] as Obj)['fieldRef'], { fieldPath: 'metadata.name', apiVersion: 'v1' });
    const vols = spec(pod)['volumes'] as Obj[];
    assert.deepEqual(vols[0], { name: 'scratch', emptyDir: {} });
    assert.deepEqual(vols[1], { name: 'conf', configMap: { name: 'cfg', defaultMode: 420 } });
    assert.deepEqual(vols[2], { name: 'logs', hostPath: { path: '/var/log', type: '' } });
  });
  test('defaulting twice changes nothing', () => {
    const once = podBuilder().containers(containerBuilder('c').limits({ cpu: '2' })).defaulted();
    const twice = structuredClone(once);
    applyDefaults('Pod', twice);
    assert.deepEqual(twice, once);
  });
  test('malformed input is left for validation', () => {
    const pod: KubeObject = { metadata: { name: 'x' }, spec: { containers: 'nope', volumes: [null, 3] } };
    applyDefaults('Pod', pod);
    assert.equal(spec(pod)['containers'], 'nope');
  });
});

describe('grpc probes: service defaults to "" (kubectl 1.32 describe dereferences it)', () => {
  const kinds = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
  const cases: { name: string; grpc: Obj; want: Obj }[] = [
    { name: 'absent service', grpc: { port: 9090 }, want: { port: 9090, service: '' } },
    { name: 'a named service is kept', grpc: { port: 50051, service: 'liveness.v1' }, want: { port: 50051, service: 'liveness.v1' } },
    { name: 'an explicit empty service stays empty', grpc: { port: 7000, service: '' }, want: { port: 7000, service: '' } },
  ];
  for (const kind of kinds) {
    for (const c of cases) {
      test(`${kind}: ${c.name}`, () => {
        const port = 1024 + Math.floor(Math.random() * 60000);
        const grpc = { ...c.grpc, port };
        const pod = podBuilder()
          .containers(containerBuilder('main').probe(kind, { grpc }))
          .initContainer(containerBuilder('init').probe(kind, { grpc }))
          .defaulted();
        const s = spec(pod);
        for (const container of [...containersOf(s), ...(s['initContainers'] as Obj[])]) {
          const probe = container[kind] as Obj;
          assert.deepEqual(probe['grpc'], { ...c.want, port });
          assert.equal(probe['periodSeconds'], 10);
        }
      });
    }
  }
  test('pod templates get it too', () => {
    const rc = rcBuilder('web').noContainers().container(containerBuilder('c').probe('readinessProbe', { grpc: { port: 8080 } })).defaulted();
    assert.deepEqual((containersOf(podSpecOf(rc))[0]!['readinessProbe'] as Obj)['grpc'], { port: 8080, service: '' });
  });
});

describe('pod templates', () => {
  test('templates get PodSpec defaults but not the pod-only ones', () => {
    const rc = rcBuilder('hello-nginx', { hello: 'world' }).container(containerBuilder('my-nginx-container').image('nginx').limits({ cpu: '1' })).defaulted();
    const ps = podSpecOf(rc);
    assert.equal(ps['restartPolicy'], 'Always');
    assert.equal(ps['schedulerName'], 'default-scheduler');
    assert.equal(ps['enableServiceLinks'], undefined);
    const c = containersOf(ps)[1]!;
    assert.equal(c['imagePullPolicy'], 'Always');
    assert.equal((c['resources'] as Obj)['requests'], undefined);
  });
});

describe('replication controllers', () => {
  test('selector and labels from the template, one replica', () => {
    const rc = rcBuilder('podtoservcie', { app: 'nginx' }).selector(undefined).replicas(undefined).defaulted();
    assert.deepEqual(spec(rc)['selector'], { app: 'nginx' });
    assert.deepEqual(rc.metadata.labels, { app: 'nginx' });
    assert.equal(spec(rc)['replicas'], 1);
  });
  test('the selector and labels the user wrote are kept; the maps are not shared', () => {
    const rc = rcBuilder('r', { app: 'nginx', project: 'lambert' }).selector({ app: 'nginx' }).labels({ team: 'x' }).replicas(0).defaulted();
    assert.deepEqual(spec(rc)['selector'], { app: 'nginx' });
    assert.deepEqual(rc.metadata.labels, { team: 'x' });
    assert.equal(spec(rc)['replicas'], 0);
    const rc2 = rcBuilder('r2', { a: 'b' }).selector(undefined).defaulted();
    (spec(rc2)['selector'] as Obj)['a'] = 'changed';
    assert.deepEqual(rc2.metadata.labels, { a: 'b' });
  });
});

describe('services', () => {
  test('ClusterIP defaults', () => {
    const svc = serviceBuilder('podtoservcie').ports({ port: 80 }).defaulted();
    assert.deepEqual(spec(svc), {
      selector: { app: 'podtoservcie' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
  });
  test('NodePort (the seed service) gets externalTrafficPolicy', () => {
    const svc = serviceBuilder('nginx-service').type('NodePort').ports({ protocol: 'TCP', port: 80, nodePort: 30088 }).defaulted();
    assert.equal(spec(svc)['externalTrafficPolicy'], 'Cluster');
    assert.deepEqual(spec(svc)['ports'], [{ protocol: 'TCP', port: 80, nodePort: 30088, targetPort: 80 }]);
  });
  test('LoadBalancer allocates node ports; a named target port is kept', () => {
    const svc = serviceBuilder('lb').type('LoadBalancer').ports({ name: 'web', port: 30188, targetPort: 'http' }).defaulted();
    assert.equal(spec(svc)['allocateLoadBalancerNodePorts'], true);
    assert.equal((spec(svc)['ports'] as Obj[])[0]!['targetPort'], 'http');
  });
  test('ClientIP affinity gets its timeout; a cluster IP is mirrored', () => {
    const svc = serviceBuilder('s').set('spec.sessionAffinity', 'ClientIP').clusterIP('fd00::10').defaulted();
    assert.deepEqual(spec(svc)['sessionAffinityConfig'], { clientIP: { timeoutSeconds: 10800 } });
    assert.deepEqual(spec(svc)['clusterIPs'], ['fd00::10']);
    assert.deepEqual(spec(svc)['ipFamilies'], ['IPv6']);
  });
  test('ExternalName gets no IP family fields', () => {
    const svc = serviceBuilder('ext').type('ExternalName').set('spec.externalName', 'example.com').ports().defaulted();
    assert.equal(spec(svc)['ipFamilyPolicy'], undefined);
    assert.equal(spec(svc)['internalTrafficPolicy'], undefined);
  });
});

describe('apps/v1 and batch/v1', () => {
  test('replica sets', () => {
    const rs = replicaSetBuilder('rs').defaulted();
    assert.equal(spec(rs)['replicas'], 1);
  });
  test('deployments', () => {
    const d = deploymentBuilder('web').defaulted();
    assert.equal(spec(d)['replicas'], 1);
    assert.deepEqual(spec(d)['strategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(spec(d)['revisionHistoryLimit'], 10);
    assert.equal(spec(d)['progressDeadlineSeconds'], 600);
    const r = deploymentBuilder('r').set('spec.strategy', { type: 'Recreate' }).defaulted();
    assert.deepEqual(spec(r)['strategy'], { type: 'Recreate' });
  });
  test('daemon sets', () => {
    const ds = daemonSetBuilder('ram-check').defaulted();
    assert.deepEqual(spec(ds)['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(spec(ds)['revisionHistoryLimit'], 10);
    const od = daemonSetBuilder('od').set('spec.updateStrategy', { type: 'OnDelete' }).defaulted();
    assert.deepEqual(spec(od)['updateStrategy'], { type: 'OnDelete' });
  });
  const jobCases: { name: string; completions?: number; parallelism?: number; want: [unknown, unknown] }[] = [
    { name: 'neither: both 1', want: [1, 1] },
    { name: 'completions only', completions: 3, want: [3, 1] },
    { name: 'parallelism only: a work queue', parallelism: 4, want: [undefined, 4] },
    { name: 'both kept', completions: 5, parallelism: 2, want: [5, 2] },
  ];
  for (const c of jobCases) {
    test(`jobs: ${c.name}`, () => {
      const j = jobBuilder('pi').set('spec.completions', c.completions).set('spec.parallelism', c.parallelism).defaulted();
      assert.deepEqual([spec(j)['completions'], spec(j)['parallelism']], c.want);
      assert.equal(spec(j)['backoffLimit'], 6);
      assert.equal(spec(j)['completionMode'], 'NonIndexed');
      assert.equal(spec(j)['suspend'], false);
      assert.equal(spec(j)['podReplacementPolicy'], 'TerminatingOrFailed');
    });
  }
  test('jobs take their labels from the template', () => {
    const j = jobBuilder('package-check', { image: 'ubuntu', test: 'dpkg', owner: 'Amy' }).defaulted();
    assert.deepEqual(j.metadata.labels, { image: 'ubuntu', test: 'dpkg', owner: 'Amy' });
  });
});

describe('prepareJobSelector', () => {
  test('generates the selector and the template labels from the uid', () => {
    const j = jobBuilder('backup', { task: 'backup' }).uid('0b7e-uid').defaulted() as Job;
    prepareJobSelector(j);
    assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': '0b7e-uid' } });
    assert.deepEqual(j.spec.template.metadata?.labels, {
      task: 'backup',
      'job-name': 'backup',
      'batch.kubernetes.io/job-name': 'backup',
      'controller-uid': '0b7e-uid',
      'batch.kubernetes.io/controller-uid': '0b7e-uid',
    });
    assert.deepEqual(j.metadata.labels, { task: 'backup' });
  });
  test('a manual selector is left alone', () => {
    const j = jobBuilder('m', { a: 'b' }).uid('u').matchLabels({ a: 'b' }).manualSelector(true).defaulted() as Job;
    prepareJobSelector(j);
    assert.deepEqual(j.spec.selector, { matchLabels: { a: 'b' } });
    assert.deepEqual(j.spec.template.metadata?.labels, { a: 'b' });
  });
  test('labels the user already set are not overwritten', () => {
    const j = jobBuilder('n', { 'job-name': 'other' }).uid('u2').defaulted() as Job;
    prepareJobSelector(j);
    assert.equal(j.spec.template.metadata?.labels?.['job-name'], 'other');
  });
});

describe('other kinds', () => {
  test('namespaces', () => {
    const ns = namespaceBuilder('new-namespace').defaulted();
    assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'new-namespace' });
    assert.deepEqual(spec(ns)['finalizers'], ['kubernetes']);
    assert.deepEqual(ns.status, { phase: 'Active' });
  });
  test('nodes: allocatable from capacity', () => {
    const n = nodeBuilder('kube-node1').set('status.capacity', { cpu: '2', memory: '2051644Ki', pods: '110' }).defaulted();
    assert.deepEqual((n.status as Obj)['allocatable'], { cpu: '2', memory: '2051644Ki', pods: '110' });
  });
  test('endpoints: port protocol', () => {
    const ep = objectBuilder('v1', 'Endpoints', 'svc').set('subsets', [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]).defaulted();
    assert.deepEqual((ep['subsets'] as Obj[])[0]!['ports'], [{ port: 80, protocol: 'TCP' }]);
  });
  test('secrets: type Opaque, stringData merged into data', () => {
    const s = objectBuilder('v1', 'Secret', 'creds').set('data', { a: 'eA==' }).set('stringData', { user: 'admin', a: 'y' }).defaulted();
    assert.equal(s['type'], 'Opaque');
    assert.deepEqual(s['data'], { a: 'eQ==', user: 'YWRtaW4=' });
    assert.equal(s['stringData'], undefined);
  });
  test('kinds without defaults are untouched', () => {
    for (const kind of ['ConfigMap', 'Lease', 'Event', 'ServiceAccount']) {
      const o = objectBuilder('v1', kind, 'x').set('data', { k: 'v' }).build();
      const before = structuredClone(o);
      applyDefaults(kind, o);
      assert.deepEqual(o, before);
    }
  });
});
