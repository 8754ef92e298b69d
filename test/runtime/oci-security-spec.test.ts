/** The oci runtime's security and host-namespace rules as pure functions, table-driven: which
 * namespaces a pod's containers get, sysctls, seccomp profiles (RuntimeDefault with and without
 * capabilities, Localhost in Docker's form, privileged), hosts and resolv.conf, fsGroup. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Container, Pod, PodSpec } from '../../src/api/kinds.js';
import { podNamespaces, podSysctls } from '../../src/runtime/oci/spec.js';
import { namespacePaths } from '../../src/runtime/oci/namespaces.js';
import { loadLocalhostProfile, runtimeDefaultProfile, seccompFor } from '../../src/runtime/oci/seccomp.js';
import { hostResolvConf, podResolvConf } from '../../src/runtime/shared/index.js';
import { applyFsGroup, hostAliasesBlock, managedMounts } from '../../src/runtime/shared/index.js';

const ns = namespacePaths('/sbx');
const main: Container = { name: 'main', image: 'busybox' };
const pod = (spec: Partial<PodSpec>, containers: Container[] = [main]): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${randomBytes(3).toString('hex')}`, uid: randomBytes(8).toString('hex') }, spec: { containers, ...spec },
});

describe('oci: namespaces by the pod spec', () => {
  const cases: { name: string; spec: Partial<PodSpec>; want: { type: string; path?: string }[] }[] = [
    { name: 'the default: pod net and IPC by path, own pid/uts/mount', spec: {}, want: [{ type: 'pid' }, { type: 'ipc', path: ns.ipc }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: ns.net }] },
    { name: 'hostNetwork: no network or UTS namespace', spec: { hostNetwork: true }, want: [{ type: 'pid' }, { type: 'ipc', path: ns.ipc }, { type: 'mount' }] },
    { name: 'hostPID: no PID namespace', spec: { hostPID: true }, want: [{ type: 'ipc', path: ns.ipc }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: ns.net }] },
    { name: 'hostIPC: no IPC namespace', spec: { hostIPC: true }, want: [{ type: 'pid' }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: ns.net }] },
    { name: 'shareProcessNamespace: the pod\'s PID namespace by path', spec: { shareProcessNamespace: true }, want: [{ type: 'pid', path: ns.pid }, { type: 'ipc', path: ns.ipc }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: ns.net }] },
    { name: 'all of the host\'s', spec: { hostNetwork: true, hostPID: true, hostIPC: true }, want: [{ type: 'mount' }] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(podNamespaces(pod(c.spec), ns), c.want));
});

describe('oci: sysctls', () => {
  test('dotted and slashed names, values as strings; none without any', () => {
    const port = 1000 + Math.floor(Math.random() * 1000);
    assert.deepEqual(podSysctls(pod({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(port) }, { name: 'kernel/shm_rmid_forced', value: '1' }] } })), {
      'net.ipv4.ip_unprivileged_port_start': String(port), 'kernel.shm_rmid_forced': '1',
    });
    assert.equal(podSysctls(pod({})), undefined);
  });
});

describe('oci: seccomp', () => {
  const opts = { privileged: false, capabilities: ['CAP_CHOWN'], profileRoot: '/nonexistent' };
  const names = (p: Record<string, unknown> | undefined): string[] => ((p?.['syscalls'] as { names: string[] }[] | undefined) ?? []).flatMap((s) => s.names);

  test('no profile and Unconfined: no filter; privileged: none even with RuntimeDefault', () => {
    assert.equal(seccompFor(pod({}), main, opts), undefined);
    assert.equal(seccompFor(pod({ securityContext: { seccompProfile: { type: 'Unconfined' } } }), main, opts), undefined);
    assert.equal(seccompFor(pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), main, { ...opts, privileged: true }), undefined);
  });

  test('RuntimeDefault: allow by default, EPERM for the deny-list; capabilities lift their syscalls', () => {
    const p = runtimeDefaultProfile(['CAP_CHOWN']);
    assert.equal(p['defaultAction'], 'SCMP_ACT_ALLOW');
    for (const s of ['mount', 'unshare', 'setns', 'reboot', 'init_module', 'keyctl', 'ptrace_not_here']) {
      assert.equal(names(p).includes(s), s !== 'ptrace_not_here', s);
    }
    assert.ok(!names(p).includes('clone3'), 'clone3 stays allowed (glibc falls back only on ENOSYS)');
    const admin = names(runtimeDefaultProfile(['CAP_SYS_ADMIN']));
    assert.ok(!admin.includes('mount') && !admin.includes('unshare'), 'CAP_SYS_ADMIN allows mount and unshare');
    assert.ok(admin.includes('keyctl') && admin.includes('reboot'), 'but not keyctl or reboot');
  });

  test('the container\'s profile wins over the pod\'s', () => {
    const c: Container = { ...main, securityContext: { seccompProfile: { type: 'Unconfined' } } };
    assert.equal(seccompFor(pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, [c]), c, opts), undefined);
    const r: Container = { ...main, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } };
    assert.ok(seccompFor(pod({}, [r]), r, opts));
  });

  test('Localhost: Docker\'s form read from the profile root; outside it or missing is a config error', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-seccomp-'));
    try {
      const name = `profiles/deny-${randomBytes(3).toString('hex')}.json`;
      await mkdir(path.join(root, 'profiles'));
      await writeFile(path.join(root, name), JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW', archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, comment: 'dropped' }],
      }));
      const c: Container = { ...main, securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: name } } };
      assert.deepEqual(seccompFor(pod({}, [c]), c, { ...opts, profileRoot: root }), {
        defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
      });
      assert.throws(() => loadLocalhostProfile(root, 'missing.json'), /failed to load seccomp profile/);
      assert.throws(() => loadLocalhostProfile(root, '../../etc/passwd'), /outside/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('oci: hosts and resolv.conf', () => {
  test('hostAliases as the kubelet appends them', () => {
    assert.equal(hostAliasesBlock(pod({ hostAliases: [{ ip: '10.1.2.3', hostnames: ['db', 'db.local'] }, { ip: '10.9.9.9', hostnames: [] }] })), '\n# Entries added by HostAliases.\n10.1.2.3\tdb\tdb.local\n');
    assert.equal(hostAliasesBlock(pod({})), '');
  });
  const host = 'nameserver 10.0.0.2\nsearch example.com\noptions ndots:2\n';
  const cases: { name: string; spec: Partial<PodSpec>; want: string }[] = [
    { name: 'no dnsConfig: the node\'s', spec: {}, want: 'nameserver 10.0.0.2\nsearch example.com\noptions ndots:2\n' },
    { name: 'dnsConfig appended, options overridden', spec: { dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '5' }, { name: 'edns0' }] } }, want: 'nameserver 10.0.0.2\nnameserver 1.1.1.1\nsearch example.com svc.local\noptions ndots:5 edns0\n' },
    { name: 'dnsPolicy None: dnsConfig alone', spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'] } }, want: 'nameserver 9.9.9.9\n' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(podResolvConf(pod(c.spec), host), c.want));
  const cluster = { servers: ['10.43.0.10'], domain: 'cluster.local' };
  const ns = pod({}).metadata.namespace ?? 'default';
  const search = `search ${ns}.svc.cluster.local svc.cluster.local cluster.local example.com`;
  const clusterCases: { name: string; spec: Partial<PodSpec>; want: string }[] = [
    { name: 'ClusterFirst: the cluster DNS, the namespace searches, ndots:5', spec: {}, want: `nameserver 10.43.0.10\n${search}\noptions ndots:5\n` },
    { name: 'ClusterFirst under hostNetwork: the node\'s (kubelet\'s rule)', spec: { hostNetwork: true }, want: host },
    { name: 'ClusterFirstWithHostNet: the cluster DNS under hostNetwork', spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }, want: `nameserver 10.43.0.10\n${search}\noptions ndots:5\n` },
    { name: 'Default: the node\'s, cluster DNS or not', spec: { dnsPolicy: 'Default' }, want: host },
    { name: 'ClusterFirst with dnsConfig options', spec: { dnsConfig: { options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }, want: `nameserver 10.43.0.10\n${search}\noptions ndots:2 edns0\n` },
  ];
  for (const c of clusterCases) test(`with a cluster DNS: ${c.name}`, () => assert.equal(podResolvConf(pod(c.spec), host, cluster), c.want));
  test('a pod network never gets a public resolver: loopback-only hosts fall back to the cluster DNS', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-resolv-'));
    try {
      const stub = path.join(dir, 'stub');
      await writeFile(stub, 'nameserver 127.0.0.53\nsearch lan\n');
      assert.equal(hostResolvConf(true, cluster, [stub]), 'nameserver 10.43.0.10\nsearch lan\n');
      assert.equal(hostResolvConf(true, undefined, [stub]), 'nameserver 127.0.0.53\nsearch lan\n');
      assert.equal(hostResolvConf(false, cluster, [stub]), 'nameserver 127.0.0.53\nsearch lan\n');
      assert.doesNotMatch(hostResolvConf(true, undefined, [path.join(dir, 'missing')]), /8\.8\.8\.8/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fsGroup: volume ownership', () => {
  // chown to another group needs root: skiff's oci runtime runs as root, and so do these tests.
  test('managed volumes get the group, group rw and setgid dirs; hostPath is left alone; OnRootMismatch skips a matching root', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'skiff-fsgroup-'));
    try {
      const gid = 3000 + Math.floor(Math.random() * 1000);
      const vol = path.join(base, 'vol');
      const host = path.join(base, 'host');
      await mkdir(path.join(vol, 'sub'), { recursive: true, mode: 0o700 });
      await writeFile(path.join(vol, 'sub', 'f'), 'x', { mode: 0o600 });
      await mkdir(host);
      const c: Container = { ...main, volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'h', mountPath: '/h' }] };
      const p = pod({ securityContext: { fsGroup: gid }, volumes: [{ name: 'data', emptyDir: {} }, { name: 'h', hostPath: { path: host } }] }, [c]);
      const mounts = [{ hostPath: vol, containerPath: '/data', readOnly: false }, { hostPath: host, containerPath: '/h', readOnly: false }];
      assert.deepEqual(managedMounts(p, c, mounts).map((m) => m.containerPath), ['/data']);
      await applyFsGroup(p, c, mounts);
      for (const [f, mode] of [[vol, 0o2770], [path.join(vol, 'sub'), 0o2770], [path.join(vol, 'sub', 'f'), 0o660]] as const) {
        const st = await stat(f);
        assert.equal(st.gid, gid, f);
        assert.equal(st.mode & 0o7777, mode, `${f}: ${(st.mode & 0o7777).toString(8)}`);
      }
      assert.notEqual((await stat(host)).gid, gid, 'hostPath untouched');
      // OnRootMismatch: the root matches, so a new file inside keeps its group.
      await writeFile(path.join(vol, 'late'), 'y', { mode: 0o600 });
      const q = pod({ securityContext: { fsGroup: gid, fsGroupChangePolicy: 'OnRootMismatch' }, volumes: [{ name: 'data', emptyDir: {} }] }, [c]);
      await applyFsGroup(q, c, mounts);
      assert.equal((await stat(path.join(vol, 'late'))).mode & 0o777, 0o600);
      assert.deepEqual((await readdir(vol)).sort(), ['late', 'sub']);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
