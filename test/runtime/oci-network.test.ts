/**
 * The oci runtime's pod network (SCENARIOS S8): containers of one pod share its network and IPC
 * namespaces (each reaches the other on localhost, /dev/shm is shared), a hostPort answers on
 * the host through portmap, pods reach each other by pod IP over the bridge, and /etc/hosts and
 * the hostname name the pod. Traffic stays on this file's own bridge and CIDR.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { busybox, eventually, ociSubject, removeBridge, removeIdlePortmapChains, startPod, type OciSubject } from './oci-subject.js';

const net = { podCIDR: '10.201.2.0/24', bridge: 'skiff-net0' };
const gateway = '10.201.2.1';
// Below the NodePort range (30000–32767): portmap DNATs the port on every local address.
const hostPort = 21000 + (process.pid % 1000);

function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

const httpd = (port: number): string[] => ['httpd', '-f', '-p', String(port), '-h', '/var/www'];

describe('oci runtime: pod network', () => {
  let images: RootfsImages;
  let s: OciSubject;
  before(async () => {
    await installOciPackages();
    images = await RootfsImages.create();
    s = await ociSubject(net, images);
  });
  after(async () => {
    await s?.dispose();
    await removeBridge(net.bridge);
    await removeIdlePortmapChains();
    await images?.dispose();
  });

  void test('S8: two containers of one pod reach each other on localhost and share IPC and /dev/shm', async () => {
    const { running } = await startPod(s, 's8', [
      { name: 'web', image: busybox, command: httpd(8080) },
      { name: 'side', image: busybox, command: httpd(8081) },
    ]);
    const [web, side] = running as [typeof running[0], typeof running[0]];
    const fromWeb = await eventually(async () => {
      const r = await s.runtime.exec(web.id, ['wget', '-q', '-O', '-', 'http://localhost:8081/'], 5000);
      assert.equal(r.exitCode, 0, r.output);
      return r.output;
    });
    assert.match(fromWeb, /hello from busybox httpd/);
    const fromSide = await eventually(async () => {
      const r = await s.runtime.exec(side.id, ['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/'], 5000);
      assert.equal(r.exitCode, 0, r.output);
      return r.output;
    });
    assert.match(fromSide, /hello from busybox httpd/);
    const ns = async (id: string, kind: string): Promise<string> => (await s.runtime.exec(id, ['readlink', `/proc/self/ns/${kind}`], 5000)).output.trim();
    assert.equal(await ns(web.id, 'net'), await ns(side.id, 'net'));
    assert.equal(await ns(web.id, 'ipc'), await ns(side.id, 'ipc'));
    assert.notEqual(await ns(web.id, 'pid'), await ns(side.id, 'pid'));
    assert.equal((await s.runtime.exec(web.id, ['sh', '-c', 'echo shared > /dev/shm/note'], 5000)).exitCode, 0);
    assert.equal((await s.runtime.exec(side.id, ['cat', '/dev/shm/note'], 5000)).output.trim(), 'shared');
  });

  void test('a hostPort answers on the host (portmap), on a host address and on localhost', async () => {
    const { sandbox } = await startPod(s, 'hostport', [
      { name: 'web', image: busybox, command: httpd(8080), ports: [{ containerPort: 8080, hostPort, protocol: 'TCP' }] },
    ]);
    assert.match(await eventually(() => get(sandbox.ip, 8080)), /hello from busybox httpd/, 'the pod IP from the host');
    assert.match(await eventually(() => get(gateway, hostPort)), /hello from busybox httpd/, 'the host port on the bridge address');
    assert.match(await eventually(() => get('127.0.0.1', hostPort)), /hello from busybox httpd/, 'the host port on localhost');
    await s.runtime.removeSandbox(sandbox);
    await assert.rejects(get(gateway, hostPort), 'the mapping goes with the sandbox');
  });

  void test('two pods reach each other by pod IP over the bridge', async () => {
    const a = await startPod(s, 'pod-a', [{ name: 'web', image: busybox, command: httpd(80) }]);
    const b = await startPod(s, 'pod-b', [{ name: 'client', image: busybox, command: ['sh', '-c', 'trap "exit 143" TERM; sleep 1000 & wait'] }]);
    assert.notEqual(a.sandbox.ip, b.sandbox.ip);
    const body = await eventually(async () => {
      const r = await s.runtime.exec(b.running[0]!.id, ['wget', '-q', '-O', '-', `http://${a.sandbox.ip}/`], 5000);
      assert.equal(r.exitCode, 0, r.output);
      return r.output;
    });
    assert.match(body, /hello from busybox httpd/);
    const ping = await s.runtime.exec(a.running[0]!.id, ['ping', '-c', '1', '-W', '2', b.sandbox.ip], 5000);
    assert.equal(ping.exitCode, 0, ping.output);
  });

  void test('/etc/hosts, /etc/hostname and the hostname name the pod; eth0 has the sandbox address', async () => {
    const { sandbox, running } = await startPod(s, 'named', [{ name: 'main', image: busybox, command: ['sh', '-c', 'trap "exit 143" TERM; sleep 1000 & wait'] }]);
    const id = running[0]!.id;
    assert.equal((await s.runtime.exec(id, ['hostname'], 5000)).output.trim(), 'named');
    assert.equal((await s.runtime.exec(id, ['cat', '/etc/hostname'], 5000)).output.trim(), 'named');
    assert.match((await s.runtime.exec(id, ['cat', '/etc/hosts'], 5000)).output, new RegExp(`^${sandbox.ip.replace(/\./g, '\\.')}\\tnamed$`, 'm'));
    assert.match((await s.runtime.exec(id, ['ip', '-4', 'addr', 'show', 'eth0'], 5000)).output, new RegExp(`inet ${sandbox.ip.replace(/\./g, '\\.')}/24`));
    assert.match((await s.runtime.exec(id, ['cat', '/etc/resolv.conf'], 5000)).output, /nameserver/);
  });
});
