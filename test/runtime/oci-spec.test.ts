/** The oci runtime's pure rules, table-driven: kubelet's cpu formulas, Kubernetes' command rule,
 * env overlay, capability sets, user resolution. No root needed. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { capabilitySet, cgroupResources, defaultCapabilities, milliCpuToQuota, milliCpuToShares, processArgs, processEnv, resolveUser } from '../../src/runtime/oci/index.js';

describe('oci runtime rules', () => {
  void test('cpu shares and quota by kubelet formulas', () => {
    for (const [milli, shares] of [[0, 2], [1, 2], [100, 102], [250, 256], [1000, 1024], [300_000, 262_144]] as const) assert.equal(milliCpuToShares(milli), shares, `shares of ${milli}m`);
    for (const [milli, quota] of [[0, 0], [5, 1000], [250, 25_000], [1500, 150_000]] as const) assert.equal(milliCpuToQuota(milli), quota, `quota of ${milli}m`);
    assert.deepEqual(cgroupResources({ name: 'c', resources: { limits: { cpu: '500m', memory: '64Mi' } } }), { cpuShares: 512, cpuQuota: 50_000, cpuPeriod: 100_000, memoryLimit: 64 * 1024 * 1024 });
    assert.deepEqual(cgroupResources({ name: 'c' }), { cpuShares: 2 });
  });

  void test('command replaces ENTRYPOINT and CMD, args replaces CMD', () => {
    const image = { entrypoint: ['/ep'], cmd: ['--default'] };
    const cases: [string, { command?: string[]; args?: string[] }, string[]][] = [
      ['neither: the image', {}, ['/ep', '--default']],
      ['args: entrypoint + args', { args: ['--x'] }, ['/ep', '--x']],
      ['command: command alone', { command: ['/bin/run'] }, ['/bin/run']],
      ['both: command + args', { command: ['/bin/run'], args: ['a'] }, ['/bin/run', 'a']],
    ];
    for (const [name, opts, want] of cases) assert.deepEqual(processArgs(opts, image), want, name);
    assert.throws(() => processArgs({}, {}), /no command specified/);
  });

  void test('the container env overlays the image env; PATH, HOSTNAME and HOME filled in', () => {
    assert.deepEqual(processEnv({ env: ['A=1', 'B=2'] }, { B: 'x' }, 'web', '/root'), ['A=1', 'B=x', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=web', 'HOME=/root']);
  });

  void test('capabilities: default, drop, add, ALL', () => {
    assert.deepEqual(capabilitySet({}), [...defaultCapabilities]);
    assert.ok(!capabilitySet({ drop: ['net_raw'] }).includes('CAP_NET_RAW'));
    assert.deepEqual(capabilitySet({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] }), ['CAP_NET_BIND_SERVICE']);
    assert.ok(capabilitySet({ add: ['CAP_SYS_ADMIN'] }).includes('CAP_SYS_ADMIN'));
  });

  void test('users: numeric, named through /etc/passwd, groups from /etc/group, runAs* win', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-oci-user-'));
    try {
      await mkdir(path.join(root, 'etc'));
      await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nweb:x:101:102::/srv:/bin/sh\n');
      await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nweb:x:102:\nlog:x:4:web\n');
      assert.deepEqual(resolveUser(root, {}), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
      assert.deepEqual(resolveUser(root, { imageUser: 'web' }), { uid: 101, gid: 102, additionalGids: [4], home: '/srv' });
      assert.deepEqual(resolveUser(root, { imageUser: '101:log' }), { uid: 101, gid: 4, additionalGids: [], home: '/srv' });
      assert.deepEqual(resolveUser(root, { imageUser: '5000' }), { uid: 5000, gid: 0, additionalGids: [], home: '/' });
      assert.deepEqual(resolveUser(root, { imageUser: 'web', runAsUser: 7, runAsGroup: 8, supplementalGroups: [9] }), { uid: 7, gid: 8, additionalGids: [9], home: '/' });
      assert.throws(() => resolveUser(root, { imageUser: 'nobody' }), /unable to find user nobody/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
