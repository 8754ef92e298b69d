/**
 * The oci runtime's host namespaces and security fields in real runc containers: hostNetwork
 * (the node's interfaces and address), hostPID, hostIPC, shareProcessNamespace (containers see
 * each other, PID 1 is the pod's init), hostAliases, sysctls, seccomp (RuntimeDefault,
 * Localhost, Unconfined) and fsGroup.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Container } from '../../src/api/kinds.js';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { busybox, eventually, ociSubject, removeBridge, startPod, type OciSubject } from './oci-subject.js';

const net = { podCIDR: '10.201.7.0/24', bridge: 'skiff-sec0' };
const serve = ['sh', '-c', 'trap "exit 143" TERM; sleep 1000 & wait'];
const nodeIP = `192.0.2.${10 + Math.floor(Math.random() * 200)}`;
const main = (extra: Partial<Container> = {}): Container => ({ name: 'main', image: busybox, command: serve, ...extra });
const suffix = (): string => randomBytes(3).toString('hex');

describe('oci runtime: host namespaces and security fields', () => {
  let images: RootfsImages;
  let s: OciSubject;
  let dataDir: string;
  before(async () => {
    await installOciPackages();
    images = await RootfsImages.create();
    s = await ociSubject(net, images, { nodeIP });
    dataDir = s.dataDir;
  });
  after(async () => {
    await s?.dispose();
    await removeBridge(net.bridge);
    await images?.dispose();
  });

  async function sh(id: string, script: string): Promise<string> {
    const r = await s.runtime.exec(id, ['sh', '-c', script], 10_000);
    return r.output.trim();
  }

  void test('hostNetwork: the node\'s interfaces and address, no CNI; the default pod gets its own', async () => {
    const host = await startPod(s, `hostnet-${suffix()}`, [main()], (p) => (p.spec.hostNetwork = true));
    assert.equal(host.sandbox.ip, nodeIP);
    assert.equal(await sh(host.running[0]!.id, 'readlink /proc/self/ns/net'), await readlink('/proc/self/ns/net'));
    assert.equal(await sh(host.running[0]!.id, 'hostname'), os.hostname());
    const own = await startPod(s, `podnet-${suffix()}`, [main()]);
    assert.match(own.sandbox.ip, /^10\.201\.7\./);
    assert.notEqual(await sh(own.running[0]!.id, 'readlink /proc/self/ns/net'), await readlink('/proc/self/ns/net'));
    await s.runtime.removeSandbox(host.sandbox);
    await s.runtime.removeSandbox(own.sandbox);
  });

  void test('hostPID sees this test\'s process; hostIPC is the host\'s IPC namespace', async () => {
    const p = await startPod(s, `hostpid-${suffix()}`, [main()], (x) => {
      x.spec.hostPID = true;
      x.spec.hostIPC = true;
    });
    assert.equal(await sh(p.running[0]!.id, `test -d /proc/${process.pid} && echo seen`), 'seen');
    assert.equal(await sh(p.running[0]!.id, 'readlink /proc/self/ns/ipc'), await readlink('/proc/self/ns/ipc'));
    const q = await startPod(s, `ownpid-${suffix()}`, [main()]);
    assert.equal(await sh(q.running[0]!.id, `test -d /proc/${process.pid} && echo seen || echo hidden`), 'hidden');
    assert.notEqual(await sh(q.running[0]!.id, 'readlink /proc/self/ns/ipc'), await readlink('/proc/self/ns/ipc'));
    await s.runtime.removeSandbox(p.sandbox);
    await s.runtime.removeSandbox(q.sandbox);
  });

  void test('shareProcessNamespace: containers see each other\'s processes; PID 1 is the pod\'s init', async () => {
    const marker = `marker-${suffix()}`;
    const p = await startPod(s, `share-${suffix()}`, [
      main({ name: 'a', command: ['sh', '-c', 'trap "exit 143" TERM; while :; do sleep 1; done', marker] }),
      main({ name: 'b' }),
    ], (x) => (x.spec.shareProcessNamespace = true));
    const seen = await eventually(async () => {
      const out = await sh(p.running[1]!.id, 'cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " "');
      if (!out.includes(marker)) throw new Error(`not seen: ${out}`);
      return out;
    });
    assert.ok(seen.includes(marker));
    assert.match(await sh(p.running[1]!.id, 'tr "\\0" " " < /proc/1/cmdline'), /^\/bin\/sh -c trap/);
    const holders = (): string[] => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(`--pid=${path.join(dataDir, 'oci', p.pod.metadata.uid!, 'sandbox', 'pid')}`);
      } catch {
        return false;
      }
    });
    assert.equal(holders().length, 1, 'one init holds the pod\'s PID namespace');
    await s.runtime.removeSandbox(p.sandbox);
    assert.deepEqual(holders(), [], 'the pod\'s init ends with the sandbox');
  });

  void test('hostAliases land in /etc/hosts', async () => {
    const ip = `10.${Math.floor(Math.random() * 200)}.1.2`;
    const p = await startPod(s, `aliases-${suffix()}`, [main()], (x) => (x.spec.hostAliases = [{ ip, hostnames: ['db', 'db.example'] }]));
    assert.match(await sh(p.running[0]!.id, 'cat /etc/hosts'), new RegExp(`# Entries added by HostAliases.\\n${ip.replace(/\./g, '\\.')}\\tdb\\tdb\\.example`));
    await s.runtime.removeSandbox(p.sandbox);
  });

  void test('sysctls are set in the pod\'s namespaces', async () => {
    const port = String(100 + Math.floor(Math.random() * 800));
    const p = await startPod(s, `sysctl-${suffix()}`, [main()], (x) => (x.spec.securityContext = { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: port }, { name: 'kernel.shm_rmid_forced', value: '1' }] }));
    assert.equal(await sh(p.running[0]!.id, 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced | tr "\\n" " "'), `${port} 1`);
    await s.runtime.removeSandbox(p.sandbox);
  });

  void test('seccomp: RuntimeDefault and Localhost filter, Unconfined and none do not', async () => {
    const profiles = path.join(dataDir, 'seccomp');
    await mkdir(profiles, { recursive: true });
    const name = `no-mkdir-${suffix()}.json`;
    await writeFile(path.join(profiles, name), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
    const mode = async (c: Container): Promise<{ seccomp: string; mkdir: string }> => {
      const p = await startPod(s, `seccomp-${suffix()}`, [c]);
      const seccomp = await sh(p.running[0]!.id, 'grep ^Seccomp: /proc/self/status | tr -d "\\t "');
      const made = await sh(p.running[0]!.id, 'mkdir /tmp/x 2>&1 && echo made');
      await s.runtime.removeSandbox(p.sandbox);
      return { seccomp, mkdir: made };
    };
    assert.deepEqual(await mode(main()), { seccomp: 'Seccomp:0', mkdir: 'made' });
    assert.deepEqual(await mode(main({ securityContext: { seccompProfile: { type: 'Unconfined' } } })), { seccomp: 'Seccomp:0', mkdir: 'made' });
    assert.deepEqual(await mode(main({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } })), { seccomp: 'Seccomp:2', mkdir: 'made' });
    const local = await mode(main({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: name } } }));
    assert.equal(local.seccomp, 'Seccomp:2');
    assert.match(local.mkdir, /Operation not permitted/);
  });

  void test('RuntimeDefault refuses unshare even to root in the container', async () => {
    const p = await startPod(s, `unshare-${suffix()}`, [main({ securityContext: { seccompProfile: { type: 'RuntimeDefault' }, capabilities: { add: ['SYS_ADMIN'] } } }), main({ name: 'plain', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } })]);
    // With CAP_SYS_ADMIN the deny-list lets unshare through (as Docker's does); without, EPERM.
    assert.equal(await sh(p.running[0]!.id, 'unshare -u true 2>&1 && echo ok'), 'ok');
    assert.match(await sh(p.running[1]!.id, 'unshare -u true 2>&1 && echo ok'), /Operation not permitted/);
    await s.runtime.removeSandbox(p.sandbox);
  });

  void test('fsGroup: the volume gets the group and the container has it as a supplementary group', async () => {
    const gid = 4000 + Math.floor(Math.random() * 1000);
    const vol = await mkdtemp(path.join(os.tmpdir(), 'skiff-oci-fsgroup-'));
    try {
      const c = main({ volumeMounts: [{ name: 'data', mountPath: '/data' }], securityContext: { runAsUser: 1234 } });
      const { pod, sandbox } = await startPod(s, `fsgroup-${suffix()}`, []);
      pod.spec.securityContext = { fsGroup: gid };
      pod.spec.volumes = [{ name: 'data', emptyDir: {} }];
      pod.spec.containers = [c];
      const run = await s.runtime.startContainer(sandbox, pod, c, 0, s.options(`fsgroup-${suffix()}`, { command: serve, mounts: [{ hostPath: vol, containerPath: '/data', readOnly: false }] }));
      assert.equal((await stat(vol)).gid, gid);
      assert.match(await sh(run.id, 'id -G'), new RegExp(`\\b${gid}\\b`));
      assert.equal(await sh(run.id, 'echo hi > /data/f && stat -c %g /data/f'), String(gid), 'a non-root user writes through the group; setgid passes it on');
      await s.runtime.removeSandbox(sandbox);
    } finally {
      await rm(vol, { recursive: true, force: true });
    }
  });
});
