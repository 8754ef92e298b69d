/** Cluster DNS on `skiff up` (process runtime): the kube-dns Service at the range's .10 answers on
 * 53 through the service proxy, over UDP and TCP, for services and headless services whose pods
 * the cluster runs, following the pods as they go; names outside the cluster are forwarded. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Service } from '../../src/api/kinds.js';
import { endpoints, services } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';
import { whoamiRc } from './fixtures.js';
import { ask } from '../dns/client.js';

describe('cluster DNS on skiff up', () => {
  let c: UpCluster;
  let dnsIP: string;
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
    const svc = await waitFor('kube-dns', async () => c.cp.client.get<Service>(services, 'kube-system', 'kube-dns').catch(() => undefined));
    dnsIP = svc.spec.clusterIP!;
  });
  after(async () => {
    await c.stop();
  });

  test('kube-dns is at the service range\'s .10 on 53/UDP and 53/TCP', () => {
    assert.equal(dnsIP, c.block.serviceRange.replace(/\.0\/\d+$/, '.10'));
  });

  test('a pod-backed service, its headless twin and the pods going: answers through the cluster IP', async () => {
    const name = `who-${suffix()}`;
    const replicas = randomInt(2, 3);
    await c.kubectl.ok(['create', '-f', '-'], { input: whoamiRc(name, replicas, { app: name }) });
    await c.kubectl.ok(['expose', 'rc', name, '--port=80', '--target-port=http']);
    await c.kubectl.ok(['create', 'service', 'clusterip', `${name}-hl`, '--clusterip=None', '--tcp=80:8080']);
    await c.kubectl.ok(['patch', 'service', `${name}-hl`, '-p', JSON.stringify({ spec: { selector: { app: name } } })]);
    const svc = await c.cp.client.get<Service>(services, 'default', name);
    const fq = (n: string): string => `${n}.default.svc.cluster.local`;
    // Through the proxy on the cluster IP, port 53, both transports.
    for (const tcp of [false, true]) {
      const r = await waitFor('the service answer', async () => {
        const p = await ask(53, fq(name), 'A', { tcp, timeoutMs: 500 }, dnsIP).catch(() => undefined);
        return p?.answers?.length ? p : undefined;
      }, 15_000, 100);
      assert.deepEqual(r.answers!.map((x) => (x as { data: unknown }).data), [svc.spec.clusterIP]);
    }
    const podIPs = async (): Promise<string[]> => {
      const ep = await c.cp.client.get<Endpoints>(endpoints, 'default', name);
      return (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
    };
    const ips = await waitFor('ready pods', async () => ((await podIPs()).length === replicas ? podIPs() : undefined), 30_000);
    const headless = async (): Promise<string[]> => ((await ask(53, fq(`${name}-hl`), 'A', {}, dnsIP)).answers ?? []).map((x) => String((x as { data: unknown }).data)).sort();
    await waitFor('headless answer', async () => (await headless()).join() === ips.join(), 10_000, 50);
    // One pod goes: the answer follows its Endpoints within a second.
    await c.kubectl.ok(['scale', 'rc', name, '--replicas=1']);
    const left = await waitFor('one pod left', async () => ((await podIPs()).length === 1 ? podIPs() : undefined), 30_000, 20);
    const t0 = Date.now();
    await waitFor('headless answer follows', async () => (await headless()).join() === left.join(), 1_000, 20);
    assert.ok(Date.now() - t0 < 1000);
    const srv = await ask(53, `_http._tcp.${fq(name)}`, 'SRV', {}, dnsIP);
    assert.equal(srv.rcode, 'NXDOMAIN', 'expose gives an unnamed port: no _http SRV');
    assert.equal((await ask(53, fq(`nope-${suffix()}`), 'A', {}, dnsIP)).rcode, 'NXDOMAIN');
  });

  test('a busybox pod gets the cluster resolv.conf (its own mount namespace) and resolves a service by its short name', async () => {
    const name = `named-${suffix()}`;
    await c.kubectl.ok(['create', 'service', 'clusterip', name, '--tcp=80:8080']);
    const svc = await c.cp.client.get<Service>(services, 'default', name);
    const pod = `resolver-${suffix()}`;
    await c.kubectl.ok(['run', pod, '--image=busybox', '--restart=Never', '--', 'sh', '-c', `cat /etc/resolv.conf; nslookup ${name}`]);
    const logs = await waitFor('the pod\'s output', async () => {
      const r = await c.kubectl.run(['logs', pod]);
      return r.code === 0 && /Address:?\s+\S+\s*$/m.test(r.stdout) && r.stdout.includes(name) ? r.stdout : undefined;
    }, 30_000, 200);
    assert.match(logs, new RegExp(`^nameserver ${dnsIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(logs, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    assert.match(logs, /^options ndots:5$/m);
    assert.match(logs, new RegExp(`Name:\\s+${name}\\.default\\.svc\\.cluster\\.local[\\s\\S]*Address:?\\s+${svc.spec.clusterIP!.replace(/\./g, '\\.')}`), logs);
  });
});
