/** SCENARIOS S1, S3, S5, S10, S11 on `skiff up` with three nodes: the seed's RC and NodePort
 * service answer on every node address, ClusterIP spreads over the ready pods and follows them,
 * `expose` gives NodePort, LoadBalancer and ClusterIP services that answer. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Pod, Service } from '../../src/api/kinds.js';
import { endpoints, pods, services } from '../../src/api/resources.js';
import { startUpCluster, httpGet, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, seed, suffix } from '../controlplane/fixtures.js';
import { whoamiRc } from './fixtures.js';

describe('services on skiff up', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 3 });
  });
  after(async () => {
    await c.stop();
  });
  const client = () => c.cp.client;

  const readyEndpoints = (svc: string, n: number) =>
    waitFor(`${n} ready endpoints of ${svc}`, async () => {
      const ep = await client().get<Endpoints>(endpoints, 'default', svc);
      const addrs = (ep.subsets ?? []).flatMap((s) => s.addresses ?? []);
      return addrs.length === n ? addrs : undefined;
    }, 30_000);

  /** Asks `url` `times` times; returns how often each pod answered. */
  async function spread(url: string, times: number): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    for (let i = 0; i < times; i++) {
      const { status, body } = await httpGet(url);
      assert.equal(status, 200);
      seen.set(body.trim(), (seen.get(body.trim()) ?? 0) + 1);
    }
    return seen;
  }

  test('S1/S3: the seed RC and NodePort service: nginx answers on every node address', async () => {
    const out = await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginx-rc-svc.yaml') });
    assert.match(out, /replicationcontroller\/hello-nginx created/);
    assert.match(out, /service\/nginx-service created/);
    await readyEndpoints('nginx-service', 4);
    assert.match(await c.kubectl.ok(['get', 'services', '-o', 'wide']), /nginx-service\s+NodePort\s+127\.\d+\.\d+\.\d+\s+<none>\s+80:30088\/TCP\s+\S+\s+hello=world/);
    for (const address of c.nodeAddresses) {
      const { status, body } = await httpGet(`http://${address}:30088/`);
      assert.equal(status, 200);
      assert.match(body, /<title>Welcome to nginx!<\/title>/);
    }
    await c.kubectl.ok(['delete', '-f', '-'], { input: seed('nginx-rc-svc.yaml') });
  });

  test('S10: a ClusterIP spreads connections over the ready pods and follows them as they come and go', async () => {
    const name = `who-${suffix()}`;
    const replicas = randomInt(2, 4);
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiRc(name, replicas, { app: name }) });
    assert.match(await c.kubectl.ok(['expose', 'rc', name, '--port=80', '--target-port=http']), new RegExp(`service/${name} exposed`));
    const svc = await client().get<Service>(services, 'default', name);
    assert.equal(svc.spec?.type ?? 'ClusterIP', 'ClusterIP');
    await readyEndpoints(name, replicas);
    const url = `http://${svc.spec?.clusterIP}:80/`;
    const seen = await spread(url, replicas * 6);
    assert.equal(seen.size, replicas, `every pod answered: ${JSON.stringify([...seen])}`);
    for (const n of seen.values()) assert.ok(n >= 3, `spread evenly: ${JSON.stringify([...seen])}`);

    // Scale up: the new pod gets traffic; scale down: the removed ones get none.
    await c.kubectl.ok(['scale', `--replicas=${replicas + 1}`, 'rc', name]);
    await readyEndpoints(name, replicas + 1);
    assert.equal((await spread(url, (replicas + 1) * 4)).size, replicas + 1);
    await c.kubectl.ok(['scale', '--replicas=1', 'rc', name]);
    await readyEndpoints(name, 1);
    const live = (await client().list<Pod>(pods, 'default', { labelSelector: `app=${name}` })).items.filter((p) => !p.metadata.deletionTimestamp);
    const only = await spread(url, 5);
    assert.deepEqual([...only.keys()], [live[0]!.metadata.name]);
  });

  test('S5/S11: expose as NodePort and LoadBalancer: both answer on every node address', async () => {
    const name = `pub-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiRc(name, 2, { app: name }) });
    await c.kubectl.ok(['expose', 'rc', name, '--port=8080', '--name', `${name}-np`, '--type=NodePort']);
    await c.kubectl.ok(['expose', 'rc', name, '--port=8080', '--name', `${name}-lb`, '--type=LoadBalancer']);
    await readyEndpoints(`${name}-np`, 2);
    const np = await client().get<Service>(services, 'default', `${name}-np`);
    const nodePort = np.spec?.ports?.[0]?.nodePort ?? 0;
    assert.ok(nodePort >= 30000 && nodePort <= 32767);
    for (const a of c.nodeAddresses) assert.equal((await httpGet(`http://${a}:${nodePort}/`)).status, 200);
    const lb = await waitFor('LB ingress', async () => {
      const s = await client().get<Service>(services, 'default', `${name}-lb`);
      return (s.status?.loadBalancer?.ingress?.length ?? 0) === c.nodeAddresses.length ? s : undefined;
    });
    const ingress = lb.status!.loadBalancer!.ingress!.map((i) => i.ip).sort();
    assert.deepEqual(ingress, [...c.nodeAddresses].sort());
    const lbPort = lb.spec?.ports?.[0]?.nodePort ?? 0;
    assert.ok(lbPort >= 30000);
    assert.equal((await httpGet(`http://${ingress[0]}:${lbPort}/`)).status, 200);
    const wide = await c.kubectl.ok(['get', 'svc', `${name}-lb`]);
    assert.match(wide, new RegExp(`${name}-lb\\s+LoadBalancer\\s+\\S+\\s+${ingress.join(',').replace(/\./g, '\\.')}\\s+8080:${lbPort}/TCP`));
  });
});
