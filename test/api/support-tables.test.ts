/** The support tables over every feature × runtime: admission refuses what no runtime honours
 * (422 causes with the field's path), lists per runtime what it degrades, and the kubelet's safe
 * sysctls, hostNetwork ports and seccomp profiles are checked as Kubernetes does. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { validateObject } from '../../src/api/validation/index.js';
import { degradedFeatures, describeDegraded, features, runtimeNames, safeSysctls, supportOf, tables } from '../../src/api/support/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes, containerBuilder, daemonSetBuilder, jobBuilder, podBuilder, rcBuilder, type ContainerBuilder } from '../helpers/builders.js';

type Obj = Record<string, unknown>;
const suffix = (): string => randomBytes(3).toString('hex');

/** One pod-spec fragment per feature: the volume (or pod field, or container field) it takes. */
interface Sample { readonly volume?: Obj; readonly pod?: Obj; readonly container?: Obj; readonly mount?: Obj; readonly path: string }
const samples: Readonly<Record<string, Sample>> = {
  'volume.hostPath': { volume: { hostPath: { path: '/srv' } }, path: 'spec.volumes[0].hostPath' },
  'volume.emptyDir': { volume: { emptyDir: {} }, path: 'spec.volumes[0].emptyDir' },
  'volume.emptyDir.medium': { volume: { emptyDir: { medium: 'Memory' } }, path: 'spec.volumes[0].emptyDir.medium' },
  'volume.emptyDir.sizeLimit': { volume: { emptyDir: { sizeLimit: '1Gi' } }, path: 'spec.volumes[0].emptyDir.sizeLimit' },
  'volume.secret': { volume: { secret: { secretName: 's' } }, path: 'spec.volumes[0].secret' },
  'volume.configMap': { volume: { configMap: { name: 'c' } }, path: 'spec.volumes[0].configMap' },
  'volume.projected': { volume: { projected: { sources: [] } }, path: 'spec.volumes[0].projected' },
  'volume.gitRepo': { volume: { gitRepo: { repository: 'https://example.com/r.git' } }, path: 'spec.volumes[0].gitRepo' },
  'volume.gcePersistentDisk': { volume: { gcePersistentDisk: { pdName: 'd' } }, path: 'spec.volumes[0].gcePersistentDisk' },
  'volume.awsElasticBlockStore': { volume: { awsElasticBlockStore: { volumeID: 'v' } }, path: 'spec.volumes[0].awsElasticBlockStore' },
  'volume.nfs': { volume: { nfs: { server: 'nfs.example.com', path: '/export' } }, path: 'spec.volumes[0].nfs' },
  'volume.iscsi': { volume: { iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 } }, path: 'spec.volumes[0].iscsi' },
  'volume.glusterfs': { volume: { glusterfs: { endpoints: 'g', path: 'p' } }, path: 'spec.volumes[0].glusterfs' },
  'volume.flocker': { volume: { flocker: { datasetName: 'd' } }, path: 'spec.volumes[0].flocker' },
  'volume.persistentVolumeClaim': { volume: { persistentVolumeClaim: { claimName: 'data' } }, path: 'spec.volumes[0].persistentVolumeClaim' },
  'volume.rbd': { volume: { rbd: { monitors: ['m'], image: 'i' } }, path: 'spec.volumes[0].rbd' },
  'volume.quobyte': { volume: { quobyte: { registry: 'r', volume: 'v' } }, path: 'spec.volumes[0].quobyte' },
  'volume.cinder': { volume: { cinder: { volumeID: 'v' } }, path: 'spec.volumes[0].cinder' },
  'volume.cephfs': { volume: { cephfs: { monitors: ['m'] } }, path: 'spec.volumes[0].cephfs' },
  'volume.flexVolume': { volume: { flexVolume: { driver: 'd' } }, path: 'spec.volumes[0].flexVolume' },
  'volume.downwardAPI': { volume: { downwardAPI: { items: [] } }, path: 'spec.volumes[0].downwardAPI' },
  'volume.fc': { volume: { fc: { wwids: ['w'] } }, path: 'spec.volumes[0].fc' },
  'volume.azureFile': { volume: { azureFile: { secretName: 's', shareName: 's' } }, path: 'spec.volumes[0].azureFile' },
  'volume.vsphereVolume': { volume: { vsphereVolume: { volumePath: 'p' } }, path: 'spec.volumes[0].vsphereVolume' },
  'volume.azureDisk': { volume: { azureDisk: { diskName: 'd', diskURI: 'u' } }, path: 'spec.volumes[0].azureDisk' },
  'volume.photonPersistentDisk': { volume: { photonPersistentDisk: { pdID: 'p' } }, path: 'spec.volumes[0].photonPersistentDisk' },
  'volume.portworxVolume': { volume: { portworxVolume: { volumeID: 'v' } }, path: 'spec.volumes[0].portworxVolume' },
  'volume.scaleIO': { volume: { scaleIO: { gateway: 'g', system: 's', secretRef: { name: 'n' } } }, path: 'spec.volumes[0].scaleIO' },
  'volume.storageos': { volume: { storageos: { volumeName: 'v' } }, path: 'spec.volumes[0].storageos' },
  'volume.csi': { volume: { csi: { driver: 'csi.example.com' } }, path: 'spec.volumes[0].csi' },
  'volume.ephemeral': { volume: { ephemeral: { volumeClaimTemplate: { spec: {} } } }, path: 'spec.volumes[0].ephemeral' },
  'volume.image': { volume: { image: { reference: 'busybox' } }, path: 'spec.volumes[0].image' },
  'container.volumeDevices': { container: { volumeDevices: [{ name: 'blk', devicePath: '/dev/xvda' }] }, path: 'spec.containers[0].volumeDevices' },
  'container.mountPropagation': { volume: { emptyDir: {} }, mount: { mountPropagation: 'HostToContainer' }, path: 'spec.containers[0].volumeMounts[0].mountPropagation' },
  'pod.hostNetwork': { pod: { hostNetwork: true }, path: 'spec.hostNetwork' },
  'pod.hostPID': { pod: { hostPID: true }, path: 'spec.hostPID' },
  'pod.hostIPC': { pod: { hostIPC: true }, path: 'spec.hostIPC' },
  'pod.shareProcessNamespace': { pod: { shareProcessNamespace: true }, path: 'spec.shareProcessNamespace' },
  'pod.hostAliases': { pod: { hostAliases: [{ ip: '10.1.2.3', hostnames: ['db'] }] }, path: 'spec.hostAliases' },
  'pod.hostname': { pod: { hostname: 'web' }, path: 'spec.hostname' },
  'pod.setHostnameAsFQDN': { pod: { setHostnameAsFQDN: true }, path: 'spec.setHostnameAsFQDN' },
  'pod.dnsConfig': { pod: { dnsConfig: { nameservers: ['10.0.0.10'] } }, path: 'spec.dnsConfig' },
  'pod.os': { pod: { os: { name: 'windows' } }, path: 'spec.os.name' },
  'pod.runtimeClassName': { pod: { runtimeClassName: 'gvisor' }, path: 'spec.runtimeClassName' },
  'pod.imagePullSecrets': { pod: { imagePullSecrets: [{ name: 'regcred' }] }, path: 'spec.imagePullSecrets' },
  seccomp: { pod: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, path: 'spec.securityContext.seccompProfile' },
  apparmor: { container: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }, path: 'spec.containers[0].securityContext.appArmorProfile' },
  'pod.sysctls': { pod: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] } }, path: 'spec.securityContext.sysctls' },
  'pod.fsGroup': { pod: { securityContext: { fsGroup: 2000 } }, path: 'spec.securityContext.fsGroup' },
  seLinuxOptions: { pod: { securityContext: { seLinuxOptions: { level: 's0:c1,c2' } } }, path: 'spec.securityContext.seLinuxOptions' },
  'container.limits': { container: { resources: { limits: { memory: '64Mi' } } }, path: 'spec.containers[0].resources.limits' },
  'container.privileged': { container: { securityContext: { privileged: true } }, path: 'spec.containers[0].securityContext.privileged' },
  'container.capabilities': { container: { securityContext: { capabilities: { drop: ['ALL'] } } }, path: 'spec.containers[0].securityContext.capabilities' },
  'container.allowPrivilegeEscalation': { container: { securityContext: { allowPrivilegeEscalation: false } }, path: 'spec.containers[0].securityContext.allowPrivilegeEscalation' },
  'container.readOnlyRootFilesystem': { container: { securityContext: { readOnlyRootFilesystem: true } }, path: 'spec.containers[0].securityContext.readOnlyRootFilesystem' },
  'container.procMount': { container: { securityContext: { procMount: 'Unmasked' } }, path: 'spec.containers[0].securityContext.procMount' },
  'container.stdin': { container: { stdin: true }, path: 'spec.containers[0].stdin' },
  'container.tty': { container: { tty: true }, path: 'spec.containers[0].tty' },
};

function podWith(s: Sample, name = `p-${suffix()}`): KubeObject {
  const c: ContainerBuilder = containerBuilder('main').image('busybox');
  for (const [k, v] of Object.entries(s.container ?? {})) c.set(k, v);
  if (s.volume) c.mount('vol', '/vol', s.mount ?? {});
  const b = podBuilder(name).containers(c);
  if (s.volume) b.volume('vol', s.volume);
  for (const [k, v] of Object.entries(s.pod ?? {})) b.podField(k, v);
  return b.defaulted();
}

const refusedEverywhere = (id: string): boolean => runtimeNames.every((r) => supportOf(r, id).level === 'no');

describe('support tables: every feature × runtime', () => {
  test('every feature has a sample here, and every table entry names a feature', () => {
    assert.deepEqual(features.map((f) => f.id).filter((id) => !samples[id]), [], 'features without a test sample');
    const ids = new Set(features.map((f) => f.id));
    for (const r of runtimeNames) assert.deepEqual(Object.keys(tables[r]).filter((id) => !ids.has(id)), [], `unknown features in the ${r} table`);
  });

  for (const f of features) {
    test(`${f.id}: refused iff no runtime honours it; degraded where the table says so`, () => {
      const s = samples[f.id]!;
      const errs = causes(validateObject('Pod', podWith(s)));
      const mine = errs.filter((e) => e.startsWith(`${s.path}:`));
      if (refusedEverywhere(f.id)) {
        assert.equal(mine.length, 1, `${f.id} refused: ${errs.join('; ')}`);
        assert.match(mine[0]!, /Forbidden: not supported by skiff: |Unsupported value: /);
      } else {
        assert.deepEqual(errs, [], `${f.id} accepted`);
      }
      for (const r of runtimeNames) {
        const d = degradedFeatures(podWith(s)['spec'], r).filter((x) => x.feature.id === f.id);
        if (supportOf(r, f.id).level === 'yes') assert.deepEqual(d, [], `${f.id} on ${r}: honoured`);
        else {
          assert.deepEqual(d.map((x) => x.paths), [[s.path]], `${f.id} on ${r}: degraded at its path`);
          assert.match(describeDegraded(d[0]!, r), new RegExp(`^${s.path.replace(/[[\].]/g, '\\$&')}: .* by the ${r} runtime`));
        }
      }
    });
  }

  test('the fake runtime honours whatever a real runtime honours at least partly', () => {
    for (const f of features) assert.equal(supportOf('fake', f.id).level === 'yes', !refusedEverywhere(f.id), f.id);
  });

  test('a runtime skiff does not know honours nothing', () => {
    assert.equal(supportOf(`weird-${suffix()}`, 'volume.emptyDir').level, 'no');
  });
});

describe('support checks in every writer of a pod spec', () => {
  const nfs = { nfs: { server: 'files', path: '/x' } };
  const cases: { name: string; obj: () => KubeObject; kind: string; want: string }[] = [
    { name: 'pod', kind: 'Pod', obj: () => podBuilder(`p-${suffix()}`).volume('v', nfs).defaulted(), want: 'spec.volumes[0].nfs: Forbidden: not supported by skiff: NFS volumes' },
    { name: 'replication controller', kind: 'ReplicationController', obj: () => rcBuilder(`rc-${suffix()}`).volume('v', nfs).defaulted(), want: 'spec.template.spec.volumes[0].nfs: Forbidden: not supported by skiff: NFS volumes' },
    { name: 'daemon set', kind: 'DaemonSet', obj: () => daemonSetBuilder(`ds-${suffix()}`).volume('v', nfs).defaulted(), want: 'spec.template.spec.volumes[0].nfs: Forbidden: not supported by skiff: NFS volumes' },
    { name: 'job', kind: 'Job', obj: () => jobBuilder(`job-${suffix()}`).volume('v', nfs).defaulted(), want: 'spec.template.spec.volumes[0].nfs: Forbidden: not supported by skiff: NFS volumes' },
  ];
  for (const c of cases) {
    test(c.name, () => assert.ok(causes(validateObject(c.kind, c.obj())).includes(c.want), causes(validateObject(c.kind, c.obj())).join('\n')));
  }
});

describe('sysctls, hostNetwork ports and seccomp profiles as Kubernetes checks them', () => {
  const sysctl = (name: string, extra: Obj = {}): KubeObject =>
    podWith({ pod: { securityContext: { sysctls: [{ name, value: '1' }] }, ...extra }, path: '' });
  for (const name of safeSysctls) {
    test(`safe sysctl ${name} is allowed`, () => assert.deepEqual(causes(validateObject('Pod', sysctl(name))), []));
  }
  const cases: { name: string; pod: () => KubeObject; want: string[] }[] = [
    { name: 'an unsafe sysctl', pod: () => sysctl('kernel.msgmax'), want: [`spec.securityContext.sysctls[0].name: Forbidden: not supported by skiff: unsafe sysctl "kernel.msgmax" (only the kubelet's safe sysctls are allowed: ${safeSysctls.join(', ')})`] },
    { name: 'a safe sysctl with slashes', pod: () => sysctl('net/ipv4/tcp_syncookies'), want: [] },
    { name: 'a malformed name', pod: () => sysctl('Net.IPv4'), want: ['spec.securityContext.sysctls[0].name: Invalid value: "Net.IPv4": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$', 'spec.securityContext.sysctls[0].name: Forbidden: not supported by skiff: unsafe sysctl "Net.IPv4" (only the kubelet\'s safe sysctls are allowed: ' + safeSysctls.join(', ') + ')'] },
    { name: 'a net sysctl under hostNetwork', pod: () => sysctl('net.ipv4.tcp_syncookies', { hostNetwork: true }), want: ['spec.securityContext.sysctls[0].name: Invalid value: "net.ipv4.tcp_syncookies": may not be specified when \'hostNetwork\' is true'] },
    { name: 'an IPC sysctl under hostIPC', pod: () => sysctl('kernel.shm_rmid_forced', { hostIPC: true }), want: ['spec.securityContext.sysctls[0].name: Invalid value: "kernel.shm_rmid_forced": may not be specified when \'hostIPC\' is true'] },
    {
      name: 'hostNetwork with a hostPort other than the containerPort',
      pod: () => podBuilder(`p-${suffix()}`).containers(containerBuilder('web').image('nginx').port(80, { hostPort: 8080 })).podField('hostNetwork', true).defaulted(),
      want: ['spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true'],
    },
    {
      name: 'a pod with hostNetwork and hostPort 0 (not defaulted)',
      pod: () => {
        const p = podBuilder(`p-${suffix()}`).containers(containerBuilder('web').image('nginx').port(80)).podField('hostNetwork', true).defaulted();
        delete (((p['spec'] as Obj)['containers'] as Obj[])[0]!['ports'] as Obj[])[0]!['hostPort'];
        return p;
      },
      want: ['spec.containers[0].ports[0].hostPort: Invalid value: null: must match `containerPort` when `hostNetwork` is true'],
    },
    { name: 'hostNetwork with hostPort defaulted from containerPort', pod: () => podBuilder(`p-${suffix()}`).containers(containerBuilder('web').image('nginx').port(80)).podField('hostNetwork', true).defaulted(), want: [] },
    { name: 'seccomp Localhost without a profile', pod: () => podWith({ pod: { securityContext: { seccompProfile: { type: 'Localhost' } } }, path: '' }), want: ['spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost'] },
    { name: 'seccomp Localhost escaping the profile dir', pod: () => podWith({ container: { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: '../etc/x.json' } } }, path: '' }), want: ['spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: "../etc/x.json": must be a relative path and must not contain \'..\''] },
    { name: 'an unknown seccomp type', pod: () => podWith({ pod: { securityContext: { seccompProfile: { type: 'Strict' } } }, path: '' }), want: ['spec.securityContext.seccompProfile.type: Unsupported value: "Strict": supported values: "Localhost", "RuntimeDefault", "Unconfined"'] },
    { name: 'AppArmor through the annotation is refused as the field is', pod: () => podBuilder(`p-${suffix()}`).annotations({ 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }).defaulted(), want: ['metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]: Forbidden: not supported by skiff: AppArmor profiles'] },
    { name: 'the annotation with unconfined asks for nothing', pod: () => podBuilder(`p-${suffix()}`).annotations({ 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }).defaulted(), want: [] },
    { name: 'AppArmor Unconfined asks for nothing', pod: () => podWith({ pod: { securityContext: { appArmorProfile: { type: 'Unconfined' } } }, path: '' }), want: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(causes(validateObject('Pod', c.pod())), c.want));

  // (The builder's template has a container of its own: the agent is containers[1].)
  test('a template under hostNetwork may leave hostPort unset, not set it to another port', () => {
    const ds = (hostPort?: number): KubeObject => daemonSetBuilder(`ds-${suffix()}`).container(containerBuilder('agent').image('busybox').port(9100, hostPort === undefined ? {} : { hostPort })).podField('hostNetwork', true).defaulted();
    assert.deepEqual(causes(validateObject('DaemonSet', ds())), []);
    assert.deepEqual(causes(validateObject('DaemonSet', ds(9100))), []);
    assert.deepEqual(causes(validateObject('DaemonSet', ds(9200))), ['spec.template.spec.containers[1].ports[0].hostPort: Invalid value: 9200: must match `containerPort` when `hostNetwork` is true']);
  });
});
