/** Discovery in every form kubectl negotiates, and --runtime-config switching resources. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { compileRuntimeConfig, RuntimeConfigError } from '../../src/apiserver/index.js';

describe('discovery', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.stop();
  });

  const accepts = [
    { name: 'kubectl 1.30+', accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', type: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' },
    { name: 'kubectl 1.27-1.29', accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', type: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' },
    { name: 'plain', accept: 'application/json, */*', type: 'application/json' },
  ];
  for (const c of accepts) {
    test(`/apis negotiates the ${c.name} form`, async () => {
      const r = await s.request('GET', '/apis', { headers: { Accept: c.accept } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], c.type);
      if (c.type === 'application/json') {
        assert.equal(r.json.kind, 'APIGroupList');
        assert.ok(r.json.groups.some((g: { name: string }) => g.name === 'apps'));
      } else {
        assert.equal(r.json.kind, 'APIGroupDiscoveryList');
        const apps = r.json.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
        const ds = apps.versions[0].resources.find((x: { resource: string }) => x.resource === 'daemonsets');
        assert.deepEqual(ds.shortNames, ['ds']);
        assert.ok(ds.subresources.some((x: { subresource: string }) => x.subresource === 'status'));
      }
    });
  }

  test('/api/v1 lists resources with subresources, scale in autoscaling/v1', async () => {
    const r = await s.request('GET', '/api/v1');
    const byName = new Map<string, { kind: string; group?: string; version?: string; shortNames?: string[] }>(r.json.resources.map((x: { name: string }) => [x.name, x]));
    assert.equal(byName.get('pods')?.kind, 'Pod');
    assert.deepEqual(byName.get('replicationcontrollers')?.shortNames, ['rc']);
    const scale = byName.get('replicationcontrollers/scale');
    assert.deepEqual([scale?.group, scale?.version, scale?.kind], ['autoscaling', 'v1', 'Scale']);
    assert.ok(byName.has('pods/log') && byName.has('pods/binding') && byName.has('pods/status'));
  });

  test('/api/v1 lists the connect subresources and pods/ephemeralcontainers with kube-apiserver\'s kinds and verbs', async () => {
    const r = await s.request('GET', '/api/v1');
    const byName = new Map<string, { kind: string; verbs: string[] }>(r.json.resources.map((x: { name: string }) => [x.name, x]));
    const want: [string, string, string[]][] = [
      ['pods/exec', 'PodExecOptions', ['create', 'get']], ['pods/attach', 'PodAttachOptions', ['create', 'get']],
      ['pods/portforward', 'PodPortForwardOptions', ['create', 'get']], ['pods/ephemeralcontainers', 'Pod', ['get', 'patch', 'update']],
      ['pods/proxy', 'PodProxyOptions', ['create', 'delete', 'get', 'patch', 'update']],
      ['services/proxy', 'ServiceProxyOptions', ['create', 'delete', 'get', 'patch', 'update']],
      ['nodes/proxy', 'NodeProxyOptions', ['create', 'delete', 'get', 'patch', 'update']],
    ];
    for (const [name, kind, verbs] of want) assert.deepEqual([byName.get(name)?.kind, byName.get(name)?.verbs], [kind, verbs], name);
    const pods = r.json.resources.map((x: { name: string }) => x.name).filter((n: string) => n.startsWith('pods/'));
    assert.deepEqual(pods, [...pods].sort(), 'sorted by name, as kube-apiserver lists them');
    const agg = await s.request('GET', '/api', { headers: { Accept: accepts[0]!.accept } });
    const pod = agg.json.items[0].versions[0].resources.find((x: { resource: string }) => x.resource === 'pods');
    assert.ok(['exec', 'attach', 'portforward', 'proxy', 'ephemeralcontainers'].every((n) => pod.subresources.some((x: { subresource: string }) => x.subresource === n)));
  });

  test('extensions/v1beta1 serves jobs but not daemonsets by default', async () => {
    const r = await s.request('GET', '/apis/extensions/v1beta1');
    const names = r.json.resources.map((x: { name: string }) => x.name);
    assert.ok(names.includes('jobs'));
    assert.ok(!names.includes('daemonsets'));
    const post = await s.request('POST', '/apis/extensions/v1beta1/namespaces/default/daemonsets', { body: { apiVersion: 'extensions/v1beta1', kind: 'DaemonSet', metadata: { name: 'x' } } });
    assert.equal(post.status, 404);
    assert.equal(post.json.message, 'the server could not find the requested resource');
  });

  test('--runtime-config switches single resources and group versions', () => {
    const cases: { name: string; flag: string; has: string[]; lacks: string[] }[] = [
      { name: 'default', flag: '', has: ['extensions/v1beta1/jobs', 'apps/v1/daemonsets'], lacks: ['extensions/v1beta1/daemonsets'] },
      { name: 'daemonsets on', flag: 'extensions/v1beta1/daemonsets=true', has: ['extensions/v1beta1/daemonsets', 'extensions/v1beta1/jobs'], lacks: ['extensions/v1beta1/deployments'] },
      { name: 'group off', flag: 'extensions/v1beta1=false', has: ['batch/v1/jobs'], lacks: ['extensions/v1beta1/jobs'] },
      { name: 'group off, one back on', flag: 'extensions/v1beta1=false,extensions/v1beta1/daemonsets', has: ['extensions/v1beta1/daemonsets'], lacks: ['extensions/v1beta1/jobs'] },
    ];
    for (const c of cases) {
      const cfg = compileRuntimeConfig(c.flag);
      const has = (k: string) => {
        const [g, v, r] = k.split('/');
        return cfg.find(g!, v!, r!) !== undefined;
      };
      for (const k of c.has) assert.ok(has(k), `${c.name}: ${k}`);
      for (const k of c.lacks) assert.ok(!has(k), `${c.name}: ${k}`);
    }
    assert.throws(() => compileRuntimeConfig('extensions/v1beta1/widgets=true'), RuntimeConfigError);
    assert.throws(() => compileRuntimeConfig('extensions/v1beta1=maybe'), RuntimeConfigError);
  });

  test('/openapi/v3 lists every served group-version', async () => {
    const r = await s.request('GET', '/openapi/v3');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.paths['api/v1'], { serverRelativeURL: '/openapi/v3/api/v1' });
    assert.ok(r.json.paths['apis/apps/v1']);
    const doc = await s.request('GET', '/openapi/v3/apis/apps/v1');
    assert.equal(doc.status, 200);
  });
});
